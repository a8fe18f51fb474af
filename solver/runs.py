"""Runs of working days and days off as paths through a small automaton: one layered network per worker.

The clause form of the run rules (``solver.rules.day_runs``: min and max consecutive working days, min days off)
propagates well, but its LP relaxation is weak: fractional rosters meet every clause while no whole
roster comes close, so CP-SAT's bound stays far below the optimum and cannot steer the search. Here a
worker's days are a path through run states (working for k days, or off for k days, and whether the run
began at the horizon's first day, which exempts it from the minimum); a node per (day, state), an arc per
allowed step, and flow conservation between them. That network's LP is the convex hull of the allowed
work/off sequences, so the bound lifts (Curtois & Qu Instance 5: about 800 with the clauses, 1 137 here,
and the optimum 1 143 is proven in well under a minute; benchmarks/README.md).

It replaces the three clause rules for the workers it covers: the same sequences are allowed (the
brute-force property test checks both forms against the validator). The price is a model several times
larger, which slows the search on large pools, so ``solver.solve`` uses it on small models only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, NamedTuple

from ortools.sat.python import cp_model

from solver.instance import Instance

if TYPE_CHECKING:
    from solver.variables import Vars

Literal = cp_model.IntVar


class RunState(NamedTuple):
    working: bool
    length: int  # days in the current run, capped where longer runs behave the same
    from_start: bool  # the run began on the horizon's first day and is still shorter than its minimum


def steps(state: RunState, min_on: int, max_on: int | None, min_off: int) -> list[RunState]:
    """States reachable on the next day (``max_on`` None: no maximum that the horizon could reach); a run
    touching the horizon's last day needs no step at all."""
    out: list[RunState] = []
    length = state.length
    if state.working:
        if max_on is None or length + 1 <= max_on:
            cap = max(1, min_on) if max_on is None else max_on  # no maximum: count only up to the minimum
            out.append(RunState(True, min(length + 1, cap), state.from_start and length + 1 < min_on))
        if state.from_start or length >= min_on:
            out.append(RunState(False, 1, False))
    else:
        out.append(RunState(False, min(length + 1, max(1, min_off)), state.from_start and length + 1 < min_off))
        if state.from_start or length >= min_off:
            out.append(RunState(True, 1, False))
    return out


def uses_network(inst: Instance, w: int, v: Vars) -> bool:
    """Only minimum runs make the clause form weak; a maximum alone is an interval matrix, exact as it is."""
    worker = inst.workers[w]
    return bool(v.works[w]) and (worker.min_consecutive_days > 1 or worker.min_consecutive_days_off > 1)


def rule_run_network(inst: Instance, period: list[dt.date], v: Vars, w: int) -> None:
    """Min and max consecutive working days and min consecutive days off for worker ``w``, as a network.

    Same rules and edge convention as the clauses of ``solver.rules.day_runs``: a run touching the
    horizon's first or last day is exempt from the minimums.
    """
    worker, days, m = inst.workers[w], v.works[w], v.model
    min_on, min_off = worker.min_consecutive_days, worker.min_consecutive_days_off
    max_on = worker.max_consecutive_days if worker.max_consecutive_days < len(period) else None
    candidates = [RunState(True, 1, min_on > 1), RunState(False, 1, min_off > 1)]
    layer = {s: _node(m, w, 0, s) for s in candidates}
    m.add_exactly_one(layer.values())
    _link(m, layer, days.get(period[0]))
    for k, day in enumerate(period[1:], start=1):
        incoming: dict[RunState, list[Literal]] = defaultdict(list)
        for state, node in layer.items():
            arcs = []
            for nxt in steps(state, min_on, max_on, min_off):
                if nxt.working and day not in days:
                    continue  # no work can be given that day
                arc = m.new_bool_var(f"step_w{w}_d{k}")
                arcs.append(arc)
                incoming[nxt].append(arc)
            m.add(sum(arcs) == node)  # a state with no allowed step cannot be taken
        layer = {}
        for state, arcs in incoming.items():
            node = _node(m, w, k, state)
            m.add(sum(arcs) == node)
            layer[state] = node
        _link(m, layer, days.get(day))


def _node(m: cp_model.CpModel, w: int, k: int, state: RunState) -> Literal:
    return m.new_bool_var(f"run_w{w}_d{k}_{state.working:d}{state.length}{state.from_start:d}")


def _link(m: cp_model.CpModel, layer: dict[RunState, Literal], works: Literal | None) -> None:
    """The day's working states sum to the worker's "works that day" literal (none: off all day)."""
    working = [node for state, node in layer.items() if state.working]
    if works is not None:
        m.add(sum(working) == works)
    else:
        for node in working:
            m.add(node == 0)


def add_run_networks(inst: Instance, period: list[dt.date], v: Vars) -> set[int]:
    """A network for every worker with a minimum run; returns those workers (the clause rules skip them)."""
    if not period:
        return set()
    covered = {w for w in range(len(inst.workers)) if uses_network(inst, w, v)}
    for w in sorted(covered):
        rule_run_network(inst, period, v, w)
    return covered
