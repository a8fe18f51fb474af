"""The benchmark's own objective and hard rules, computed from the instance alone.

Deliberately shares nothing with Bemanna's model, validator or score: it reads a roster as the
benchmark defines it (``FORMAT.md``) so a slip in the mapping or the solver cannot hide.

One reading differs from ``FORMAT.md``'s text, because the known optima demand it: a run of working
days that touches the horizon's first or last day is exempt from ``MinConsecutiveShifts`` (Curtois'
original definition assumes an endless run of shifts before and after the horizon), just as rule 7
exempts off-runs at the edges. Counting edge work runs, as ``FORMAT.md`` rule 6 says, makes the proven
optimum of Instance 2 833 and of Instance 4 1719, above the best known 828 and 1716 that several exact
methods agree on; exempting them reproduces 828 and 1716 exactly (``tests/test_curtois.py``).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.curtois.instance import Instance, InstanceFormatError


@dataclass
class Evaluation:
    objective: int = 0
    on_requests: int = 0  # penalty of unmet shift-on requests
    off_requests: int = 0  # penalty of violated shift-off requests
    under_cover: int = 0
    over_cover: int = 0
    violations: list[str] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return not self.violations


def _runs(worked: list[bool]) -> list[tuple[bool, int, int]]:
    """Maximal runs as (working?, first day, length)."""
    runs: list[tuple[bool, int, int]] = []
    for day, flag in enumerate(worked):
        if runs and runs[-1][0] == flag:
            flag_, first, length = runs[-1]
            runs[-1] = (flag_, first, length + 1)
        else:
            runs.append((flag, day, 1))
    return runs


def evaluate(inst: Instance, roster: Iterable[tuple[str, int, str]]) -> Evaluation:
    """Score a roster of (employee, day, shift) and list every hard-rule violation."""
    ev = Evaluation()
    bad = ev.violations
    plan: dict[str, list[str | None]] = {e: [None] * inst.days for e in inst.staff}
    for emp, day, shift in roster:
        if emp not in inst.staff or shift not in inst.shifts or not 0 <= day < inst.days:
            bad.append(f"unknown employee, shift or day: {emp},{day},{shift}")
            continue
        if plan[emp][day] is not None:
            bad.append(f"rule 1: {emp} works two shifts on day {day}")  # at most one shift per day
        plan[emp][day] = shift

    for emp, staff in inst.staff.items():
        row = plan[emp]
        for day in range(inst.days - 1):  # rule 2: forbidden successions
            a, b = row[day], row[day + 1]
            if a is not None and b is not None and b in inst.shifts[a].forbidden_next:
                bad.append(f"rule 2: {emp} works {b} on day {day + 1} after {a} on day {day}")
        counts = Counter(s for s in row if s is not None)
        for shift, n in counts.items():  # rule 3
            if n > staff.max_shifts.get(shift, inst.days):
                bad.append(f"rule 3: {emp} works {n} {shift} shifts; max {staff.max_shifts.get(shift)}")
        minutes = sum(inst.shifts[s].minutes for s in row if s is not None)
        if not staff.min_minutes <= minutes <= staff.max_minutes:  # rule 4
            bad.append(f"rule 4: {emp} works {minutes} minutes; allowed {staff.min_minutes}..{staff.max_minutes}")
        worked = [s is not None for s in row]
        for flag, first, length in _runs(worked):
            touches_edge = first == 0 or first + length == inst.days
            if flag and length > staff.max_consecutive:  # rule 5
                bad.append(f"rule 5: {emp} works {length} days from day {first}; max {staff.max_consecutive}")
            if flag and not touches_edge and length < staff.min_consecutive:  # rule 6, edge runs exempt (see below)
                bad.append(f"rule 6: {emp} works {length} days from day {first}; min {staff.min_consecutive}")
            if not flag and not touches_edge and length < staff.min_days_off:  # rule 7: edge off-runs exempt
                bad.append(f"rule 7: {emp} is off {length} days from day {first}; min {staff.min_days_off}")
        weekends = sum(1 for k in range(inst.days // 7) if worked[7 * k + 5] or worked[7 * k + 6])
        if weekends > staff.max_weekends:  # rule 8
            bad.append(f"rule 8: {emp} works {weekends} weekends; max {staff.max_weekends}")
        for day in sorted(inst.days_off.get(emp, ())):  # rule 9
            if worked[day]:
                bad.append(f"rule 9: {emp} works on day off {day}")

    for r in inst.on_requests:
        if plan.get(r.staff, [None] * inst.days)[r.day] != r.shift:
            ev.on_requests += r.weight
    for r in inst.off_requests:
        if plan.get(r.staff, [None] * inst.days)[r.day] == r.shift:
            ev.off_requests += r.weight
    on_shift = Counter((day, s) for row in plan.values() for day, s in enumerate(row) if s is not None)
    for (day, shift), c in inst.cover.items():
        n = on_shift[(day, shift)]
        ev.under_cover += c.weight_under * max(0, c.requirement - n)
        ev.over_cover += c.weight_over * max(0, n - c.requirement)
    ev.objective = ev.on_requests + ev.off_requests + ev.under_cover + ev.over_cover
    return ev


def write_roster(path: Path, roster: Iterable[tuple[str, int, str]]) -> None:
    """The roster as CSV ``employee,day,shift``, one line per worked day, with a header line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["employee", "day", "shift"])
        out.writerows(sorted(roster))


def read_roster(path: Path) -> list[tuple[str, int, str]]:
    """Read ``write_roster``'s CSV (the header line is optional)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InstanceFormatError(f"{path}: cannot read ({e.strerror})") from None
    roster = []
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or row == ["employee", "day", "shift"]:
            continue
        if len(row) != 3 or not row[1].strip().isdigit():
            raise InstanceFormatError(f"{path}:{number}: expected employee,day,shift, got {','.join(row)!r}")
        roster.append((row[0].strip(), int(row[1]), row[2].strip()))
    return roster
