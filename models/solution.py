"""The solver's answer, as written to ``solution.json`` and read back by ``bemanna validate``."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field

from models.enums import AssignmentStatus, Priority
from models.problem import Schema


class SolveStatus(StrEnum):
    optimal = "optimal"  # proven best for the weighted objective
    feasible = "feasible"  # valid roster, not proven best within the time limit
    infeasible = "infeasible"  # kept assignments break a hard rule, or no roster meets the lower-bound rules
    unknown = "unknown"  # no roster found within the time limit


class PlannedAssignment(Schema):
    worker_id: str
    item_id: str
    start: dt.datetime
    end: dt.datetime
    status: AssignmentStatus = AssignmentStatus.proposed
    pinned: bool = False


class Unfilled(Schema):
    item_id: str
    place_id: str
    start: dt.datetime
    end: dt.datetime
    priority: Priority
    required_skills: list[str]
    missing: int = Field(ge=1)
    reason: str


class KeptConflict(Schema):
    """A kept (accepted or pinned) assignment that breaks a hard rule on its own: kept as it is, for a
    person to decide (release the worker, or let it stand)."""

    rule: str
    worker_id: str
    item_id: str | None = None
    message: str


class Term(Schema):
    """One soft goal in the score: ``weighted = raw * weight``."""

    raw: int
    weight: int
    weighted: int
    unit: str


class Spread(Schema):
    """How evenly one group shares one measure among the people of it who work (``solver.spread``)."""

    group: str = Field(description="kind:<worker kind> or place:<site or farm id>")
    name: str = Field(description="The worker kind, or the site's or farm's name")
    measure: str = Field(description="hours, nights or weekends")
    people: int
    fewest: float
    most: float
    mean: float
    gini: float = Field(description="0: all the same; towards 1: one person has it all")


class PhaseRun(Schema):
    """One step of a solve, in order: construction, coverage, quality, neighbourhood search."""

    name: str
    seconds: float
    outcome: str  # in words: what the step achieved


class SolveStats(Schema):
    wall_seconds: float = 0.0
    build_seconds: float = 0.0
    first_solution_seconds: float | None = None
    best_solution_seconds: float | None = None  # when the reported roster was found
    candidate_pairs: int = 0
    variables: int = 0
    constraints: int = 0
    coverage_proven: bool = False
    model_objective: int | None = None  # CP-SAT's own value; equals ``Solution.objective`` when optimal
    phases: list[PhaseRun] = Field(default_factory=list)
    quality_start: int | None = None  # model objective of the roster the quality phase started from
    quality_improved: bool | None = None  # whether the quality phase (CP-SAT or neighbourhoods) improved it


class Solution(Schema):
    problem_name: str = ""
    status: SolveStatus
    message: str = ""
    objective: int | None = None
    best_bound: float | None = None
    terms: dict[str, Term] = Field(default_factory=dict)
    fairness: list[Spread] = Field(
        default_factory=list, description="Spread of hours, nights and weekends per worker kind and place"
    )
    assignments: list[PlannedAssignment] = Field(default_factory=list)
    unfilled: list[Unfilled] = Field(default_factory=list)
    kept_conflicts: list[KeptConflict] = Field(default_factory=list)
    set_aside: list[str] = Field(
        default_factory=list, description="Workers with such assignments: they got no new work in this solve"
    )
    stats: SolveStats = Field(default_factory=SolveStats)
