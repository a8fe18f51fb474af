"""Terminal output: rich tables from the pandas reports, and a live progress line while solving."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from models.problem import Problem
from models.solution import Solution
from models.work_items import work_items
from reports import tables
from solver.solve import Progress as SolveProgress

T = TypeVar("T")
err = Console(stderr=True)
_PRIORITY_STYLE = {"critical": "bold red", "normal": "yellow", "low": "dim"}
_PHASE_WORDS = {"construction": "first roster", "coverage": "filling places", "quality": "improving quality"}


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on stderr; raise the returned exit (code 2: bad input)."""
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _worth(solution: Solution) -> str:
    """The message's part about the bound: what the proven bound says of this roster."""
    parts = [p for p in solution.message.split("; ") if "bound" in p or "proven optimal" in p]
    return parts[0].capitalize() if parts else ""


def frame_table(df: pd.DataFrame, title: str, max_rows: int = 25) -> Table:
    table = Table(title=title, title_justify="left")
    for col in df.columns:
        numeric = pd.api.types.is_numeric_dtype(df[col])
        table.add_column(col.replace("_", " "), justify="right" if numeric else "left")
    for row in df.head(max_rows).itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    if len(df) > max_rows:
        table.caption = f"... and {len(df) - max_rows} more"
    return table


def _cell(v: object) -> str:
    if isinstance(v, float):
        return f"{v:g}" if v == int(v) else f"{v:.1f}"
    if isinstance(v, pd.Timestamp):
        return v.strftime("%a %d %b %H:%M")
    return str(v)


def with_progress(console: Console, time_limit: float, run: Callable[[Callable[[SolveProgress], None]], T]) -> T:
    """Run ``run(progress_fn)`` in a thread while a bar shows elapsed time, phase, best and bound."""
    latest: list[SolveProgress] = []
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(run(latest.append))
        except BaseException as e:  # re-raised in the caller's thread
            error.append(e)

    thread = threading.Thread(target=target, daemon=True)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=not console.is_terminal) as bar:
        task = bar.add_task("building model", total=time_limit)
        start = time.perf_counter()
        thread.start()
        while thread.is_alive():
            thread.join(0.2)
            desc = "building model"
            if latest:
                e = latest[-1]
                goal = _PHASE_WORDS.get(e.phase, e.phase)
                bound = f", bound {e.bound:,.0f}" if math.isfinite(e.bound) else ""
                desc = f"{goal}: best {e.objective:,.0f}{bound}"
            bar.update(task, completed=min(time_limit, time.perf_counter() - start), description=desc)
        bar.update(task, completed=time_limit, description="done")
    if error:
        raise error[0]
    return result[0]


def summary(console: Console, problem: Problem, solution: Solution, solution_file: str = "solution.json") -> None:
    places = sum(it.headcount for it in work_items(problem))
    if solution.objective is None:  # no roster: say what ran and stop there
        console.print(
            f"\n[bold]{escape(problem.name)}[/bold]\nStatus [bold]{solution.status.value}[/bold] in"
            f" {solution.stats.wall_seconds:.1f} s: no roster for the {places} places.\n{escape(solution.message)}",
            highlight=False,
        )
        return
    open_places = sum(u.missing for u in solution.unfilled)
    console.print(
        f"\n[bold]{escape(problem.name)}[/bold]\n"
        f"Status [bold]{solution.status.value}[/bold] in {solution.stats.wall_seconds:.1f} s: "
        f"{len(solution.assignments)} assignments, {places - open_places} of {places} places filled"
        f" ({100 * (places - open_places) / max(1, places):.1f} %), objective {solution.objective:,}",
        highlight=False,
    )
    for phase in solution.stats.phases:
        console.print(f" • {phase.name}: {phase.seconds:.1f} s, {escape(phase.outcome)}", highlight=False)
    console.print(f"[dim]{escape(_worth(solution))}[/dim]", highlight=False)
    if solution.stats.quality_improved is False:
        console.print(
            "[yellow]warning:[/yellow] the quality goals (preferences, fairness, travel, cost) were not improved"
            " in the time given; raise --time-limit to improve them",
            highlight=False,
        )
    if solution.kept_conflicts:
        console.print(
            f"[bold yellow]Needs a person's decision:[/bold yellow] kept work that breaks a rule, left as it is;"
            f" {', '.join(solution.set_aside)} got no new work",
            highlight=False,
        )
        for c in solution.kept_conflicts:
            console.print(f" • {escape(f'[{c.rule}] {c.message}')}", highlight=False)
    terms = pd.DataFrame(
        [
            {"goal": k, "raw": t.raw, "weight": t.weight, "weighted": t.weighted, "unit": t.unit}
            for k, t in solution.terms.items()
        ]
    )
    console.print(frame_table(tables.coverage(problem, solution, by=("region",)), "Coverage by region"))
    console.print(frame_table(tables.coverage(problem, solution, by=("role",)), "Coverage by role (required skills)"))
    console.print(frame_table(tables.hours_by_kind(problem, solution), "Hours per worker kind"))
    spread = tables.fairness(problem, solution)
    by_kind = spread[spread["group"] == "worker kind"].drop(columns="group")
    by_kind = by_kind.assign(gini=by_kind["gini"].map("{:.2f}".format))
    console.print(
        frame_table(
            by_kind,
            "Fairness among those working (Gini 0 = shared evenly; the solver evens out hours: the fairness term)",
        )
    )
    console.print(frame_table(terms, "Score, term by term (lower is better)"))
    gaps = tables.unfilled(problem, solution)
    if gaps.empty:
        console.print("[green]Every place is filled.[/green]")
    else:
        console.print(f"[bold]Unfilled: {open_places} places, and why[/bold] (most urgent first)")
        for row in gaps.head(12).itertuples():
            style = _PRIORITY_STYLE[row.priority]
            console.print(f" • [{style}]{row.priority}[/] {escape(row.reason)}", highlight=False)
        if len(gaps) > 12:
            console.print(f"   ... and {len(gaps) - 12} more items; every reason is in {solution_file}")
