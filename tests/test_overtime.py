"""Overtime (``models.overtime``, ``solver.rules.overtime``) and the law's hours per 7 days: each cap
on its own, the solver obeys it, the validator names it with its section, history and work outside
the plan count, and the greedy construction, gap filling and the window's history agree."""

from __future__ import annotations

import datetime as dt

from models.law import Law, limits
from models.overtime import Ordinary, weekly_overtime, years
from models.window import window
from solver.fill import Fixed, ruled_out
from solver.validator import validate
from tests.factory import DAY, problem, shift, worker
from tests.test_rules_law import _greedy_roster, law, run

WEEK = dt.timedelta(weeks=1)
# Monday to Thursday, 08:00 to 20:00: 48 h, 3 h a day beyond AML's ordinary 9 h
LONG_DAYS = [shift(f"d{k}", k, 8, 12) for k in range(4)]
# four weeks of Monday to Thursday, 08:00 to 19:00: 2 h a day beyond 9 h, 8 h a week, 32 h in four weeks
MONTH = [shift(f"d{week}{k}", 7 * week + k, 8, 11) for week in range(4) for k in range(4)]


def everyone(p_shifts: list[dict]) -> list[tuple[str, str]]:
    return [("w", s["id"]) for s in p_shifts]


def test_a_week_s_overtime_is_the_larger_of_the_days_and_the_week_s() -> None:
    ordinary = Ordinary(day=9 * 60, week=40 * 60)
    assert ordinary.overtime([12 * 60] * 4) == 12 * 60  # 3 h a day beyond 9; 8 h beyond 40
    assert ordinary.overtime([8 * 60] * 6) == 8 * 60  # no day beyond 9; 48 h is 8 beyond 40
    assert ordinary.overtime([10 * 60] * 5) == 10 * 60  # 5 h beyond the days, 10 beyond the week: one count
    assert Ordinary(day=None, week=40 * 60).overtime([12 * 60] * 4) == 8 * 60
    sunday, monday = DAY - dt.timedelta(days=1), DAY
    by_week = weekly_overtime(ordinary, [(sunday, 600), (monday, 600)], Law().week_of)
    assert by_week == {sunday - 6 * dt.timedelta(1): 60, DAY: 60}
    assert weekly_overtime(ordinary, [(sunday, 600), (monday, 600)], Law(week_starts="sunday").week_of) == {sunday: 120}
    iso_2027 = years(DAY, calendar_year=True)
    assert iso_2027 == [(dt.date(2027, 1, 4), dt.date(2028, 1, 3))]
    assert len(years(DAY, calendar_year=False)) == 52


def test_overtime_in_a_week_beyond_the_ordinary_day() -> None:
    p = problem([worker("w")], LONG_DAYS)
    sol = run(p)
    assert len(sol.assignments) == 3
    assert sol.unfilled[0].reason.endswith("1 would work more overtime that week than allowed.")
    found = validate(p, everyone(LONG_DAYS))
    assert [v.rule for v in found] == ["overtime_week"]
    assert found[0].message == (
        "w: 12 h of overtime (beyond 9 h a day and 40 h a week) in the week from Monday 2027-06-14;"
        " limit 10 h (AML § 10-6 (4))"
    )
    for other in (law("se-atl"), law("custom"), law(ordinary_hours_per_24h=12.5), law(overtime_per_7_days=12)):
        assert len(run(problem([worker("w")], LONG_DAYS, settings={"law": other})).assignments) == 4, other
    contract = worker("w", working_time={"ordinary_hours_per_24h": 12})  # a contract averaging the day
    assert len(run(problem([contract], LONG_DAYS)).assignments) == 4


def test_overtime_in_four_weeks() -> None:
    p = problem([worker("w")], MONTH)
    assert len(run(p).assignments) == 12  # 2 h each: 24 h of the 25
    found = validate(p, everyone(MONTH))
    assert [v.rule for v in found] == ["overtime_4_weeks"]
    assert "32 h of overtime" in found[0].message and "in the 4 weeks from Monday 2027-06-14" in found[0].message
    assert "limit 25 h (AML § 10-6 (4))" in found[0].message
    atl = problem([worker("w")], MONTH, settings={"law": law("se-atl")})  # 4 h a week beyond 40: 16 of 48
    assert len(run(atl).assignments) == 16
    assert [v.rule for v in validate(atl, everyone(MONTH))] == []


def test_overtime_of_earlier_weeks_counts_toward_four_weeks() -> None:
    earlier = {str(DAY - WEEK): 20, str(DAY): 30}  # the horizon's own week is reckoned from its items
    p = problem([worker("w", earlier_overtime_hours=earlier)], MONTH[:4])
    assert len(run(p).assignments) == 2  # 20 h and 2 h for each day: 24 h
    found = validate(p, everyone(MONTH[:4]))
    assert [v.rule for v in found] == ["overtime_4_weeks"]
    assert "28 h of overtime" in found[0].message and "from Monday 2027-05-24" in found[0].message


def test_overtime_in_a_year_52_weeks_or_the_calendar_year() -> None:
    # 19 weeks of 10.4 h between August and December 2026: 197.6 h; then 2 h for each 11 h day
    earlier = {str(DAY - k * WEEK): 10.4 for k in range(24, 43)}
    aml = problem([worker("w", earlier_overtime_hours=earlier)], MONTH[:4])
    assert len(run(aml).assignments) == 1
    found = validate(aml, everyone(MONTH[:2]))
    assert [v.rule for v in found] == ["overtime_year"]
    assert "201.6 h of overtime" in found[0].message and "in the 52 weeks from Monday 2026-06-22" in found[0].message
    assert "limit 200 h (AML § 10-6 (4))" in found[0].message
    week = [shift(f"d{k}", k, 8, 12) for k in range(4)]  # 8 h a week beyond ATL's 40
    atl = problem([worker("w", earlier_overtime_hours=earlier)], week, settings={"law": law("se-atl")})
    assert len(run(atl).assignments) == 4  # 2026's overtime does not count in 2027
    this_year = {str(DAY - k * WEEK): 10.4 for k in range(4, 23)}  # February to May 2027
    atl = problem([worker("w", earlier_overtime_hours=this_year)], week, settings={"law": law("se-atl")})
    assert len(run(atl).assignments) == 3  # 197.6 h, and a fourth day puts the week 8 h beyond 40
    found = validate(atl, everyone(week))
    assert [v.rule for v in found] == ["overtime_year"]
    assert "205.6 h of overtime (beyond 40 h a week) in 2027; limit 200 h (ATL § 8)" in found[0].message


def test_work_outside_the_plan_counts_in_its_week() -> None:
    outside = [{"worker_id": "w", "label": "elsewhere", "start": "2027-06-18T08:00", "end": "2027-06-18T20:00"}]
    p = problem([worker("w")], LONG_DAYS[:3], outside_work=outside)  # Friday's 12 h elsewhere: 3 h
    assert len(run(p).assignments) == 2
    assert [v.rule for v in validate(p, everyone(LONG_DAYS[:3]))] == ["overtime_week"]


def test_work_outside_the_plan_counts_on_its_day() -> None:
    """06:00-09:00 elsewhere and 10:00-18:00 here make an 11 h day, 2 h beyond the ordinary 9 h."""
    outside = [{"worker_id": "w", "label": "early elsewhere", "start": "2027-06-14T06:00", "end": "2027-06-14T09:00"}]
    agreed = {"min_rest_hours": 0, "law": law(overtime_per_7_days=1)}
    p = problem([worker("w")], [shift("day", 0, 10, 8)], outside_work=outside, settings=agreed)
    assert run(p).assignments == []
    found = validate(p, [("w", "day")])
    assert [v.rule for v in found] == ["overtime_week"] and "2 h of overtime" in found[0].message
    alone = problem([worker("w")], [shift("day", 0, 10, 8)], settings=agreed)
    assert len(run(alone).assignments) == 1


def test_the_law_s_48_hours_in_7_days_beside_the_contract_s() -> None:
    five = [shift(f"d{k}", k, 8, 10) for k in range(5)]  # 50 h: 10 h of overtime, within its cap
    p = problem([worker("w")], five)
    assert len(run(p).assignments) == 4
    found = validate(p, everyone(five))
    assert [v.rule for v in found] == ["weekly_hours"]
    assert found[0].message.endswith("limit 48 h (overtime included, AML § 10-6 (8))")
    tighter = problem([worker("w", max_hours_per_7_days=30)], five)
    assert validate(tighter, everyone(five))[0].message.endswith("limit 30 h")  # the contract's is lower
    assert len(run(problem([worker("w")], five, settings={"law": law("se-atl")})).assignments) == 5


def test_the_greedy_construction_keeps_the_overtime_caps() -> None:
    earlier = {str(DAY - WEEK): 20}
    for p in (
        problem([worker("w")], LONG_DAYS),
        problem([worker("w")], MONTH),
        problem([worker("w", earlier_overtime_hours=earlier)], MONTH[:4]),
    ):
        roster = _greedy_roster(p)
        assert validate(p, roster) == [] and roster, roster
    outside = [{"worker_id": "w", "label": "early elsewhere", "start": "2027-06-14T06:00", "end": "2027-06-14T09:00"}]
    agreed = {"min_rest_hours": 0, "law": law(overtime_per_7_days=1)}
    p = problem([worker("w")], [shift("day", 0, 10, 8)], outside_work=outside, settings=agreed)
    assert _greedy_roster(p) == []  # kept work on the day counts


def test_gap_filling_says_overtime_keeps_a_worker_off() -> None:
    kept = [{"worker_id": "w", "item_id": f"d{k}", "status": "accepted"} for k in range(3)]
    p = problem([worker("w")], LONG_DAYS, assignments=kept)
    fixed = Fixed.of(p)
    assert ruled_out(p, fixed, p.workers[0], fixed.items["d3"]) == "would work more overtime that week than allowed"


def test_the_window_reckons_overtime_of_kept_work_before_it() -> None:
    """A solve of the fourth week sees the overtime accepted in the three before it (24 h), so only
    one of its long days may be added; a week the snapshot names itself keeps what it says."""
    accepted = [{"worker_id": "w", "item_id": s["id"], "status": "accepted"} for s in MONTH[:12]]
    whole = problem([worker("w"), worker("v")], MONTH, assignments=accepted)
    part = window(whole, DAY + 3 * WEEK, DAY + 3 * WEEK + dt.timedelta(days=6))
    w = next(x for x in part.workers if x.id == "w")
    assert w.earlier_overtime_hours == {DAY: 8, DAY + WEEK: 8, DAY + 2 * WEEK: 8}
    assert next(x for x in part.workers if x.id == "v").earlier_overtime_hours == {}
    sol = run(part)
    assert len([a for a in sol.assignments if a.worker_id == "w"]) == 0  # 24 h, and 2 h more is 26
    named = problem([worker("w", earlier_overtime_hours={str(DAY): 0})], MONTH, assignments=accepted)
    part = window(named, DAY + 3 * WEEK, DAY + 3 * WEEK + dt.timedelta(days=6))
    assert part.workers[0].earlier_overtime_hours[DAY] == 0


def test_profiles_count_overtime_as_the_acts_do() -> None:
    aml, atl = limits(Law()), limits(Law(profile="se-atl"))
    assert {k: (v.value, v.source) for k, v in aml.items() if "overtime" in k or "ordinary" in k} == {
        "ordinary_hours_per_24h": (9, "AML § 10-4 (1)"),
        "ordinary_hours_per_7_days": (40, "AML § 10-4 (1)"),
        "overtime_per_7_days": (10, "AML § 10-6 (4)"),
        "overtime_per_4_weeks": (25, "AML § 10-6 (4)"),
        "overtime_per_year": (200, "AML § 10-6 (4)"),
    }
    assert {k: (v.value, v.source) for k, v in atl.items() if "overtime" in k or "ordinary" in k} == {
        "ordinary_hours_per_7_days": (40, "ATL § 5"),
        "overtime_per_4_weeks": (48, "ATL § 8"),
        "overtime_per_year": (200, "ATL § 8"),
    }
    assert aml["total_hours_per_7_days"].value == 48 and "total_hours_per_7_days" not in atl
    assert not Law().overtime_calendar_year and Law(profile="se-atl").overtime_calendar_year


def test_an_agreement_can_start_the_weeks_on_another_day() -> None:
    """Weeks from Wednesday: Monday to Thursday's long days fall in two weeks (6 h of overtime each),
    and a week of days 08-14 leaves 58 h of rest from Sunday 14:00 to Wednesday; weekly rest and
    overtime say the week's day, and earlier overtime must name a Wednesday."""
    wednesday = {"law": {"profile": "no-aml", "week_starts": "wednesday"}}
    p = problem([worker("w")], LONG_DAYS, settings=wednesday)
    assert len(run(p).assignments) == 4 and validate(p, everyone(LONG_DAYS)) == []
    from tests.test_rules_law import WEEK_OF_DAYS

    week = problem([worker("w")], WEEK_OF_DAYS, settings=wednesday)
    assert len(run(week).assignments) == 7
    monday = problem([worker("w")], WEEK_OF_DAYS)
    assert "in the week from Monday 2027-06-14" in validate(monday, everyone(WEEK_OF_DAYS))[0].message
    tight = problem(
        [worker("w")], WEEK_OF_DAYS, settings={"law": {**wednesday["law"], "overrides": {"weekly_rest_hours": 60}}}
    )
    found = validate(tight, everyone(WEEK_OF_DAYS))
    assert [v.rule for v in found] == ["weekly_rest"] and "the week from Wednesday 2027-06-16" in found[0].message
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"earlier_overtime_hours\.2027-06-07[\s\S]*a Monday; a week is named"):
        problem([worker("w", earlier_overtime_hours={"2027-06-07": 3})], settings=wednesday)
    held = problem([worker("w", earlier_overtime_hours={"2027-06-09": 30})], LONG_DAYS, settings=wednesday)
    assert len(run(held).assignments) == 4  # the week from Wednesday 9 June holds the horizon's Monday
    named = problem([worker("w", earlier_overtime_hours={"2027-06-02": 20})], LONG_DAYS[:2], settings=wednesday)
    assert len(run(named).assignments) == 1  # 20 h in the week before last, and 3 h for each day
    assert validate(named, everyone(LONG_DAYS[:2]))[0].message.endswith(
        "in the 4 weeks from Wednesday 2027-05-19; limit 25 h (AML § 10-6 (4))"
    )
