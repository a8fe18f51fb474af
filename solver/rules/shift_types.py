"""Shifts of a type (``shift_type_limit``): at most ``Worker.max_shifts_per_type`` of each type over the
horizon. A limit of 0 is pruned: ``solver.instance.build_instance`` gives such a pair no variable."""

from __future__ import annotations

from collections import Counter, defaultdict

from solver.rules.family import Family
from solver.variables import Build
from solver.violations import Schedule, Violation


def model(b: Build) -> None:
    inst, v = b.inst, b.v
    for w, pairs in enumerate(inst.by_worker):
        limits = inst.workers[w].max_shifts_per_type
        if not limits:
            continue
        by_type: dict[str, list[int]] = defaultdict(list)
        for p in pairs:
            typ = inst.items[inst.pairs[p].i].shift_type
            if typ in limits:
                by_type[typ].append(p)
        for typ, typed in by_type.items():
            if len(typed) > limits[typ]:
                v.model.add(sum(v.x[p] for p in typed) <= limits[typ])


def check(s: Schedule) -> list[Violation]:
    out = []
    counts = Counter(it.shift_type for it in s.items if it.shift_type is not None)
    for typ, n in sorted(counts.items()):
        limit = s.worker.max_shifts_per_type.get(typ)
        if limit is not None and n > limit:
            out.append(Violation("shift_type_limit", f"{s.worker.id}: {n} {typ} shifts; limit {limit}", s.worker.id))
    return out


FAMILY = Family(model=model, check_schedule=check)
