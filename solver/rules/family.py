"""A family of hard rules: its model form and its independent check, side by side but apart in code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from solver.variables import Build
    from solver.violations import Placement, Roster, Schedule, Violation


@dataclass(frozen=True)
class Family:
    """``model`` adds the family's constraints (None: the rules are kept by pruning candidate pairs in
    ``solver.instance.build_instance``, so a pair that breaks them never gets a variable). The checks
    re-derive the rules from the problem alone: over a whole roster, one assignment, or one worker's
    schedule. Which rules a family holds is the catalogue's ``Rule.family``."""

    model: Callable[[Build], None] | None = None
    check_roster: Callable[[Roster], list[Violation]] | None = None
    check_placement: Callable[[Placement], list[Violation]] | None = None
    check_schedule: Callable[[Schedule], list[Violation]] | None = None
    reads_days: bool = False  # the model form reads ``Vars.works``, linked before it is built
