"""Working-time law (``models.law``): profiles, overrides, and each law rule on its own: the solver obeys
it, the validator names it with its section, and the rule binds only where the profile or an override
asks for it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from models.law import Law, WorkingTime, limits
from models.problem import Problem
from models.solution import Solution, SolveStatus
from solver.solve import SolveOptions, solve
from solver.validator import validate, validate_solution
from tests.factory import at, problem, shift, worker


def run(p: Problem) -> Solution:
    sol = solve(p, SolveOptions(time_limit=10, workers=1, seed=1))
    assert sol.status == SolveStatus.optimal, sol.message
    assert validate_solution(p, sol) == []
    assert sol.stats.model_objective == sol.objective
    return sol


def law(profile: str = "no-aml", **overrides: float) -> dict[str, Any]:
    return {"profile": profile, "overrides": overrides}


def taken(sol: Solution) -> list[str]:
    return sorted(a.item_id for a in sol.assignments)


def test_profiles_give_the_acts_numbers_and_the_nearest_override_wins() -> None:
    aml = limits(Law())
    assert {k: (v.value, v.source) for k, v in aml.items()} == {
        "daily_rest_hours": (11, "AML § 10-8 (1)"),
        "weekly_rest_hours": (35, "AML § 10-8 (2)"),
        "max_hours_per_24h": (13, "AML § 10-6 (8)"),
        "night_average_hours": (8, "AML § 10-11 (6)"),
        "night_reference_weeks": (4, "AML § 10-11 (6)"),
        "sunday_off_every": (2, "AML § 10-8 (4)"),
        "total_hours_per_7_days": (48, "AML § 10-6 (8)"),
        "ordinary_hours_per_24h": (9, "AML § 10-4 (1)"),
        "ordinary_hours_per_7_days": (40, "AML § 10-4 (1)"),
        "overtime_per_7_days": (10, "AML § 10-6 (4)"),
        "overtime_per_4_weeks": (25, "AML § 10-6 (4)"),
        "overtime_per_year": (200, "AML § 10-6 (4)"),
    }
    atl = limits(Law(profile="se-atl"))
    assert {k: (v.value, v.source) for k, v in atl.items()} == {
        "daily_rest_hours": (11, "ATL § 13"),
        "weekly_rest_hours": (36, "ATL § 14"),
        "night_average_hours": (8, "ATL § 13 a"),
        "night_reference_weeks": (4, "ATL § 13 a (at most four months)"),
        "ordinary_hours_per_7_days": (40, "ATL § 5"),
        "overtime_per_4_weeks": (48, "ATL § 8"),
        "overtime_per_year": (200, "ATL § 8"),
    }
    assert limits(Law(profile="custom")) == {}
    agreed = Law(overrides=WorkingTime(daily_rest_hours=8, weekly_rest_hours=0))
    contract = WorkingTime(daily_rest_hours=9)
    mine = limits(agreed, contract)
    assert (mine["daily_rest_hours"].value, mine["daily_rest_hours"].source) == (9, "the worker's contract")
    assert "weekly_rest_hours" not in mine  # 0 h: the agreement turned it off
    assert limits(agreed)["daily_rest_hours"].source == "the organisation's agreement"


def test_an_unknown_profile_or_parameter_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError, match="profile"):
        problem([worker("a")], settings={"law": {"profile": "dk-al"}})
    with pytest.raises(ValidationError, match="nightly_rest"):
        problem([worker("a", working_time={"nightly_rest": 5})])
    with pytest.raises(ValidationError, match=r"law\.holidays[\s\S]*no public-holiday calendar for country 'XX'"):
        problem([worker("a")], settings={"law": {"holidays": "XX"}})
    assert Law(holidays="se").holiday_country == "SE" and Law(profile="custom").holiday_country is None


# a: 06-14, b: 16-22 the same day, c: 06-14 the next. Rest between items is off (0 h), so only the
# law keeps a from working b: the 24 h from 06:00 would hold no more than 8 h of rest in a row.
SPLIT = [shift("a", 0, 6, 8), shift("b", 0, 16, 6), shift("c", 1, 6, 8)]


def test_daily_rest_in_the_24_hours_from_the_start_of_each_item() -> None:
    p = problem([worker("w")], SPLIT, settings={"min_rest_hours": 0, "law": law(max_hours_per_24h=24)})
    assert taken(run(p)) == ["a", "c"]
    found = validate(p, [("w", "a"), ("w", "b")])
    assert [v.rule for v in found] == ["daily_rest"]
    assert "at most 8 h of continuous rest in the 24 h" in found[0].message
    assert "11 h required (AML § 10-8 (1))" in found[0].message
    off = problem([worker("w")], SPLIT, settings={"min_rest_hours": 0, "law": law("custom")})
    assert taken(run(off)) == ["a", "b", "c"]


def test_a_contract_can_shorten_daily_rest() -> None:
    p = problem(
        [worker("w", working_time={"daily_rest_hours": 8})],
        SPLIT,
        settings={"min_rest_hours": 0, "law": law(max_hours_per_24h=24)},
    )
    assert taken(run(p)) == ["a", "b", "c"]


def test_hours_in_any_24_hours() -> None:
    # 08-16 and 17-23: 14 h in 24 h; AML allows 13, ATL has no cap of its own (daily rest off here)
    shifts = [shift("a", 0, 8, 8), shift("b", 0, 17, 6)]
    aml = problem([worker("w")], shifts, settings={"min_rest_hours": 0, "law": law(daily_rest_hours=0)})
    assert len(run(aml).assignments) == 1
    found = validate(aml, [("w", "a"), ("w", "b")])
    assert [v.rule for v in found] == ["hours_per_24h"]
    assert "14 h in the 24 h" in found[0].message and "(AML § 10-6 (8))" in found[0].message
    atl = problem([worker("w")], shifts, settings={"min_rest_hours": 0, "law": law("se-atl", daily_rest_hours=0)})
    assert len(run(atl).assignments) == 2


# 08-14 on all seven days of a week (42 h): the longest rest between is 18 h; a day off mid-week gives 42 h
WEEK_OF_DAYS = [shift(f"d{k}", k, 8, 6) for k in range(7)]


def test_weekly_rest_in_each_calendar_week() -> None:
    week = WEEK_OF_DAYS
    p = problem([worker("w")], week)
    sol = run(p)
    assert len(sol.assignments) == 6
    every_day = [("w", f"d{k}") for k in range(7)]
    found = validate(p, every_day)
    assert [v.rule for v in found] == ["weekly_rest"]
    assert "35 h required (AML § 10-8 (2))" in found[0].message
    sunday_off = every_day[:6]  # Saturday 14:00 to Monday 00:00 is 34 h inside the week: too little
    assert [v.rule for v in validate(p, sunday_off)] == ["weekly_rest"]
    wednesday_off = [pair for pair in every_day if pair[1] != "d2"]
    assert validate(p, wednesday_off) == []
    atl = problem([worker("w")], week, settings={"law": law("se-atl")})
    assert "36 h required (ATL § 14)" in validate(atl, every_day)[0].message
    assert len(run(problem([worker("w")], week, settings={"law": law("custom")})).assignments) == 7


def test_the_explainer_and_gap_filling_say_why_the_law_rules_someone_out() -> None:
    p = problem([worker("w")], WEEK_OF_DAYS)
    sol = run(p)
    assert [u.reason for u in sol.unfilled if "too little continuous rest that week" in u.reason]


def test_gap_filling_names_the_law_rule_that_keeps_a_worker_off() -> None:
    from solver.fill import Fixed, ruled_out

    kept = [{"worker_id": "w", "item_id": f"d{k}", "status": "accepted"} for k in (0, 1, 3, 4, 5, 6)]
    p = problem([worker("w")], WEEK_OF_DAYS, assignments=kept)
    item = next(it for it in Fixed.of(p).items.values() if it.id == "d2")
    assert ruled_out(p, Fixed.of(p), p.workers[0], item) == "would get too little continuous rest that week"


def test_kept_work_before_the_planned_days_counts_for_rest_runs_and_rolling_hours() -> None:
    """A solve of days 5 to 9 sees the work accepted on days 0 to 4 (``models.window``): five days in a
    row already, so no sixth; and the rest after the late shift on day 4 holds."""
    import datetime as dt

    from models.window import window
    from tests.factory import DAY

    days = [shift(f"d{k}", k, 8, 8) for k in range(10)] + [shift("late4", 4, 15, 8), shift("early5", 5, 6, 8)]
    accepted = [{"worker_id": "a", "item_id": f"d{k}", "status": "accepted"} for k in range(4)]
    accepted.append({"worker_id": "a", "item_id": "late4", "status": "accepted"})
    whole = problem(
        [worker("a", max_consecutive_days=5), worker("b", max_consecutive_days=5)],
        days,
        assignments=accepted,
        settings={"law": law("custom")},
    )
    part = window(whole, DAY + dt.timedelta(days=5), DAY + dt.timedelta(days=9))
    assert [o.label for o in part.outside_work] == ["d0", "d1", "d2", "d3", "late4"]
    sol = run(part)
    mine = {x.item_id for x in sol.assignments if x.worker_id == "a"}
    assert "d5" not in mine and "early5" not in mine  # a sixth day in a row; 7 h after 23:00
    found = {v.rule for v in validate(part, [("a", "d5"), ("b", "early5")])}
    assert found == {"consecutive_days", "rest"}  # the sixth day, 9 h after late4
    found = validate(part, [("a", "early5")])
    assert {v.rule for v in found} == {"rest", "consecutive_days"}
    assert any("late4 (outside this plan)" in v.message for v in found)


def test_outside_work_fills_the_weekly_rest_and_the_hours_in_24_h() -> None:
    outside = [{"worker_id": "w", "label": "elsewhere", "start": "2027-06-16T08:00", "end": "2027-06-16T16:00"}]
    week = [shift(f"d{k}", k, 8, 6) for k in (0, 1, 3, 4, 5, 6)]  # Wednesday (day 2) is worked elsewhere
    p = problem([worker("w")], week, outside_work=outside)
    assert len(run(p).assignments) == 5
    assert [v.rule for v in validate(p, [("w", f"d{k}") for k in (0, 1, 3, 4, 5, 6)])] == ["weekly_rest"]
    evening = problem(
        [worker("w")],
        [shift("eve", 2, 17, 6)],
        outside_work=outside,
        settings={"min_rest_hours": 0, "law": law(daily_rest_hours=0)},
    )
    assert run(evening).assignments == []  # 8 h elsewhere and 6 h here: 14 h in 24 h
    assert [v.rule for v in validate(evening, [("w", "eve")])] == ["hours_per_24h"]


def test_outside_work_must_name_a_known_worker_and_end_after_it_starts() -> None:
    bad = [{"worker_id": "ghost", "start": "2027-06-16T08:00", "end": "2027-06-16T07:00"}]
    with pytest.raises(ValidationError) as caught:
        problem([worker("w")], outside_work=bad)
    text = str(caught.value)
    assert "outside_work.0.worker_id" in text and "unknown worker 'ghost'" in text
    assert "outside_work.0.end" in text


def test_gap_filling_and_the_explainer_count_work_outside_the_plan() -> None:
    from solver.fill import Fixed, ruled_out

    outside = [{"worker_id": "w", "label": "late elsewhere", "start": "2027-06-14T15:00", "end": "2027-06-14T23:00"}]
    p = problem([worker("w")], [shift("early", 1, 6, 8)], outside_work=outside)
    fixed = Fixed.of(p)
    assert ruled_out(p, fixed, p.workers[0], fixed.items["early"]) == "would get under 11 h rest"
    sol = run(p)
    assert sol.assignments == [] and "would get under 11 h rest" in sol.unfilled[0].reason


# Sundays 20 and 27 June and 4 July 2027 (days 6, 13, 20), and a Saturday evening (day 5) that is
# Sunday time from 18:00 (AML § 10-10 (1)).
SUNDAYS = [shift("sun20", 6, 8, 8), shift("sun27", 13, 8, 8), shift("sun4", 20, 8, 8)]


def test_the_sunday_after_a_worked_sunday_is_free() -> None:
    p = problem([worker("w")], SUNDAYS)
    assert taken(run(p)) == ["sun20", "sun4"]
    found = validate(p, [("w", "sun20"), ("w", "sun27")])
    assert [v.rule for v in found] == ["sunday_rest"]
    assert "works 2 Sundays or public holidays in a row (Sunday 2027-06-20, Sunday 2027-06-27)" in found[0].message
    assert "at least one in every 2 must be free (AML § 10-8 (4))" in found[0].message
    evening = problem([worker("w")], [shift("sat", 5, 18, 4), shift("sat_early", 12, 13, 5), SUNDAYS[1]])
    assert [v.rule for v in validate(evening, [("w", "sat"), ("w", "sun27")])] == ["sunday_rest"]
    assert validate(evening, [("w", "sat_early"), ("w", "sun27")]) == []  # ends 18:00: not Sunday time
    assert len(run(problem([worker("w")], SUNDAYS, settings={"law": law("se-atl")})).assignments) == 3


def test_an_agreement_or_a_contract_changes_how_many_sundays_in_a_row() -> None:
    three = problem([worker("w")], SUNDAYS, settings={"law": law(sunday_off_every=3)})
    assert len(run(three).assignments) == 2
    found = validate(three, [("w", s["id"]) for s in SUNDAYS])
    assert "at least one in every 3 must be free (the organisation's agreement)" in found[0].message
    never = problem([worker("w", working_time={"sunday_off_every": 1})], SUNDAYS)
    assert run(never).assignments == []
    off = problem([worker("w", working_time={"sunday_off_every": 0})], SUNDAYS)
    assert len(run(off).assignments) == 3


def test_public_holidays_count_as_sundays_and_a_run_of_them_as_one() -> None:
    from tests.factory import DAY

    def on(sid: str, day: dt.date, hour: int, hours: int) -> dict[str, Any]:
        return shift(sid, (day - DAY).days, hour, hours)

    easter = [
        on("maundy", dt.date(2027, 3, 25), 8, 8),  # Maundy Thursday and Good Friday: one stretch
        on("good_friday", dt.date(2027, 3, 26), 8, 8),
        on("easter_eve", dt.date(2027, 3, 27), 15, 4),  # Easter Sunday's time starts at 15:00
        on("palm_sunday", dt.date(2027, 3, 21), 8, 8),
    ]
    p = problem([worker("w")], easter)
    assert validate(p, [("w", "maundy"), ("w", "good_friday")]) == []
    found = validate(p, [("w", "good_friday"), ("w", "easter_eve")])
    assert [v.rule for v in found] == ["sunday_rest"]
    assert "(Maundy Thursday 2027-03-25, Easter Sunday 2027-03-28)" in found[0].message
    assert [v.rule for v in validate(p, [("w", "palm_sunday"), ("w", "maundy")])] == ["sunday_rest"]
    swedish = problem([worker("w")], easter, settings={"law": law("se-atl", sunday_off_every=2)})
    assert validate(swedish, [("w", "palm_sunday"), ("w", "maundy")]) == []  # no Maundy Thursday in Sweden
    sundays_only = problem([worker("w")], easter, settings={"law": law("custom", sunday_off_every=2)})
    assert validate(sundays_only, [("w", "good_friday"), ("w", "easter_eve")]) == []


def test_sunday_work_outside_the_plan_counts() -> None:
    outside = [{"worker_id": "w", "label": "elsewhere", "start": "2027-06-13T09:00", "end": "2027-06-13T17:00"}]
    p = problem([worker("w")], SUNDAYS[:2], outside_work=outside)
    assert taken(run(p)) == ["sun27"]
    assert [v.rule for v in validate(p, [("w", "sun20")])] == ["sunday_rest"]


def test_gap_filling_says_the_sundays_rule_keeps_a_worker_off() -> None:
    from solver.fill import Fixed, ruled_out

    kept = [{"worker_id": "w", "item_id": "sun20", "status": "accepted"}]
    p = problem([worker("w")], SUNDAYS, assignments=kept)
    fixed = Fixed.of(p)
    assert ruled_out(p, fixed, p.workers[0], fixed.items["sun27"]) == (
        "would work too many Sundays and public holidays in a row"
    )


# five nights, 21:00 to 07:00 (9 h of night time each), Monday to Friday; the same hours by day
NIGHTS = [shift(f"n{k}", k, 21, 10) for k in range(5)]
DAYS = [shift(f"d{k}", k, 8, 10) for k in range(5)]


def test_a_night_worker_s_hours_on_average_over_the_weeks() -> None:
    """With an agreed average of 2 h per 24 h, four weeks allow 2 x 4 x (7 - 35/24) = 44.3 h; a night
    worker gets four of the five nights, a day worker all five days."""
    agreed = {"min_rest_hours": 0, "law": law(night_average_hours=2, total_hours_per_7_days=50)}
    p = problem([worker("w")], NIGHTS, settings=agreed)
    assert len(run(p).assignments) == 4
    found = validate(p, [("w", s["id"]) for s in NIGHTS])
    assert [v.rule for v in found] == ["night_average"]
    assert "works at night and 50 h in the 4 weeks from Monday 2027-05-24" in found[0].message
    assert "a night worker may work 44.33 h in them, 2 h per 24 h on average (the organisation's agreement)" in (
        found[0].message
    )
    assert len(run(problem([worker("w")], DAYS, settings=agreed)).assignments) == 5
    one_night = [*DAYS[:4], NIGHTS[4]]
    assert len(run(problem([worker("w")], one_night, settings=agreed)).assignments) == 4


def test_the_acts_allow_177_h_and_192_h_of_night_work_in_four_weeks() -> None:
    month = [shift(f"n{week}{day}", 7 * week + day, 21, 10) for week in range(4) for day in range(5)]  # 200 h
    roster = [("w", s["id"]) for s in month]
    agreed = {"law": law(total_hours_per_7_days=50, overtime_per_4_weeks=40)}  # 50 h a week, 10 h overtime
    aml = validate(problem([worker("w")], month, settings=agreed), roster)
    assert [v.rule for v in aml] == ["night_average"]  # the first stretch of four weeks over
    assert "177.3 h in them, 8 h per 24 h on average (AML § 10-11 (6))" in aml[0].message
    atl = validate(problem([worker("w")], month, settings={"law": law("se-atl")}), roster)
    assert "192 h in them, 8 h per 24 h on average (ATL § 13 a)" in atl[0].message
    assert validate(problem([worker("w")], month, settings={"law": law("custom")}), roster) == []


def test_what_makes_night_work_differs_between_the_acts() -> None:
    from models.law import PROFILES
    from tests.factory import DAY

    tz = problem([worker("w")]).tz
    start = dt.datetime.combine(DAY, dt.time(3), tzinfo=tz)
    three = (start, start + dt.timedelta(hours=3))  # 03:00 to 06:00: three hours of night time
    assert not PROFILES["no-aml"].night.is_night_work(*three, tz)  # more than 3 hours (AML § 10-11 (6))
    assert PROFILES["se-atl"].night.is_night_work(*three, tz)  # at least 3 hours (ATL § 13 a)
    late = dt.datetime.combine(DAY, dt.time(18), tzinfo=tz)
    evening = (late, late + dt.timedelta(hours=4))  # to 22:00: one hour of AML night, none of ATL
    assert not PROFILES["se-atl"].night.is_night_work(*evening, tz)


def test_night_work_outside_the_plan_makes_a_night_worker() -> None:
    outside = [{"worker_id": "w", "label": "night elsewhere", "start": "2027-06-19T21:00", "end": "2027-06-20T05:00"}]
    agreed = {"min_rest_hours": 0, "law": law(night_average_hours=2, sunday_off_every=0)}
    p = problem([worker("w")], DAYS, outside_work=outside, settings=agreed)
    assert len(run(p).assignments) == 3  # 44.3 h: 8 h elsewhere and three days of 10 h
    assert [v.rule for v in validate(p, [("w", s["id"]) for s in DAYS[:4]])] == ["night_average"]
    from solver.fill import Fixed, ruled_out

    kept = [{"worker_id": "w", "item_id": s["id"], "status": "accepted"} for s in DAYS[:3]]
    p = problem([worker("w")], DAYS, outside_work=outside, settings=agreed, assignments=kept)
    fixed = Fixed.of(p)
    assert ruled_out(p, fixed, p.workers[0], fixed.items["d3"]) == (
        "would work more hours than a night worker may in those weeks"
    )


def test_night_average_binds_beside_work_outside_the_plan_past_the_contract_s_week() -> None:
    """10 h per 7 days keeps four planned weeks under 44.3 h, but not with 40 h kept elsewhere two weeks
    before (which the plan did not cause and cannot undo): then no night may be added."""
    outside = [{"worker_id": "w", "label": f"o{k}", "start": at(k - 14, 8), "end": at(k - 14, 18)} for k in range(4)]
    agreed = {"min_rest_hours": 0, "law": law(night_average_hours=2)}
    p = problem([worker("w", max_hours_per_7_days=10)], NIGHTS[:1], outside_work=outside, settings=agreed)
    assert run(p).assignments == []
    assert [v.rule for v in validate(p, [("w", "n0")])] == ["night_average"]


def _greedy_roster(p: Problem) -> list[tuple[str, str]]:
    from solver.construct import greedy
    from solver.instance import build_instance

    inst = build_instance(p)
    return [(inst.workers[q.w].id, inst.items[q.i].id) for q, on in zip(inst.pairs, greedy(inst), strict=True) if on]


def test_the_greedy_construction_keeps_night_workers_hours() -> None:
    p = problem([worker("w")], NIGHTS, settings={"min_rest_hours": 0, "law": law(night_average_hours=2)})
    roster = _greedy_roster(p)
    assert len(roster) == 4 and validate(p, roster) == []


# an evening of 4 h, then a night of 8 h (22:00 to 06:00): 12 h in the 24 h from 16:00
EVENING_AND_NIGHT = [shift("eve", 0, 16, 4), shift("night", 0, 22, 8)]


def test_strenuous_night_work_caps_the_hours_in_any_24_h_around_a_night() -> None:
    strenuous = {"min_rest_hours": 0, "law": law("custom", night_max_hours_per_24h=8)}
    p = problem([worker("w")], EVENING_AND_NIGHT, settings=strenuous)
    assert len(run(p).assignments) == 1
    found = validate(p, [("w", "eve"), ("w", "night")])
    assert [v.rule for v in found] == ["strenuous_night"]
    assert "12 h in the 24 h from" in found[0].message
    assert "limit 8 h for strenuous night work (the organisation's agreement)" in found[0].message
    days = [shift("a", 0, 8, 8), shift("b", 0, 17, 4)]  # 12 h, but 17:00 to 21:00 is no night time
    assert len(run(problem([worker("w")], days, settings=strenuous)).assignments) == 2
    unbound = problem([worker("w")], EVENING_AND_NIGHT, settings={"min_rest_hours": 0, "law": law("custom")})
    assert len(run(unbound).assignments) == 2
    contract = problem(
        [worker("w", working_time={"night_max_hours_per_24h": 8})],
        EVENING_AND_NIGHT,
        settings={"min_rest_hours": 0, "law": law("custom")},
    )
    assert "(the worker's contract)" in validate(contract, [("w", "eve"), ("w", "night")])[0].message


def test_a_strenuous_night_kept_outside_the_plan_caps_the_day_after() -> None:
    outside = [{"worker_id": "w", "label": "night elsewhere", "start": at(0, 22), "end": at(1, 6)}]
    strenuous = {"min_rest_hours": 0, "law": law("custom", night_max_hours_per_24h=8)}
    p = problem([worker("w")], [shift("late", 1, 16, 6)], outside_work=outside, settings=strenuous)
    assert run(p).assignments == []  # 8 h elsewhere and 6 h here in the 24 h from 22:00
    assert [v.rule for v in validate(p, [("w", "late")])] == ["strenuous_night"]
    fine = problem([worker("w")], [shift("next", 1, 23, 6)], outside_work=outside, settings=strenuous)
    assert len(run(fine).assignments) == 1  # 17 h after the night's end: no 24 h holds both over 8 h
    from solver.fill import Fixed, ruled_out

    fixed = Fixed.of(p)
    assert ruled_out(p, fixed, p.workers[0], fixed.items["late"]) == (
        "would work more hours around a night than strenuous night work allows"
    )


def test_the_greedy_construction_keeps_strenuous_nights() -> None:
    strenuous = {"min_rest_hours": 0, "law": law("custom", night_max_hours_per_24h=8)}
    night_first = [shift("night", 0, 22, 8), shift("day", 1, 14, 4)]  # the night is placed first
    for shifts in (EVENING_AND_NIGHT, night_first):
        p = problem([worker("w")], shifts, settings=strenuous)
        roster = _greedy_roster(p)
        assert len(roster) == 1 and validate(p, roster) == []


def test_the_greedy_construction_counts_overlapping_kept_work_as_the_rules_do() -> None:
    """Kept work that overlaps other kept work counts in full toward hours in 7 days, in the model and
    the check alike; the greedy construction, which merges it for rest, must count it the same (found
    by the overtime property: it had taken the union only)."""
    outside = [
        {"worker_id": "w", "label": "o1", "start": at(0, 7), "end": at(0, 12)},
        {"worker_id": "w", "label": "o2", "start": at(0, 7), "end": at(0, 10)},
    ]
    p = problem(
        [worker("w", max_hours_per_7_days=10)],
        [shift("s", 1, 8, 3)],
        outside_work=outside,
        settings={"min_rest_hours": 0, "law": law("custom")},
    )
    assert [v.rule for v in validate(p, [("w", "s")])] == ["weekly_hours"]  # 5 h + 3 h + 3 h
    assert run(p).assignments == [] and _greedy_roster(p) == []


def test_an_agreement_can_move_the_night() -> None:
    """AML § 10-11 (1): evenings 18:00-02:00 hold 5 h of the act's night (21-06), so they make a night
    worker, whose agreed 2 h a day on average allows five of six; under an agreed night of 00:00 to
    08:00 they hold 2 h and make none, so all six. An agreed night shorter than 8 h, or one that leaves
    out 00:00-06:00, is refused by field."""
    evenings = [shift(f"e{k}", k, 18, 8) for k in range(6)]
    agreed = law(night_average_hours=2, weekly_rest_hours=0)
    p = problem([worker("w")], evenings, settings={"min_rest_hours": 0, "law": agreed})
    assert len(run(p).assignments) == 5
    assert [v.rule for v in validate(p, [("w", s["id"]) for s in evenings])] == ["night_average"]
    moved = {**agreed, "night_from": "00:00", "night_to": "08:00"}
    p = problem([worker("w")], evenings, settings={"min_rest_hours": 0, "law": moved})
    assert len(run(p).assignments) == 6 and validate(p, [("w", s["id"]) for s in evenings]) == []
    for bad in ({"night_from": "23:00", "night_to": "06:00"}, {"night_from": "01:00", "night_to": "09:00"}):
        with pytest.raises(ValidationError, match=r"law\.night_to[\s\S]*at least 8 h and holds 00:00 to 06:00"):
            problem([worker("w")], settings={"law": {**agreed, **bad}})
    with pytest.raises(ValidationError, match="set together"):
        problem([worker("w")], settings={"law": {**agreed, "night_from": "22:00"}})
