"""The one table of Bemanna's hard rules and soft goals, each defined once.

A rule's id is a contract (it names violations in ``bemanna validate`` and in the API). Beside it stand
the words a manager reads: its name, what it asks (``meaning``), where its numbers come from
(``source``, the fields that set them), and why it rules someone out of a place (``ruled_out``, with
``{rest}``, ``{skills}``, ``{km}``, ``{radius}`` filled in by the caller). The validator's rule list,
the rules that only complete rosters are judged on, the explainer's and gap filling's words, the CLI's
rule count and the README's rule table are all read from here (``python -m solver.catalogue`` writes
the table into the README; a test checks it is current).

Each rule's model form and its independent check live side by side in its family's module of
``solver.rules`` (``Rule.family``), apart in code; model building (``solver.rules.add_hard_rules``) and
the validator (``solver.validator``) loop over the families in this order.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Rule:
    id: str
    family: str  # the module of ``solver.rules`` that holds its model form and its independent check
    name: str
    meaning: str  # one line: what the rule asks
    source: str  # where its numbers come from (a worker's contract, the organisation, the posting, ...)
    params: tuple[str, ...] = ()  # the fields that set it
    ruled_out: str = ""  # why it keeps a worker from a place, for the explainer and gap filling
    busy: bool = False  # it rules someone out through the other work she has (said after the fixed reasons)
    lower_bound: bool = False  # a partial roster may break it and a fuller one mend it: judged on complete rosters


@dataclass(frozen=True)
class Goal:
    id: str  # the key of ``Solution.terms``
    name: str  # what a manager reads
    unit: str  # the score's raw unit (``Term.unit``)
    counted_in: str  # the amount's unit in the solve result, as a person counts it
    phase: str  # "coverage" (phase 1 of a solve) or "quality" (phase 2, coverage held)


RULES: tuple[Rule, ...] = (
    Rule(
        "unknown_reference",
        "data",
        "Known worker and work",
        "the worker or work item does not exist in the problem",
        "the data",
    ),
    Rule("duplicate_assignment", "data", "Once per item", "a worker is listed twice on the same item", "the data"),
    Rule(
        "headcount",
        "headcount",
        "Places",
        "an item has no more workers than its capacity (max_headcount, else headcount)",
        "the posting",
        ("headcount", "max_headcount"),
    ),
    Rule(
        "qualification",
        "placement",
        "Approved skills",
        "each worker holds every required skill, approved and unexpired",
        "the organisation's approval of each skill and licence",
        ("required_skills", "qualifications"),
        ruled_out="lacks an approved, valid {skills}",
    ),
    Rule(
        "availability",
        "placement",
        "Availability",
        "inside the worker's available windows, outside unavailable ones",
        "the worker's stated times and approved time off",
        ("availability", "always_available"),
        ruled_out="not available then",
    ),
    Rule(
        "travel_radius",
        "placement",
        "Travel radius",
        "the site or farm is within the worker's travel radius",
        "the worker's profile",
        ("max_travel_km",),
        ruled_out="lives {km:.0f} km away, beyond their {radius:g} km radius",
    ),
    Rule(
        "declined_offer",
        "placement",
        "Declined offers",
        "a worker is not put back on an item they declined or were cancelled from",
        "the worker's answer",
    ),
    Rule(
        "overlap",
        "rest",
        "No overlap",
        "a worker's items do not overlap",
        "one person, one place",
        ruled_out="busy with overlapping work",
        busy=True,
    ),
    Rule(
        "rest",
        "rest",
        "Rest between work",
        "minimum rest between the end of one item and the start of the next",
        "the organisation's settings",
        ("min_rest_hours",),
        ruled_out="would get under {rest:g} h rest",
        busy=True,
    ),
    Rule(
        "daily_rest",
        "rest_periods",
        "Daily rest",
        "continuous rest in the 24 h from the start of each item",
        "the law profile (AML § 10-8 (1), ATL § 13), the organisation's agreement or the contract",
        ("daily_rest_hours",),
        ruled_out="would get too little continuous rest in 24 h",
        busy=True,
    ),
    Rule(
        "weekly_rest",
        "rest_periods",
        "Weekly rest",
        "continuous rest in each week (from 00:00 local on the law's week_starts, Monday by default)",
        "the law profile (AML § 10-8 (2), ATL § 14), the organisation's agreement or the contract",
        ("weekly_rest_hours",),
        ruled_out="would get too little continuous rest that week",
        busy=True,
    ),
    Rule(
        "hours_per_24h",
        "rolling_hours",
        "Hours in 24 h",
        "max hours of work in any 24 h, overtime included",
        "the law profile (AML § 10-6 (8)), the organisation's agreement or the contract",
        ("max_hours_per_24h",),
        ruled_out="would work more hours in 24 h than allowed",
        busy=True,
    ),
    Rule(
        "weekly_hours",
        "rolling_hours",
        "Hours in 7 days",
        "max hours in any rolling 7 days, overtime included",
        "the worker's contract, or the law profile where lower (AML § 10-6 (8): 48 h)",
        ("max_hours_per_7_days", "total_hours_per_7_days"),
        ruled_out="at their limit of hours in 7 days",
        busy=True,
    ),
    Rule(
        "consecutive_days",
        "day_runs",
        "Days in a row",
        "max consecutive working days",
        "the worker's contract",
        ("max_consecutive_days",),
        ruled_out="at their limit of consecutive working days",
        busy=True,
    ),
    Rule(
        "forbidden_succession",
        "succession",
        "Shift order",
        "no shift of a forbidden type on the day after a shift of a given type",
        "the organisation's shift types",
        ("forbidden_next",),
        ruled_out="would work a forbidden shift type the day after another",
        busy=True,
    ),
    Rule(
        "shift_type_limit",
        "shift_types",
        "Shifts of a type",
        "max shifts of each shift type per worker",
        "the worker's contract",
        ("max_shifts_per_type",),
        ruled_out="at their limit of shifts of this type",
        busy=True,
    ),
    Rule(
        "max_hours",
        "period_hours",
        "Most hours in the period",
        "max hours worked over the horizon",
        "the worker's contract",
        ("max_hours",),
        ruled_out="at their limit of hours in the planning period",
        busy=True,
    ),
    Rule(
        "weekends",
        "weekends",
        "Weekends",
        "max weekends worked (Saturday or Sunday or both)",
        "the worker's contract",
        ("max_weekends",),
        ruled_out="at their limit of working weekends",
        busy=True,
    ),
    Rule(
        "night_average",
        "night_work",
        "Night workers' hours",
        "a night worker's hours per 24 h on average over weeks, weekly rest left out",
        "the law profile (AML § 10-11 (6), ATL § 13 a), the organisation's agreement or the contract",
        ("night_average_hours", "night_reference_weeks"),
        ruled_out="would work more hours than a night worker may in those weeks",
        busy=True,
    ),
    Rule(
        "strenuous_night",
        "night_work",
        "Strenuous night work",
        "max hours in any 24 h overlapping a night item, where night work is strenuous",
        "the organisation's agreement or the contract, for such work (AML § 10-11 (7), ATL § 13 a: 8 h)",
        ("night_max_hours_per_24h",),
        ruled_out="would work more hours around a night than strenuous night work allows",
        busy=True,
    ),
    Rule(
        "sunday_rest",
        "sundays",
        "Sundays and holidays off",
        "a Sunday or public holiday off in every n in a row (18:00 the day before to 22:00)",
        "the law profile (AML § 10-8 (4), § 10-10 (1)), the organisation's agreement or the contract",
        ("sunday_off_every", "holidays"),
        ruled_out="would work too many Sundays and public holidays in a row",
        busy=True,
    ),
    Rule(
        "overtime_week",
        "overtime",
        "Overtime in a week",
        "max overtime in a week: hours beyond the ordinary hours per day or per week",
        "the law profile (AML § 10-4 (1), § 10-6 (4)), the organisation's agreement or the contract",
        ("ordinary_hours_per_24h", "ordinary_hours_per_7_days", "overtime_per_7_days"),
        ruled_out="would work more overtime that week than allowed",
        busy=True,
    ),
    Rule(
        "overtime_4_weeks",
        "overtime",
        "Overtime in 4 weeks",
        "max overtime in any 4 weeks in a row, earlier weeks' overtime counted",
        "the law profile (AML § 10-6 (4), ATL § 8), the organisation's agreement or the contract",
        ("ordinary_hours_per_24h", "ordinary_hours_per_7_days", "overtime_per_4_weeks", "earlier_overtime_hours"),
        ruled_out="would work more overtime in four weeks than allowed",
        busy=True,
    ),
    Rule(
        "overtime_year",
        "overtime",
        "Overtime in a year",
        "max overtime in any 52 weeks in a row (the calendar year under ATL), earlier weeks' overtime counted",
        "the law profile (AML § 10-6 (4), ATL § 8), the organisation's agreement or the contract",
        ("ordinary_hours_per_24h", "ordinary_hours_per_7_days", "overtime_per_year", "earlier_overtime_hours"),
        ruled_out="would work more overtime this year than allowed",
        busy=True,
    ),
    Rule(
        "min_consecutive_days",
        "day_runs",
        "Shortest run of work",
        "a run of working days is at least the worker's minimum long (edge runs exempt)",
        "the worker's contract",
        ("min_consecutive_days",),
        ruled_out="would work a run of days shorter than their minimum",
        busy=True,
        lower_bound=True,
    ),
    Rule(
        "min_days_off",
        "day_runs",
        "Shortest time off",
        "a run of days off is at least the worker's minimum long (edge runs exempt)",
        "the worker's contract",
        ("min_consecutive_days_off",),
        ruled_out="would get fewer days off in a row than their minimum",
        busy=True,
        lower_bound=True,
    ),
    Rule(
        "min_hours",
        "period_hours",
        "Fewest hours in the period",
        "min hours worked over the horizon",
        "the worker's contract",
        ("min_hours",),
        lower_bound=True,
    ),
    Rule(
        "kept_assignment",
        "kept",
        "Kept work",
        "pinned and accepted assignments are kept",
        "the worker's yes, or a person's pin",
    ),
)
"""In the order the explainer tries them: the most concrete reason first."""

GOALS: tuple[Goal, ...] = (
    Goal("unfilled_critical", "Open places on critical work", "open places on critical items", "places", "coverage"),
    Goal("unfilled_normal", "Open places on normal work", "open places on normal items", "places", "coverage"),
    Goal("unfilled_low", "Open places on low-priority work", "open places on low-priority items", "places", "coverage"),
    Goal(
        "preference",
        "Work at times people would rather not work (minus times they prefer)",
        "undesired minus preferred window weight",
        "wishes, by their weight",
        "quality",
    ),
    Goal(
        "fairness",
        "Uneven spread of hours between people",
        "minutes above each fairness step, summed over workers",
        "minutes above the fair-share steps",
        "quality",
    ),
    Goal("travel", "Travel from home", "km from home, one way, per assignment", "km, one way", "quality"),
    Goal("cost", "Pay at hourly rates", "NOK paid at hourly rates", "NOK", "quality"),
    Goal(
        "continuity",
        "Extra people on multi-day jobs (changes of crew)",
        "workers beyond headcount on multi-day jobs",
        "people",
        "quality",
    ),
    Goal(
        "cover",
        "Places under or over the staffing a place asked for",
        "penalty points of items' own under- and over-cover weights",
        "places, times each place's own weight",
        "coverage",
    ),
    Goal(
        "requests",
        "Requests to work or not to work a shift that are not met",
        "weight of shift requests not honoured",
        "requests, times their weight",
        "quality",
    ),
)

BY_ID = {r.id: r for r in RULES}
GOAL_BY_ID = {g.id: g for g in GOALS}
LOWER_BOUND = frozenset(r.id for r in RULES if r.lower_bound)
RULED_OUT_WORDS = {r.id: r.ruled_out for r in RULES if r.ruled_out}
"""Why a rule keeps someone from a place, in the order the explainer tries them."""
BUSY_WORDS = {r.id: r.ruled_out for r in RULES if r.busy}
"""The reasons that come from the other work someone has."""
UNITS = {g.id: g.unit for g in GOALS}
"""Each soft goal's unit, in the order ``Solution.terms`` lists them."""

README = Path(__file__).resolve().parent.parent / "README.md"
TABLE = re.compile(r"(<!-- rules: start -->\n).*?(<!-- rules: end -->)", re.S)


def rule_table() -> str:
    """The README's table of hard rules, one row per rule."""
    rows = ["| rule | name | meaning | set by |", "|---|---|---|---|"]
    for r in RULES:
        by = r.source + (f" ({', '.join(f'`{p}`' for p in r.params)})" if r.params else "")
        rows.append(f"| `{r.id}` | {r.name} | {r.meaning} | {by} |")
    return "\n".join(rows) + "\n"


def readme_with_table(text: str) -> str:
    return TABLE.sub(lambda m: m.group(1) + rule_table() + m.group(2), text)


if __name__ == "__main__":
    README.write_text(readme_with_table(README.read_text()))
    print(f"wrote the rule table into {README}", file=sys.stderr)
