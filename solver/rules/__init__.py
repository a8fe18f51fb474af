"""Every hard rule, one module per family (after OR-Tools' shift_scheduling_sat): each module holds the
family's model form and its independent check, apart in code. ``solver.catalogue`` says which family
each rule belongs to; building the model and validating a roster are loops over it.
"""

from __future__ import annotations

from models.work_items import horizon
from solver import catalogue
from solver.instance import Instance
from solver.rules import (
    data,
    day_runs,
    headcount,
    kept,
    night_work,
    overtime,
    period_hours,
    placement,
    rest,
    rest_periods,
    rolling_hours,
    shift_types,
    succession,
    sundays,
    weekends,
)
from solver.rules.family import Family
from solver.variables import Build, Vars, link_working_days

MODULES = (
    data,
    placement,
    headcount,
    kept,
    rest,
    succession,
    rolling_hours,
    period_hours,
    shift_types,
    day_runs,
    weekends,
    rest_periods,
    sundays,
    night_work,
    overtime,
)
"""In the order the model is built (a fixed-seed search depends on the order of constraints)."""
BY_NAME: dict[str, Family] = {m.__name__.rsplit(".", 1)[1]: m.FAMILY for m in MODULES}
FAMILIES: tuple[Family, ...] = tuple(BY_NAME[name] for name in dict.fromkeys(r.family for r in catalogue.RULES))
"""The families in the catalogue's order (each once, where its first rule stands)."""


def add_hard_rules(inst: Instance, v: Vars, *, run_networks: bool = False) -> None:
    """Every family's model form; ``run_networks`` models runs of days as networks (``solver.runs``)."""
    b = Build(inst, v, round(inst.problem.settings.min_rest_hours * 60), horizon(inst.items), run_networks)
    linked = False
    for family in BY_NAME.values():
        if family.reads_days and not linked:
            link_working_days(b)
            linked = True
        if family.model is not None:
            family.model(b)
