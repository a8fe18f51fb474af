"""Reader for the Curtois & Qu instance text format (``../shared/benchmarks/curtois/FORMAT.md``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SECTIONS = (
    "HORIZON",
    "SHIFTS",
    "STAFF",
    "DAYS_OFF",
    "SHIFT_ON_REQUESTS",
    "SHIFT_OFF_REQUESTS",
    "COVER",
)


class InstanceFormatError(ValueError):
    """The file does not follow the format; the message names the file, line and field."""


@dataclass(frozen=True)
class ShiftType:
    id: str
    minutes: int
    forbidden_next: tuple[str, ...]


@dataclass(frozen=True)
class Staff:
    id: str
    max_shifts: dict[str, int]  # per shift type; 0 = never that type
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class Request:
    staff: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    day: int
    shift: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass
class Instance:
    name: str
    days: int
    shifts: dict[str, ShiftType]
    staff: dict[str, Staff]
    days_off: dict[str, set[int]] = field(default_factory=dict)
    on_requests: list[Request] = field(default_factory=list)
    off_requests: list[Request] = field(default_factory=list)
    cover: dict[tuple[int, str], Cover] = field(default_factory=dict)

    @property
    def number(self) -> int | None:
        m = re.search(r"(\d+)$", self.name)
        return int(m.group(1)) if m else None


def instance_files(directory: Path) -> dict[int, Path]:
    """``InstanceN.txt`` files in ``directory`` by N (whatever is there)."""
    found = {}
    for path in directory.glob("Instance*.txt"):
        m = re.fullmatch(r"Instance(\d+)\.txt", path.name)
        if m:
            found[int(m.group(1))] = path
    return dict(sorted(found.items()))


def read(path: Path) -> Instance:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InstanceFormatError(f"{path}: cannot read ({e.strerror})") from None
    return parse(text, path.stem, str(path))


def parse(text: str, name: str = "instance", source: str = "<text>") -> Instance:
    """Parse an instance; every malformed line is reported with its number."""
    lines: dict[str, list[tuple[int, list[str]]]] = {s: [] for s in SECTIONS}
    section: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            section = line.removeprefix("SECTION_")
            if section not in lines:
                raise InstanceFormatError(f"{source}:{number}: unknown section {line!r}")
            continue
        if section is None:
            raise InstanceFormatError(f"{source}:{number}: data before the first SECTION_ line")
        lines[section].append((number, [f.strip() for f in line.split(",")]))

    def fail(number: int, message: str) -> InstanceFormatError:
        return InstanceFormatError(f"{source}:{number}: {message}")

    def integer(number: int, value: str, what: str, low: int = 0) -> int:
        try:
            n = int(value)
        except ValueError:
            raise fail(number, f"{what} {value!r} is not a whole number") from None
        if n < low:
            raise fail(number, f"{what} {n} is below {low}")
        return n

    def fields(number: int, row: list[str], count: int, what: str) -> list[str]:
        if len(row) < count:
            raise fail(number, f"{what} needs {count} fields, got {len(row)}")
        return row

    if len(lines["HORIZON"]) != 1:
        raise InstanceFormatError(f"{source}: SECTION_HORIZON must hold exactly one number")
    number, row = lines["HORIZON"][0]
    days = integer(number, row[0], "horizon", low=1)

    shifts: dict[str, ShiftType] = {}
    for number, row in lines["SHIFTS"]:
        sid, minutes, *rest = fields(number, row, 2, "a shift line")
        nxt = tuple(x for x in (rest[0].split("|") if rest else []) if x)
        shifts[sid] = ShiftType(sid, integer(number, minutes, "shift length", low=1), nxt)
    for number, row in lines["SHIFTS"]:
        for nxt_id in shifts[row[0]].forbidden_next:
            if nxt_id not in shifts:
                raise fail(number, f"unknown shift {nxt_id!r} in ForbiddenNext")
    if not shifts:
        raise InstanceFormatError(f"{source}: no shift types")

    def shift_ref(number: int, sid: str) -> str:
        if sid not in shifts:
            raise fail(number, f"unknown shift {sid!r}")
        return sid

    def day_ref(number: int, value: str) -> int:
        d = integer(number, value, "day")
        if d >= days:
            raise fail(number, f"day {d} is outside the horizon 0..{days - 1}")
        return d

    staff: dict[str, Staff] = {}
    for number, row in lines["STAFF"]:
        sid, max_shifts, *limits = fields(number, row, 8, "a staff line")
        caps: dict[str, int] = {}
        for part in filter(None, max_shifts.split("|")):
            key, sep, value = part.partition("=")
            if not sep:
                raise fail(number, f"MaxShifts entry {part!r} is not ShiftID=max")
            caps[shift_ref(number, key)] = integer(number, value, f"MaxShifts for {key}")
        names = ("MaxTotalMinutes", "MinTotalMinutes", "MaxConsecutiveShifts", "MinConsecutiveShifts")
        values = [integer(number, v, n) for v, n in zip(limits[:4], names, strict=True)]
        staff[sid] = Staff(
            sid,
            caps,
            max_minutes=values[0],
            min_minutes=values[1],
            max_consecutive=values[2],
            min_consecutive=values[3],
            min_days_off=integer(number, limits[4], "MinConsecutiveDaysOff"),
            max_weekends=integer(number, limits[5], "MaxWeekends"),
        )

    def staff_ref(number: int, sid: str) -> str:
        if sid not in staff:
            raise fail(number, f"unknown employee {sid!r}")
        return sid

    days_off: dict[str, set[int]] = {}
    for number, row in lines["DAYS_OFF"]:
        days_off.setdefault(staff_ref(number, row[0]), set()).update(day_ref(number, v) for v in row[1:] if v)

    def requests(section: str) -> list[Request]:
        out = []
        for number, row in lines[section]:
            emp, day, sid, weight = fields(number, row, 4, "a request line")[:4]
            out.append(
                Request(
                    staff_ref(number, emp),
                    day_ref(number, day),
                    shift_ref(number, sid),
                    integer(number, weight, "weight"),
                )
            )
        return out

    cover: dict[tuple[int, str], Cover] = {}
    for number, row in lines["COVER"]:
        day, sid, req, under, over = fields(number, row, 5, "a cover line")[:5]
        c = Cover(
            day_ref(number, day),
            shift_ref(number, sid),
            integer(number, req, "requirement"),
            integer(number, under, "under-cover weight"),
            integer(number, over, "over-cover weight"),
        )
        if (c.day, c.shift) in cover:
            raise fail(number, f"second cover line for day {c.day}, shift {c.shift}")
        cover[(c.day, c.shift)] = c

    return Instance(
        name=name,
        days=days,
        shifts=shifts,
        staff=staff,
        days_off=days_off,
        on_requests=requests("SHIFT_ON_REQUESTS"),
        off_requests=requests("SHIFT_OFF_REQUESTS"),
        cover=cover,
    )
