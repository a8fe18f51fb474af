"""``bemanna bench``: public benchmarks solved by the product's own solver."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from benchmarks.curtois import run as curtois
from benchmarks.curtois.evaluate import evaluate, read_roster
from benchmarks.curtois.instance import InstanceFormatError, instance_files, read
from benchmarks.machine import describe
from cli.render import fail, with_progress
from solver.solve import SolveOptions

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console()

DataDir = Annotated[
    Path | None,
    typer.Option("--data", help="Folder with InstanceN.txt and best_known.csv [default: ../shared/benchmarks/curtois]"),
]


TABLE_CAPTION = (
    "ours: objective re-computed by the evaluator; best: best known; bound: CP-SAT's lower bound;"
    " LP: the linear relaxation's bound, solved after the timed search;"
    " 1st s / best s: seconds to the first and to the reported roster"
)


def _num(v: object, digits: int = 0) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def results_table(frame: pd.DataFrame, title: str) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, caption=TABLE_CAPTION)
    heads = ["inst", "staff", "days", "types", "ours", "best", "ratio", "bound", "LP", "1st s", "best s", "status"]
    for h in heads:
        table.add_column(h, justify="left" if h == "status" else "right", no_wrap=True)
    for r in frame.itertuples(index=False):
        ratio = "–" if pd.isna(r.ratio) else f"{r.ratio:.4f}"
        status = r.status if r.feasible else f"[red]{r.status}, INVALID[/red]"
        table.add_row(
            f"{r.instance}",
            _num(r.staff),
            _num(r.days),
            _num(r.shift_types),
            _num(r.objective),
            _num(r.best_known),
            ratio,
            _num(r.best_bound),
            _num(r.lp_bound),
            _num(r.first_feasible_s, 2),
            _num(r.time_to_best_s, 1),
            status,
        )
    return table


@app.command("curtois")
def curtois_cmd(
    instances: Annotated[str, typer.Option("--instances", help="Numbers and ranges, e.g. 1-24 or 1-6,9")] = "1-24",
    time_limit: Annotated[float, typer.Option("--time-limit", min=0.1, help="Seconds per instance")] = 60.0,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="CP-SAT search workers")] = 2,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    data: DataDir = None,
    out: Annotated[Path, typer.Option("--out", help="Results folder")] = curtois.RESULTS,
) -> None:
    """Solve the Curtois & Qu instances present with Bemanna's solver; table, CSV, chart and rosters."""
    try:
        numbers = curtois.parse_numbers(instances)
    except ValueError as e:
        raise fail(f"--instances: {e}") from None
    data_dir = data or curtois.default_data_dir()
    present = instance_files(data_dir) if data_dir.is_dir() else {}
    chosen = [n for n in numbers if n in present]
    if not chosen:
        raise fail(f"none of instances {instances} is in {data_dir}")
    missing = [n for n in numbers if n not in present]
    console.print(
        f"Running {len(chosen)} instance(s) from {data_dir}: {', '.join(map(str, chosen))}"
        f" ({time_limit:g} s each, {workers} search worker(s), seed {seed})"
        + (f"; not present: {_ranges(missing)}" if missing else "")
    )
    console.print(f"On {describe()}", highlight=False)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)

    def solving(n: int, one):  # type: ignore[no-untyped-def]
        result = with_progress(console, time_limit, one)
        mark = "[green]✓[/green]" if result.feasible else "[red]✗ invalid[/red]"
        ratio = "" if result.ratio is None else f", ratio {result.ratio:.4f}"
        console.print(
            f"{mark} Instance{n}: objective {_num(result.objective)} (best known {_num(result.best_known)}{ratio}),"
            f" {result.status} in {result.wall_s:.1f} s"
        )
        return result

    try:
        frame = curtois.run(chosen, data_dir, out, options, solving)
    except InstanceFormatError as e:
        raise fail(str(e)) from None
    wide = Console(width=max(100, console.width))  # a readable table beats an 80-column default in logs
    wide.print(results_table(frame, "Curtois & Qu benchmark"))
    console.print(f"Wrote {out / 'curtois.csv'}, {out / 'curtois.png'} and rosters in {out / 'curtois'}/")
    if not frame["feasible"].all():
        raise fail("a roster breaks a hard rule of the benchmark (see the violations column of the CSV)", 1)


@app.command("curtois-check")
def curtois_check_cmd(
    instance_file: Annotated[Path, typer.Argument(help="InstanceN.txt")],
    roster_file: Annotated[Path, typer.Argument(help="CSV employee,day,shift (as written by bench curtois)")],
) -> None:
    """Re-score a roster and check every hard rule, from the instance file alone."""
    try:
        ev = evaluate(read(instance_file), read_roster(roster_file))
    except InstanceFormatError as e:
        raise fail(str(e)) from None
    console.print(
        f"objective {ev.objective:,} = shift-on requests {ev.on_requests:,} + shift-off requests {ev.off_requests:,}"
        f" + under-cover {ev.under_cover:,} + over-cover {ev.over_cover:,}"
    )
    for v in ev.violations:
        console.print(f"[red]✗[/red] {escape(v)}", highlight=False)
    if ev.violations:
        raise fail(f"{len(ev.violations)} hard-rule violation(s)", 1)
    console.print("[green]✓[/green] every hard rule holds")


def _ranges(numbers: list[int]) -> str:
    parts: list[str] = []
    for n in numbers:
        if parts and parts[-1].split("-")[-1] == str(n - 1):
            parts[-1] = f"{parts[-1].split('-')[0]}-{n}"
        else:
            parts.append(str(n))
    return ", ".join(parts)
