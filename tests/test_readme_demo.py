"""The README's demo figures come from a run (issue 34, defect 8: they were typed in and went stale):
``cli.readme_demo`` takes them from the summary ``bemanna demo`` prints, and the README holds what it
wrote, in the shape that summary has today."""

from __future__ import annotations

import datetime as dt
import io
import re

from rich.console import Console

from cli.readme_demo import BLOCK, README, block, excerpt
from cli.render import summary
from models.generator import GeneratorConfig, generate
from solver.solve import SolveOptions, solve

SHAPE = re.compile(r"\d[\d,.]*|(?<=^Status )\w+")  # the figures, and the status word (optimal, feasible)


def _small_run() -> tuple:  # type: ignore[type-arg]
    problem = generate(GeneratorConfig(seed=2, days=2, workers=12, sites=2, farms=1, areas=1))
    return problem, solve(problem, SolveOptions(time_limit=5, workers=1, seed=1))


def test_the_excerpt_is_the_summarys_head_and_its_first_open_place() -> None:
    problem, solution = _small_run()
    console = Console(record=True, width=104, color_system=None, file=io.StringIO())
    summary(console, problem, solution)
    printed = "\n".join(line.rstrip() for line in console.export_text().splitlines())
    head, gap = excerpt(printed)
    assert head[0].startswith("Status ") and head[0] in printed
    assert all(line.startswith(" • ") for line in head[1:-1]) and len(head) >= 3
    if "Unfilled: " in printed:
        assert gap[0].startswith(" • ") and gap[0] in printed
    text = block(problem, solution, dt.date(2026, 12, 8), "a test machine")
    assert text.startswith("From a run on 8 December 2026 (a test machine;") and f"```\n{head[0]}\n" in text


def test_the_readme_holds_a_run_in_the_summarys_shape() -> None:
    problem, solution = _small_run()
    console = Console(record=True, width=104, color_system=None, file=io.StringIO())
    summary(console, problem, solution)
    head, _ = excerpt(console.export_text())
    found = BLOCK.search(README.read_text(encoding="utf-8"))
    assert found is not None, "README.md lost its demo-output markers"
    written = found.group(0)
    assert "From a run on" in written, "the demo's figures were not written by make readme-demo"
    status = next(line for line in written.splitlines() if line.startswith("Status "))
    assert SHAPE.sub("N", status) == SHAPE.sub("N", head[0]), "the summary's status line changed: make readme-demo"
