"""Properties on random small pools: every roster is valid, more workers never cost coverage,
impossible kept assignments fail clearly, and the model agrees with the independent score."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.law import WEEKDAYS, Law
from models.problem import Problem
from models.solution import SolveStatus
from solver.construct import greedy
from solver.instance import build_instance
from solver.model import build_model
from solver.relaxation import relaxation_bound
from solver.score import total
from solver.solve import KeptAssignmentsInfeasible, SolveOptions, _complete, solve
from solver.validator import LOWER_BOUND_RULES, validate, validate_solution
from tests.factory import DAY, at, problem, shift, worker

SKILLS = ("nurse", "assistant_nurse", "drivers_licence")
WEEK_STARTS = st.sampled_from(["monday", "monday", "wednesday", "sunday"])
"""The day the law's weeks start: Monday by default, or as an agreement says."""
OPTIONS = SolveOptions(time_limit=10, workers=1, seed=3)
PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def workers_st(draw: st.DrawFn, wid: str) -> dict[str, Any]:
    skills = draw(st.lists(st.sampled_from(SKILLS), unique=True, max_size=3))
    quals = [
        {
            "skill": s,
            "approved": draw(st.booleans()) or draw(st.booleans()),
            "valid_until": draw(st.sampled_from([None, None, "2027-06-15"])),
        }
        for s in skills
    ]
    always = draw(st.booleans())
    windows = []
    for day in draw(st.lists(st.integers(0, 3), unique=True, max_size=3)):
        start = draw(st.sampled_from([0, 6, 14, 22]))
        kind = draw(st.sampled_from(["available", "preferred", "undesired", "unavailable"]))
        windows.append({"kind": kind, "start": at(day, start), "end": at(day, start + draw(st.sampled_from([4, 10])))})
    return worker(
        wid,
        qualifications=quals,
        always_available=always,
        availability=windows,
        home_lat=draw(st.sampled_from([60.80, 60.85, 61.2])),
        max_travel_km=draw(st.sampled_from([5.0, 30.0])),
        max_hours_per_7_days=draw(st.sampled_from([8.0, 16.0, 40.0])),
        max_consecutive_days=draw(st.integers(1, 3)),
        hourly_rate=draw(st.sampled_from([None, 250.0, 400.0])),
        kind=draw(st.sampled_from(["health", "seasonal", "volunteer"])),
    )


@st.composite
def pools(draw: st.DrawFn, max_workers: int = 4) -> dict[str, Any]:
    n_workers = draw(st.integers(1, max_workers))
    ws = [draw(workers_st(f"w{k}")) for k in range(n_workers)]
    shifts = [
        shift(
            f"s{k}",
            draw(st.integers(0, 3)),
            draw(st.sampled_from([0, 7, 15, 23])),
            draw(st.sampled_from([4, 8])),
            skills=tuple(draw(st.lists(st.sampled_from(SKILLS), unique=True, max_size=2))),
            headcount=draw(st.integers(1, 2)),
            priority=draw(st.sampled_from(["critical", "normal", "low"])),
        )
        for k in range(draw(st.integers(1, 6)))
    ]
    jobs = []
    if draw(st.booleans()):
        jobs.append(
            {
                "id": "job",
                "farm_id": "farm1",
                "title": "Harvest",
                "first_day": "2027-06-14",
                "last_day": draw(st.sampled_from(["2027-06-14", "2027-06-16"])),
                "headcount": 2,
                "daily_hours": 6,
            }
        )
    return {"workers": ws, "shifts": shifts, "jobs": jobs, "rest": draw(st.sampled_from([8, 11]))}


def build(pool: dict[str, Any], **extra: Any) -> Problem:
    return problem(
        pool["workers"], pool["shifts"], jobs=pool["jobs"], settings={"min_rest_hours": pool["rest"]}, **extra
    )


def weighted_unfilled(sol) -> int:
    return sum(t.weighted for k, t in sol.terms.items() if k.startswith("unfilled"))


@PROPERTY
@given(pools())
def test_every_solution_passes_the_validator(pool: dict[str, Any]) -> None:
    p = build(pool)
    sol = solve(p, OPTIONS)
    assert sol.status == SolveStatus.optimal
    assert validate_solution(p, sol) == []
    assert sol.objective == total(sol.terms)
    assert sol.stats.model_objective == sol.objective
    open_places = {u.item_id: u.missing for u in sol.unfilled}
    for u in sol.unfilled:
        assert u.reason and "open" in u.reason
    assert sum(open_places.values()) == sum(t.raw for k, t in sol.terms.items() if k.startswith("unfilled"))


@PROPERTY
@given(pools())
def test_the_relaxation_bound_never_exceeds_the_optimum(pool: dict[str, Any]) -> None:
    """A bound above a proven optimum would report a roster as closer to the best than it is; coverage
    first only constrains the solve further, so the unconstrained relaxation still bounds it."""
    p = build(pool)
    sol = solve(p, OPTIONS)
    assert sol.status == SolveStatus.optimal and sol.stats.model_objective is not None
    bound = relaxation_bound(p, 10)
    assert bound is not None and bound <= sol.stats.model_objective


@PROPERTY
@given(pools(max_workers=3), workers_st("extra"))
def test_adding_a_worker_never_increases_weighted_unfilled_demand(pool: dict[str, Any], extra: dict) -> None:
    before = solve(build(pool), OPTIONS)
    pool["workers"] = [*pool["workers"], extra]
    after = solve(build(pool), OPTIONS)
    assert before.stats.coverage_proven and after.stats.coverage_proven
    assert weighted_unfilled(after) <= weighted_unfilled(before)


@PROPERTY
@given(pools(), st.data())
def test_kept_assignments_are_kept_and_their_breaches_named_while_the_rest_is_solved(
    pool: dict[str, Any], data: st.DataObject
) -> None:
    p0 = build(pool)
    items = [s["id"] for s in pool["shifts"]]
    kept = data.draw(
        st.lists(
            st.tuples(st.sampled_from([w["id"] for w in pool["workers"]]), st.sampled_from(items)),
            unique=True,
            min_size=1,
            max_size=3,
        )
    )
    status = data.draw(st.sampled_from(["accepted", "pinned"]))
    assignments = [
        {
            "worker_id": w,
            "item_id": i,
            "status": "accepted" if status == "accepted" else "proposed",
            "pinned": status == "pinned",
        }
        for w, i in kept
    ]
    p = build(pool, assignments=assignments)
    assert p0.workers == p.workers
    try:
        sol = solve(p, OPTIONS)
    except KeptAssignmentsInfeasible as e:  # only an item's own capacity can stop the solve
        assert e.violations and all(v.worker_id is None and v.rule == "headcount" for v in e.violations)
        return
    assert set(kept) <= {(a.worker_id, a.item_id) for a in sol.assignments}  # kept, broken or not
    breaches = [v for v in validate(p, kept) if v.rule not in LOWER_BOUND_RULES]
    assert [(c.rule, c.worker_id, c.message) for c in sol.kept_conflicts] == [
        (v.rule, v.worker_id, v.message) for v in breaches
    ]  # each named, by rule
    aside = set(sol.set_aside)
    assert aside == {v.worker_id for v in breaches}
    for a in sol.assignments:  # nobody set aside got new work
        assert a.worker_id not in aside or (a.worker_id, a.item_id) in kept
    assert all(v.worker_id in aside for v in validate_solution(p, sol))  # the rest meets every rule


TYPES = [
    {"id": "E", "name": "Early"},
    {"id": "L", "name": "Late", "forbidden_next": ["E"]},
    {"id": "N", "name": "Night", "forbidden_next": ["E", "L"]},
]
TYPE_START = {"E": 6, "L": 14, "N": 22}


@st.composite
def contract_pools(draw: st.DrawFn) -> Problem:
    """Tiny pools exercising every contract rule, item weight and request at once (small enough to enumerate)."""
    ws = []
    for k in range(draw(st.integers(1, 2))):
        off = draw(st.lists(st.integers(0, 6), unique=True, max_size=1))
        ws.append(
            worker(
                f"w{k}",
                max_consecutive_days=draw(st.integers(1, 4)),
                min_consecutive_days=draw(st.sampled_from([1, 2, 2, 3])),
                min_consecutive_days_off=draw(st.sampled_from([1, 2, 2, 3])),
                max_weekends=draw(st.sampled_from([None, 0, 1])),
                min_hours=draw(st.sampled_from([0, 0, 8])),
                max_hours=draw(st.sampled_from([None, 16])),
                max_shifts_per_type=draw(
                    st.dictionaries(st.sampled_from("ELN"), st.sampled_from([0, 1, 1, 2]), max_size=2)
                ),
                availability=[{"kind": "unavailable", "start": at(d, 0), "end": at(d + 1, 0)} for d in off],
            )
        )
    shifts = []
    for k in range(draw(st.integers(2, 5))):
        typ = draw(st.sampled_from("ELN"))
        headcount = draw(st.sampled_from([0, 1, 1, 2]))
        shifts.append(
            shift(
                f"s{k}",
                k + draw(st.sampled_from([0, 0, 0, 1, 2])),  # mostly on consecutive days, so runs matter
                TYPE_START[typ],
                8,
                shift_type=typ,
                headcount=headcount,
                max_headcount=max(1, headcount + draw(st.integers(0, 1))),
                under_weight=draw(st.sampled_from([None, 30])),
                over_weight=draw(st.integers(0, 5)),
            )
        )
    requests = [
        {"worker_id": w["id"], "item_id": s["id"], "kind": kind, "weight": draw(st.integers(1, 9))}
        for w in ws
        for s in shifts
        if (kind := draw(st.sampled_from([None, None, "on", "off"])))
    ]
    return problem(
        ws,
        shifts,
        shift_types=TYPES,
        requests=requests,
        settings={"min_rest_hours": 0, "coverage_first": False, "weights": {"requests": 7}},
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contract_pools())
def test_solver_optimum_equals_brute_force_over_all_valid_rosters(p: Problem) -> None:
    """The model and the validator describe the same rules: the best valid roster found by trying every
    roster equals the solver's proven optimum, and 'infeasible' means no valid roster exists. Both forms
    of the run rules are checked: networks (small models, the default here) and clauses (large models)."""
    _agrees_with_brute_force(p)


@st.composite
def law_pools(draw: st.DrawFn) -> Problem:
    """Tiny pools under a working-time law profile, with the organisation's and the contract's
    overrides, weeks starting on Monday or another day and an agreed night: items of 4 to 14 hours at any hour over a
    week, so rest in 24 h, rest in the week, hours in 24 h, night workers' hours and strenuous nights
    all bind; kept work outside the plan around it, which rest, rolling hours, runs of days and night
    workers' hours count."""
    overrides = st.fixed_dictionaries(
        {},
        optional={
            "daily_rest_hours": st.sampled_from([0, 8, 11, 16]),
            "weekly_rest_hours": st.sampled_from([0, 24, 35, 60]),
            "max_hours_per_24h": st.sampled_from([10, 13, 24]),
            "night_average_hours": st.sampled_from([0, 1, 2, 8]),
            "night_reference_weeks": st.sampled_from([1, 2, 4]),
            "night_max_hours_per_24h": st.sampled_from([0, 8, 10]),
        },
    )
    night = draw(
        st.sampled_from(
            [{}, {}, {"night_from": "22:00", "night_to": "07:00"}, {"night_from": "00:00", "night_to": "08:00"}]
        )
    )
    law = {
        "profile": draw(st.sampled_from(["no-aml", "se-atl", "custom"])),
        "week_starts": draw(WEEK_STARTS),
        "overrides": draw(overrides),
        **night,
    }
    ws = [
        worker(
            f"w{k}",
            max_consecutive_days=draw(st.sampled_from([2, 3, 7])),
            max_hours_per_7_days=draw(st.sampled_from([20, 40, 60])),
            working_time=draw(st.one_of(st.just({}), overrides)),
        )
        for k in range(draw(st.integers(1, 2)))
    ]
    outside = [  # kept work just before or after the week, or beside it elsewhere
        {"worker_id": w["id"], "label": f"o{j}", "start": at(day, hour), "end": at(day, hour + hours)}
        for w in ws
        for j, (day, hour, hours) in enumerate(
            draw(
                st.lists(
                    st.tuples(st.sampled_from([-2, -1, -1, 0, 3, 7, 7, 8]), st.integers(0, 23), st.integers(2, 12)),
                    max_size=2,
                )
            )
        )
    ]
    shifts = [
        shift(
            f"s{k}",
            draw(st.integers(0, 6)),
            draw(st.integers(0, 23)),
            draw(st.integers(4, 14)),
            headcount=draw(st.sampled_from([1, 1, 2])),
        )
        for k in range(draw(st.integers(2, 5)))
    ]
    rest = draw(st.sampled_from([0, 0, 11]))
    return problem(
        ws, shifts, outside_work=outside, settings={"min_rest_hours": rest, "coverage_first": False, "law": law}
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(law_pools())
def test_the_law_s_rules_agree_with_brute_force(p: Problem) -> None:
    """Daily rest, weekly rest and hours in 24 h, and the rules kept work outside the plan feeds: the
    solver's optimum is the best roster the validator accepts, under every profile and override."""
    _agrees_with_brute_force(p)


def _agrees_with_brute_force(p: Problem) -> None:
    from itertools import combinations

    from solver.score import score

    pairs = [(w.id, s.id) for w in p.workers for s in p.shifts]
    best: int | None = None
    for n in range(len(pairs) + 1):
        for roster in combinations(pairs, n):
            if not validate(p, roster):
                value = total(score(p, roster))
                best = value if best is None else min(best, value)
    for options in (OPTIONS, replace(OPTIONS, small_model_pairs=0)):
        sol = solve(p, options)
        if best is None:
            assert sol.status == SolveStatus.infeasible
            continue
        assert sol.status == SolveStatus.optimal
        assert validate_solution(p, sol) == []
        assert sol.objective == best
        assert sol.stats.model_objective == best
    if best is not None:  # every contract rule in the relaxation, and still no bound above the optimum
        bound = relaxation_bound(p, 10)
        assert bound is not None and bound <= best


@st.composite
def sunday_pools(draw: st.DrawFn) -> Problem:
    """Tiny pools over the weekends of three weeks (and Midsummer in Sweden's calendar), under every
    number of Sundays in a row and with kept Sunday work outside the plan, so Sunday rest binds."""
    every = st.sampled_from([0, 1, 2, 3])
    law = {
        "profile": draw(st.sampled_from(["no-aml", "se-atl", "custom"])),
        "holidays": draw(st.sampled_from([None, "SE"])),
        "overrides": draw(st.fixed_dictionaries({}, optional={"sunday_off_every": every})),
    }
    contract = st.fixed_dictionaries({}, optional={"sunday_off_every": every})
    ws = [worker(f"w{k}", working_time=draw(contract)) for k in range(draw(st.integers(1, 2)))]
    outside = [
        {"worker_id": w["id"], "label": f"o{j}", "start": at(day, hour), "end": at(day, hour + 6)}
        for w in ws
        for j, (day, hour) in enumerate(
            draw(st.lists(st.tuples(st.sampled_from([-1, 4, 6, 13, 27]), st.sampled_from([0, 8, 16])), max_size=1))
        )
    ]
    shifts = [
        shift(f"s{k}", draw(st.sampled_from([5, 6, 12, 13, 20])), draw(st.sampled_from([8, 14, 19])), 4)
        for k in range(draw(st.integers(2, 5)))
    ]
    return problem(
        ws, shifts, outside_work=outside, settings={"min_rest_hours": 0, "coverage_first": False, "law": law}
    )


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sunday_pools())
def test_sunday_rest_agrees_with_brute_force(p: Problem) -> None:
    """Sundays and public holidays in a row: the solver's optimum is the best roster the validator
    accepts, whatever the profile, the calendar, the agreement and the contract say."""
    _agrees_with_brute_force(p)


@st.composite
def overtime_pools(draw: st.DrawFn) -> Problem:
    """Tiny pools over three weeks with overtime caps small enough to bind: the ordinary day and week
    of each profile or overridden, caps per week, per 4 weeks and per year (the calendar year under
    se-atl, from 2027 back into 2026), earlier weeks' overtime, and kept work outside the plan before,
    inside and after the horizon."""
    overrides = st.fixed_dictionaries(
        {},
        optional={
            "ordinary_hours_per_24h": st.sampled_from([4, 9, 24]),
            "ordinary_hours_per_7_days": st.sampled_from([8, 16, 40, 168]),
            "overtime_per_7_days": st.sampled_from([0, 2, 6, 168]),
            "overtime_per_4_weeks": st.sampled_from([0, 4, 10, 672]),
            "overtime_per_year": st.sampled_from([3, 12, 8784]),
            "total_hours_per_7_days": st.sampled_from([16, 48]),
        },
    )
    starts = draw(WEEK_STARTS)
    law = {
        "profile": draw(st.sampled_from(["no-aml", "se-atl", "custom"])),
        "week_starts": starts,
        "overrides": draw(overrides),
    }
    week_of = Law(week_starts=starts).week_of
    weeks = st.sampled_from([-30, -4, -3, -1, 0]).map(lambda k: str(week_of(DAY + dt.timedelta(weeks=k))))
    earlier = st.dictionaries(weeks, st.sampled_from([0, 2, 5, 9]), max_size=2)
    ws = [
        worker(f"w{k}", working_time=draw(st.one_of(st.just({}), overrides)), earlier_overtime_hours=draw(earlier))
        for k in range(draw(st.integers(1, 2)))
    ]
    outside = [
        {"worker_id": w["id"], "label": f"o{j}", "start": at(day, 7), "end": at(day, 7 + hours)}
        for w in ws
        for j, (day, hours) in enumerate(
            draw(st.lists(st.tuples(st.sampled_from([-8, -1, 2, 9, 22]), st.integers(2, 12)), max_size=2))
        )
    ]
    shifts = [
        shift(f"s{k}", draw(st.integers(0, 20)), draw(st.sampled_from([6, 14])), draw(st.integers(3, 12)))
        for k in range(draw(st.integers(2, 5)))
    ]
    return problem(
        ws, shifts, outside_work=outside, settings={"min_rest_hours": 0, "coverage_first": False, "law": law}
    )


@st.composite
def week_pools(draw: st.DrawFn) -> Problem:
    """Tiny pools over ten days whose weeks start on any day, with weekly rest long enough and overtime
    caps low enough to bind in those weeks, and the horizon's own week named in the earlier overtime
    (which must not count)."""
    starts = draw(st.sampled_from(WEEKDAYS))
    overrides = st.fixed_dictionaries(
        {},
        optional={
            "weekly_rest_hours": st.sampled_from([48, 72, 96]),
            "ordinary_hours_per_7_days": st.sampled_from([8, 16]),
            "overtime_per_7_days": st.sampled_from([0, 4]),
            "overtime_per_4_weeks": st.sampled_from([2, 10]),
            "night_average_hours": st.sampled_from([1, 2]),
        },
    )
    law = {"profile": draw(st.sampled_from(["no-aml", "custom"])), "week_starts": starts, "overrides": draw(overrides)}
    week_of = Law(week_starts=starts).week_of
    history = {
        str(week_of(DAY + dt.timedelta(days=k))): 6 for k in draw(st.lists(st.sampled_from([-7, 0]), max_size=2))
    }
    ws = [worker(f"w{k}", earlier_overtime_hours=history) for k in range(draw(st.integers(1, 2)))]
    shifts = [
        shift(f"s{k}", draw(st.integers(0, 9)), draw(st.sampled_from([0, 8, 20])), draw(st.integers(6, 12)))
        for k in range(draw(st.integers(2, 5)))
    ]
    return problem(ws, shifts, settings={"min_rest_hours": 0, "coverage_first": False, "law": law})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(week_pools())
def test_weeks_that_start_on_any_day_agree_with_brute_force(p: Problem) -> None:
    """Weekly rest, night averages and overtime over weeks from the agreement's day: the solver's
    optimum is the best roster the validator accepts, and the greedy construction keeps the rules."""
    _agrees_with_brute_force(p)
    _greedy_keeps_the_rules(p)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overtime_pools())
def test_overtime_agrees_with_brute_force(p: Problem) -> None:
    """Overtime per week, per 4 weeks and per year, and the law's hours per 7 days: the solver's
    optimum is the best roster the validator accepts."""
    _agrees_with_brute_force(p)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overtime_pools())
def test_the_greedy_construction_keeps_the_overtime_caps(p: Problem) -> None:
    _greedy_keeps_the_rules(p)


@PROPERTY
@given(st.one_of(pools().map(build), contract_pools(), law_pools()))
def test_the_greedy_construction_breaks_no_rule_that_adding_work_can_break(p: Problem) -> None:
    """The first roster (solver.construct) keeps every hard rule except the minimums a fuller roster
    mends; when it meets those too, the model accepts it as a complete solution."""
    _greedy_keeps_the_rules(p)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sunday_pools())
def test_the_greedy_construction_keeps_sunday_rest(p: Problem) -> None:
    _greedy_keeps_the_rules(p)


def _greedy_keeps_the_rules(p: Problem) -> None:
    inst = build_instance(p)
    x = greedy(inst)
    roster = [(inst.workers[q.w].id, inst.items[q.i].id) for q, on in zip(inst.pairs, x, strict=True) if on]
    violations = validate(p, roster)
    assert [v for v in violations if v.rule not in LOWER_BOUND_RULES] == []
    if not violations:
        built = build_model(inst, run_networks=True)
        assert _complete(built.v, x, 10) is not None
