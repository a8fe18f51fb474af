"""Seeded, realistic pool for a Norwegian inland municipality: the demo's and the benchmarks' data.

Default horizon: the two weeks from Monday 2027-06-14, the start of the summer-holiday season, when
nursing homes run short of staff and strawberry and vegetable farms need the most hands.
The same seed and start always give the same problem.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from models.enums import AvailabilityKind, Priority, SiteKind, WorkerKind
from models.problem import (
    Availability,
    Farm,
    Job,
    Problem,
    Qualification,
    Region,
    Shift,
    Site,
    Skill,
    Worker,
)

DEFAULT_START = dt.date(2027, 6, 14)

SKILLS = {
    "nurse": "Registered nurse (sykepleier)",
    "assistant_nurse": "Assistant nurse (helsefagarbeider)",
    "home_care_aide": "Home-care aide (assistent)",
    "drivers_licence": "Driver's licence, class B",
    "tractor_licence": "Tractor licence, class T",
    "forklift": "Forklift certificate (truck)",
}

# (id, name, centre lat, centre lon)
REGIONS = [
    ("central", "Sentrum", 60.7945, 11.0680),
    ("north", "Nord", 60.9150, 11.0300),
    ("south", "Sør", 60.6850, 11.1300),
    ("east", "Øst", 60.8050, 11.3000),
]

SITES = [
    ("central-nh", "Sentrum sykehjem", "central", SiteKind.nursing_home),
    ("north-nh", "Nordbygda sykehjem", "north", SiteKind.nursing_home),
    ("south-nh", "Sørskogen omsorgssenter", "south", SiteKind.nursing_home),
    ("east-nh", "Østvang bo- og behandlingssenter", "east", SiteKind.nursing_home),
    ("central-hc", "Hjemmetjenesten Sentrum", "central", SiteKind.home_care),
    ("north-hc", "Hjemmetjenesten Nord", "north", SiteKind.home_care),
    ("south-hc", "Hjemmetjenesten Sør", "south", SiteKind.home_care),
    ("east-hc", "Hjemmetjenesten Øst", "east", SiteKind.home_care),
    ("central-er", "Legevakta", "central", SiteKind.clinic),
    ("central-rehab", "Korttids- og rehabiliteringsavdelingen", "central", SiteKind.nursing_home),
]

FARM_NAMES = [
    "Berg gård",
    "Nordre Hov",
    "Søndre Ål",
    "Lia gård",
    "Vestby gård",
    "Haugen gård",
    "Bakken gård",
    "Engen gård",
    "Myrvold",
    "Solberg gård",
    "Stensrud",
    "Hovde gård",
    "Kvisler",
    "Rud gård",
    "Tangen gård",
]

# (title, required skills, daily start, hours, headcount range, days range, pay per hour)
JOB_KINDS = [
    ("Strawberry harvest", [], dt.time(6, 30), 7.5, (4, 8), (5, 10), 190.0),
    ("Potato planting", ["tractor_licence"], dt.time(7, 0), 8.0, (1, 2), (3, 6), 230.0),
    ("Vegetable packing", ["forklift"], dt.time(7, 0), 7.5, (1, 2), (4, 8), 210.0),
    ("Lettuce harvest", [], dt.time(6, 0), 7.0, (2, 4), (3, 7), 195.0),
    ("Hay making", ["tractor_licence"], dt.time(9, 0), 8.0, (1, 2), (2, 4), 230.0),
]

# name, local start, hours
PATTERNS = {
    "day": (dt.time(7, 0), 8.0),
    "evening": (dt.time(15, 0), 8.0),
    "night": (dt.time(23, 0), 8.0),
    "hc_day": (dt.time(8, 0), 7.5),
    "hc_evening": (dt.time(15, 0), 7.0),
    "er_evening": (dt.time(16, 0), 7.0),
    "er_night": (dt.time(23, 0), 9.0),
}

FIRST_NAMES = [
    "Ingrid",
    "Ola",
    "Kari",
    "Lars",
    "Sofie",
    "Jonas",
    "Nora",
    "Emil",
    "Maja",
    "Henrik",
    "Sara",
    "Magnus",
    "Ida",
    "Sander",
    "Thea",
    "Fatima",
    "Ahmed",
    "Olena",
    "Piotr",
    "Agnieszka",
    "Tomas",
    "Linnea",
    "Mohammed",
    "Anna",
    "Erik",
    "Marte",
    "Kristian",
    "Hanne",
    "Jakub",
    "Amina",
]
LAST_NAMES = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Berg",
    "Haugen",
    "Hagen",
    "Nowak",
    "Kowalski",
    "Ali",
    "Shevchenko",
    "Bakken",
    "Lie",
    "Dahl",
]


WORKERS_PER_AREA = 300  # the demo's pool: one area of 4 regions, 10 health sites and 15 farms
AREA_STEP = (0.45, 0.9)  # degrees of latitude and longitude between neighbouring areas: about 50 km each way


@dataclass(frozen=True)
class GeneratorConfig:
    """A larger pool covers more ground: one *area* (the demo's 4 regions, 10 sites, 15 farms) per 300
    workers, about 50 km apart, so demand grows with the pool while each worker reaches about as many
    places as in the demo (a pool of 2,000 in one town would make every place reachable to everyone).
    ``sites`` and ``farms`` override the counts; they are spread over the areas in turn."""

    seed: int = 1
    start: dt.date = DEFAULT_START
    days: int = 14
    workers: int = 300
    farms: int | None = None
    sites: int | None = None
    areas: int | None = None
    timezone: str = "Europe/Oslo"

    @property
    def area_count(self) -> int:
        return self.areas if self.areas is not None else max(1, round(self.workers / WORKERS_PER_AREA))

    @property
    def site_count(self) -> int:
        return self.sites if self.sites is not None else len(SITES) * self.area_count

    @property
    def farm_count(self) -> int:
        return self.farms if self.farms is not None else len(FARM_NAMES) * self.area_count


def _area_regions(areas: int) -> list[tuple[str, str, float, float]]:
    """Every area's regions (the demo's first, unchanged; then ``-2``, ``-3``... on a grid around it)."""
    cols = max(1, math.ceil(math.sqrt(areas)))
    out = []
    for a in range(areas):
        dlat, dlon = (a // cols) * AREA_STEP[0], (a % cols) * AREA_STEP[1]
        suffix = f"-{a + 1}" if a else ""
        out += [
            (rid + suffix, name + suffix.replace("-", " "), lat + dlat, lon + dlon) for rid, name, lat, lon in REGIONS
        ]
    return out


def _in_area(rid: str, area: int) -> str:
    return rid + (f"-{area + 1}" if area else "")


def _near(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    # ~111 km per degree of latitude; a degree of longitude is about half that at 61° N
    return round(lat + rng.gauss(0, km) / 111.0, 5), round(lon + rng.gauss(0, km) / 54.0, 5)


def _local(day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at)  # naive: read in the problem's time zone


def generate(config: GeneratorConfig | None = None) -> Problem:
    cfg = config or GeneratorConfig()
    rng = random.Random(cfg.seed)
    days = [cfg.start + dt.timedelta(days=k) for k in range(cfg.days)]
    areas = cfg.area_count
    plan = _site_plan(cfg.site_count, areas)
    centres = {rid: (lat, lon) for rid, _, lat, lon in _area_regions(areas)}

    regions = [Region(id=rid, name=name) for rid, name, _, _ in _area_regions(areas)]
    sites = []
    for sid, name, rid, kind in plan:
        lat, lon = _near(rng, *centres[rid], 3)
        sites.append(
            Site(
                id=sid,
                name=name,
                kind=kind,
                region_id=rid,
                lat=lat,
                lon=lon,
                address=f"{name}, Hamar",
                contact=f"Avdelingsleder, tlf. 62 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            )
        )
    farms = []
    for k in range(cfg.farm_count):
        area = (k // len(FARM_NAMES)) % areas
        rid = _in_area(("north", "south", "east")[k % 3], area)  # farms lie outside the town centre
        lat, lon = _near(rng, *centres[rid], 7)
        farms.append(
            Farm(
                id=f"farm-{k + 1:02d}",
                name=FARM_NAMES[k % len(FARM_NAMES)],
                region_id=rid,
                lat=lat,
                lon=lon,
                address=f"{FARM_NAMES[k % len(FARM_NAMES)]}, {rid}",
                contact=f"Bonde, tlf. 9{rng.randint(1000000, 9999999)}",
            )
        )

    shifts = _shifts(rng, days, plan)
    jobs = _jobs(rng, days, farms)
    by_area = [[_in_area(rid, a) for rid, _, _, _ in REGIONS] for a in range(areas)]
    workers = [_worker(rng, k, days, centres, by_area[k % areas]) for k in range(cfg.workers)]
    return Problem(
        name=f"Demo municipality, {days[0]:%d %b} to {days[-1]:%d %b %Y} (seed {cfg.seed})",
        timezone=cfg.timezone,
        skills=[Skill(id=k, name=v) for k, v in SKILLS.items()],
        regions=regions,
        sites=sites,
        farms=farms,
        workers=workers,
        shifts=shifts,
        jobs=jobs,
    )


def _site_plan(count: int, areas: int) -> list[tuple[str, str, str, SiteKind]]:
    """The demo's sites first, then the same kinds in the next areas (``-2``, ``-3``...); beyond one set per
    area, further copies in turn (``-x2``...)."""
    plan = []
    for k in range(count):
        sid, name, rid, kind = SITES[k % len(SITES)]
        area, copy = (k // len(SITES)) % areas, k // (len(SITES) * areas)
        suffix = (f"-{area + 1}" if area else "") + (f"-x{copy + 1}" if copy else "")
        plan.append((sid + suffix, name + suffix.replace("-", " "), _in_area(rid, area), kind))
    return plan


def _shifts(rng: random.Random, days: list[dt.date], plan: list[tuple[str, str, str, SiteKind]]) -> list[Shift]:
    """Gaps the sites could not fill from their own staff: the pool's health demand."""
    shifts: list[Shift] = []
    for sid, _, _, kind in plan:
        for day in days:
            weekend = day.weekday() >= 5
            if kind == SiteKind.nursing_home:
                wanted = [
                    ("day", ["nurse"], 0.55),
                    ("day", ["assistant_nurse"], 0.7),
                    ("evening", ["nurse"], 0.5),
                    ("evening", ["assistant_nurse"], 0.6),
                    ("night", ["nurse"], 0.5),
                ]
            elif kind == SiteKind.home_care:
                wanted = [
                    ("hc_day", ["home_care_aide", "drivers_licence"], 0.8),
                    ("hc_evening", ["home_care_aide", "drivers_licence"], 0.6),
                    ("hc_day", ["assistant_nurse", "drivers_licence"], 0.4),
                ]
            else:
                wanted = [("er_evening", ["nurse"], 0.7), ("er_night", ["nurse", "drivers_licence"], 0.6)]
            for pattern, skills, p in wanted:
                if rng.random() >= p * (1.25 if weekend else 1.0):
                    continue
                at, hours = PATTERNS[pattern]
                start = _local(day, at)
                night = pattern.endswith("night")
                priority = (
                    Priority.critical
                    if night or (kind == SiteKind.clinic and weekend)
                    else Priority.low
                    if rng.random() < 0.15
                    else Priority.normal
                )
                headcount = 1 if night or rng.random() < 0.6 else 2
                label = pattern.replace("hc_", "").replace("er_", "")
                shifts.append(
                    Shift(
                        id=f"{sid}-{day:%m%d}-{pattern}-{skills[0]}",
                        site_id=sid,
                        start=start,
                        end=start + dt.timedelta(hours=hours),
                        required_skills=skills,
                        headcount=headcount,
                        priority=priority,
                        title=f"{label.capitalize()} shift, {SKILLS[skills[0]].split(' (')[0].lower()}",
                    )
                )
    return shifts


def _jobs(rng: random.Random, days: list[dt.date], farms: list[Farm]) -> list[Job]:
    jobs: list[Job] = []
    for farm in farms:
        for n in range(rng.choice([1, 1, 2])):
            title, skills, at, hours, heads, span, pay = rng.choice(JOB_KINDS)
            length = min(rng.randint(*span), len(days))
            first = rng.randint(0, len(days) - length)
            jobs.append(
                Job(
                    id=f"{farm.id}-job{n + 1}",
                    farm_id=farm.id,
                    title=title,
                    first_day=days[first],
                    last_day=days[first + length - 1],
                    daily_start=at,
                    daily_hours=hours,
                    headcount=rng.randint(*heads),
                    required_skills=skills,
                    pay_per_hour=pay,
                    priority=Priority.low if rng.random() < 0.2 else Priority.normal,
                )
            )
    return jobs


def _worker(
    rng: random.Random, k: int, days: list[dt.date], centres: dict[str, tuple[float, float]], home: list[str]
) -> Worker:
    roll = k % 20
    kind = WorkerKind.health if roll < 10 else WorkerKind.seasonal if roll < 16 else WorkerKind.volunteer
    rid = rng.choice(home)
    lat, lon = _near(rng, *centres[rid], 6)
    horizon_end = days[-1] + dt.timedelta(days=1)

    def qual(skill: str) -> Qualification:
        approved = rng.random() < 0.92
        expiry = rng.random() < 0.05
        until = days[rng.randrange(len(days))] if expiry else None
        return Qualification(skill=skill, approved=approved, valid_until=until)

    skills: list[str] = []
    if kind == WorkerKind.health:
        skills.append(rng.choices(["nurse", "assistant_nurse", "home_care_aide"], [3, 4, 3])[0])
        if skills[0] == "nurse" and rng.random() < 0.3:
            skills.append("assistant_nurse")
        if rng.random() < 0.75:
            skills.append("drivers_licence")
    elif kind == WorkerKind.seasonal:
        for skill, p in (("tractor_licence", 0.3), ("forklift", 0.25), ("drivers_licence", 0.6)):
            if rng.random() < p:
                skills.append(skill)
    else:
        if rng.random() < 0.5:
            skills.append("home_care_aide")
        if rng.random() < 0.7:
            skills.append("drivers_licence")

    availability: list[Availability] = []
    always = kind == WorkerKind.health and rng.random() < 0.1
    if always:  # contract staff: everything but their holiday week
        off = rng.randrange(len(days))
        availability.append(
            Availability(
                kind=AvailabilityKind.unavailable,
                start=_local(days[off], dt.time()),
                end=_local(min(days[off] + dt.timedelta(days=5), horizon_end), dt.time()),
            )
        )
    else:
        share = {WorkerKind.health: 0.45, WorkerKind.seasonal: 0.7, WorkerKind.volunteer: 0.25}[kind]
        if kind == WorkerKind.health:
            blocks = rng.sample(
                [(dt.time(6, 30), 10), (dt.time(14, 30), 9), (dt.time(22, 30), 10)],
                k=rng.choice([1, 2, 2, 3]),
            )
        else:
            blocks = [(dt.time(6, 0), 12)]
        for day in days:
            if rng.random() >= share:
                continue
            for at, hours in blocks:
                start = _local(day, at)
                r = rng.random()
                kind_ = (
                    AvailabilityKind.preferred
                    if r < 0.15
                    else AvailabilityKind.undesired
                    if r < 0.22
                    else AvailabilityKind.available
                )
                availability.append(Availability(kind=kind_, start=start, end=start + dt.timedelta(hours=hours)))

    rate = {
        WorkerKind.health: rng.choice([310.0, 340.0, 365.0, 395.0]),
        WorkerKind.seasonal: rng.choice([185.0, 195.0, 210.0, 225.0]),
        WorkerKind.volunteer: None,
    }[kind]
    return Worker(
        id=f"w{k + 1:04d}",
        name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        kind=kind,
        home_lat=lat,
        home_lon=lon,
        region_id=rid,
        max_travel_km=float(rng.choice([10, 15, 20, 25, 30, 40, 60])),
        max_hours_per_7_days={
            WorkerKind.health: rng.choice([20.0, 30.0, 37.5, 40.0, 48.0]),
            WorkerKind.seasonal: rng.choice([37.5, 40.0, 45.0]),
            WorkerKind.volunteer: rng.choice([8.0, 12.0, 16.0]),
        }[kind],
        max_consecutive_days=rng.choice([4, 5, 5, 6]),
        hourly_rate=rate,
        always_available=always,
        qualifications=[qual(s) for s in skills],
        availability=availability,
    )
