"""The neighbourhood search on its own: it starts from a poor roster, never returns a worse one, and every
roster it returns keeps every hard rule (checked by the independent validator, not by the model)."""

from __future__ import annotations

import random
import time

import pytest
from ortools.sat.python import cp_model

from models.generator import GeneratorConfig, generate
from models.problem import Problem
from solver import lns
from solver.instance import Instance, build_instance
from solver.lns import _Neighbourhoods, improve
from solver.model import build_model
from solver.score import score, total
from solver.submodel import Extractor
from solver.validator import validate
from solver.variables import Vars, all_values, new_vars
from tests.factory import problem, shift, worker


def _first_roster() -> tuple[Problem, Instance, Vars, list[int], int]:
    """A generated pool, its full model, and the first roster CP-SAT finds (values by proto index, score)."""
    p = generate(GeneratorConfig(seed=3, workers=60, farms=3, days=7))
    inst = build_instance(p)
    built = build_model(inst)
    v = built.v
    v.model.minimize(built.coverage + built.quality)
    first = cp_model.CpSolver()
    first.parameters.num_workers = 1
    first.parameters.random_seed = 1
    first.parameters.stop_after_first_solution = True
    assert first.solve(v.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return p, inst, v, all_values(v.model, first), round(first.objective_value)


def _values_of(inst: Instance, v: Vars, roster: set[tuple[str, str]]) -> list[int]:
    """Model values (by proto index) of a roster given as (worker, item) ids: its ``x`` and open places."""
    values = [0] * len(v.model.proto.variables)
    for k, q in enumerate(inst.pairs):
        values[v.x[k].index] = int((inst.workers[q.w].id, inst.items[q.i].id) in roster)
    for i, it in enumerate(inst.items):
        values[v.unfilled[i].index] = it.headcount - sum(1 for _, item in roster if item == it.id)
    return values


def test_neighbourhood_search_improves_a_first_roster_and_keeps_every_rule() -> None:
    p, inst, v, values, start = _first_roster()
    domains = [tuple(var.domain) for var in v.model.proto.variables]

    t0 = time.perf_counter()
    result = improve(inst, v, values, start, t0 + 4, workers=2, seed=0, t0=t0)

    assert result.objective < start, "four seconds of search did not improve a first-found roster"
    assert result.rounds > 0 and result.improved_at is not None
    roster = [
        (inst.workers[q.w].id, inst.items[q.i].id) for k, q in enumerate(inst.pairs) if result.values[v.x[k].index]
    ]
    assert validate(p, roster) == []
    assert total(score(p, roster)) == result.objective, "the returned objective is not the roster's score"
    assert [tuple(var.domain) for var in v.model.proto.variables] == domains  # neighbourhoods fix copies only


def test_a_failing_search_thread_fails_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception in a search thread reaches the caller (a solve job then fails with a message) instead
    of being printed by the thread and the unimproved roster returned as if the search had run."""
    _, inst, v, values, start = _first_roster()

    def broken(self: _Neighbourhoods, rng: random.Random, size: int, values: list[int]) -> set[int]:
        raise RuntimeError("neighbourhood failed")

    for kind in ("workers", "days_window", "block", "two_windows", "weekly"):
        monkeypatch.setattr(_Neighbourhoods, kind, broken)
    t0 = time.perf_counter()
    with pytest.raises(RuntimeError, match="neighbourhood failed"):
        improve(inst, v, values, start, t0 + 30, workers=2, seed=0, t0=t0)
    assert time.perf_counter() - t0 < 10, "the other thread must stop at the first failure"


def test_guided_neighbourhoods_aim_at_the_faults_of_the_roster() -> None:
    """Guided choices name only real faults (an open place, an unmet on- or off-request), and the people
    and days a guided neighbourhood frees include that fault, so a sub-solve can repair it."""
    p = problem(
        [worker(w) for w in ("a", "b", "c", "d")],
        [shift(f"s{d}", d, 8, 8, headcount=1 if d else 2) for d in range(10)],
        requests=[
            {"worker_id": "a", "item_id": "s3", "kind": "on"},  # unmet below
            {"worker_id": "b", "item_id": "s5", "kind": "off"},  # unmet below
            {"worker_id": "c", "item_id": "s6", "kind": "on"},  # met below
        ],
        settings={"coverage_first": False},
    )
    inst = build_instance(p)
    v = new_vars(inst)
    hoods = _Neighbourhoods(inst, v)
    roster = {("b", "s5"), ("c", "s6"), ("d", "s0")} | {("d", f"s{d}") for d in (7, 8)}
    values = _values_of(inst, v, roster)
    w_of, i_of = {w.id: k for k, w in enumerate(inst.workers)}, {it.id: k for k, it in enumerate(inst.items)}

    open_items = {i for i, it in enumerate(inst.items) if values[v.unfilled[i].index]}
    unmet = {(i_of["s3"], w_of["a"]), (i_of["s5"], w_of["b"])}
    rng = random.Random(0)
    seen = {hoods.fault(rng, values) for _ in range(400)}
    assert seen == {(i, None) for i in open_items} | unmet

    day_of = {it.id: hoods.item_day[k] for k, it in enumerate(inst.items)}
    for _ in range(200):
        people, centre = hoods._people(rng, 2, values)
        assert len(people) == 2
        if centre is not None and centre == day_of["s3"] and w_of["a"] in people:
            break
    else:
        raise AssertionError("a guided choice never took the worker with the unmet request to its day")
    for _ in range(50):
        free = hoods.block(rng, 1, values)
        days = {hoods.pair_day[p] for p, x in enumerate(v.x) if x.index in free}
        assert max(days) - min(days) < 7  # a week at most
    assert {hoods._window(rng, 3, centre=9) for _ in range(50)} == {7}, "a window must fit the horizon"
    assert {hoods._window(rng, 3, centre=5) for _ in range(100)} == {3, 4, 5}, "every window covering the centre"


def test_a_rounds_small_model_is_exact_for_the_whole_model() -> None:
    """Each round solves only what its freed choices reach (solver.submodel): at the current roster its
    objective is the whole roster's, and any roster it finds, written back, satisfies the whole model
    with that same objective (checked by CP-SAT on the whole model with every variable fixed)."""
    p, inst, v, values, objective = _first_roster()
    hoods = _Neighbourhoods(inst, v)
    extractor = Extractor(v.model, hoods.x_index)
    rng = random.Random(5)
    kinds = [hoods.workers, hoods.days_window, hoods.block, hoods.two_windows, hoods.weekly]
    for round_ in range(12):
        free = kinds[round_ % len(kinds)](rng, rng.randrange(1, 4), values)
        sub, order = extractor.cut(free, values, objective)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 10
        status = solver.solve(sub)
        assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        assert round(solver.objective_value) <= objective  # the current roster is a solution of it
        new = list(values)
        for k, value in zip(order, solver.response_proto.solution, strict=True):
            new[k] = value
        whole = v.model.clone()
        whole.clear_hints()
        for k, value in enumerate(new):
            dom = whole.proto.variables[k].domain
            dom[0] = dom[1] = value
        check = cp_model.CpSolver()
        check.parameters.num_workers = 1
        assert check.solve(whole) == cp_model.OPTIMAL, f"round {round_}: the written-back roster breaks the model"
        assert round(check.objective_value) == round(solver.objective_value)
        values, objective = new, round(solver.objective_value)
    roster = [(inst.workers[q.w].id, inst.items[q.i].id) for k, q in enumerate(inst.pairs) if values[v.x[k].index]]
    assert validate(p, roster) == []


def test_a_guided_choice_frees_a_chain_of_people_around_an_open_place() -> None:
    """Around an open place: people who could fill it, then people who could take over what those work
    that day, so the place can be filled by a swap (c takes b's shift, b takes the open place)."""
    p = problem(
        [
            worker("a"),
            worker("b", ("nurse", "assistant_nurse")),
            worker("c", ("assistant_nurse",)),
            worker("d", ("drivers_licence",)),
            worker("e", ("drivers_licence",)),
        ],
        [
            shift("s2", 2, 8, 8, headcount=2),  # one place open below
            shift("s3", 2, 16, 8, ("assistant_nurse",)),
            shift("s6", 6, 8, 8, ("drivers_licence",)),
        ],
        settings={"coverage_first": False},
    )
    inst = build_instance(p)
    v = new_vars(inst)
    hoods = _Neighbourhoods(inst, v)
    roster = {("a", "s2"), ("b", "s3"), ("d", "s6")}
    values = _values_of(inst, v, roster)
    w_of = {w.id: k for k, w in enumerate(inst.workers)}

    rng = random.Random(0)
    guided = 0
    for _ in range(100):
        people, centre = hoods._people(rng, 3, values)
        if centre is not None:
            guided += 1
            assert people == {w_of["a"], w_of["b"], w_of["c"]}, "the chain must reach c, who can take b's shift"
    assert guided > 30


def test_a_request_is_aimed_at_those_its_fix_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unmet "on" request is fixed by someone on that shift giving it up, and, where the worker who
    asked is at a limit over the horizon, by that worker giving up a shift elsewhere: guided choices free
    those working the shift, not others, and every worker over the request's day and a day its worker works."""
    monkeypatch.setattr(lns, "GUIDED", 1.0)
    p = problem(
        [worker(w) for w in ("a", "b", "c", "d", "e")],
        [
            shift("s1", 1, 8, 8),
            shift("s3", 3, 8, 8, headcount=2),
            shift("s5", 5, 8, 8),
            shift("s8", 8, 8, 8),
        ],
        requests=[{"worker_id": "a", "item_id": "s3", "kind": "on"}],
        settings={"coverage_first": False},
    )
    inst = build_instance(p)
    v = new_vars(inst)
    hoods = _Neighbourhoods(inst, v)
    roster = {("b", "s3"), ("c", "s3"), ("a", "s8"), ("d", "s1"), ("e", "s5")}  # no open place: one fault
    values = _values_of(inst, v, roster)
    w_of, i_of = {w.id: k for k, w in enumerate(inst.workers)}, {it.id: k for k, it in enumerate(inst.items)}
    s3 = i_of["s3"]
    able = [w for w in range(len(inst.workers)) if w != w_of["a"]]

    assert sorted(hoods._partners(s3, w_of["a"], hoods.item_day[s3], able, values)) == [w_of["b"], w_of["c"]]
    assert sorted(hoods._partners(s3, None, hoods.item_day[s3], able, values)) == [w_of["d"], w_of["e"]], (
        "an open place is taken by someone free that day"
    )
    rng = random.Random(0)
    for _ in range(50):
        people, _centre = hoods._people(rng, 3, values)
        assert w_of["a"] in people and len(people & {w_of["b"], w_of["c"]}) >= 1, people
        free = hoods.two_windows(rng, 2, values)
        days = {inst.items[q.i].id for k, q in enumerate(inst.pairs) if v.x[k].index in free}
        assert days == {"s3", "s8"}, "the request's day and the one day its worker works"


def test_a_weekly_neighbourhood_frees_the_same_days_of_the_week_in_every_week(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work moves between weeks (a weekend, minutes under a total limit) only if every week is open at once:
    the weekly kind frees every worker on the same days of the week in every week, by the calendar (a day
    with no work in between does not shift the pattern), and guided, those days include the fault's."""
    monkeypatch.setattr(lns, "GUIDED", 1.0)
    days = [d for d in range(20) if d != 3]  # nothing on day 3: day indices and calendar days part there
    p = problem(
        [worker(w) for w in ("a", "b")], [shift(f"s{d}", d, 8, 8) for d in days], settings={"coverage_first": False}
    )
    inst = build_instance(p)
    v = new_vars(inst)
    hoods = _Neighbourhoods(inst, v)
    values = _values_of(inst, v, {("a", "s0"), ("b", "s1")})  # every other shift open: faults on every day
    day_of = {k: int(inst.items[q.i].id[1:]) for k, q in enumerate(inst.pairs)}
    rng = random.Random(0)
    seen = set()
    for size in (1, 2, 3):
        for _ in range(60):
            free = hoods.weekly(rng, size, values)
            freed = {day_of[k] for k, x in enumerate(v.x) if x.index in free}
            weekdays = {d % 7 for d in freed}
            assert len(weekdays) == size
            assert freed == {d for d in days if d % 7 in weekdays}, "every week, every worker, those days only"
            seen.add(frozenset(weekdays))
    assert frozenset({6, 0}) in seen, "a window may run over the end of the week (Sunday and Monday)"
    assert {day_of[k] for k, x in enumerate(v.x) if x.index in hoods.weekly(rng, 9, values)} == set(days)

    # guided: the days freed include the day of the fault the choice aims at
    item = next(i for i, it in enumerate(inst.items) if it.id == "s12")
    monkeypatch.setattr(_Neighbourhoods, "fault", lambda self, rng, values: (item, None))
    for _ in range(30):
        free = hoods.weekly(rng, 2, values)
        assert 12 in {day_of[k] for k, x in enumerate(v.x) if x.index in free}
