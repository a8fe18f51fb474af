"""``bemanna bench curtois``: solve the instances present, re-score each roster with the evaluator,
and record the table, a CSV, a chart and every roster under ``benchmarks/results``."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from benchmarks.curtois.evaluate import evaluate, write_roster
from benchmarks.curtois.instance import instance_files, read
from benchmarks.curtois.mapping import roster_of, to_problem
from benchmarks.machine import machine
from models.solution import SolveStatus
from solver.relaxation import relaxation_bound
from solver.solve import ProgressFn, SolveOptions, solve

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
LP_SECONDS = 60.0  # at least this long for the relaxation's bound (Curtois 12: 13 s on a 2-core Xeon)


def default_data_dir() -> Path:
    """``$BEMANNA_CURTOIS_DIR``, else ``../shared/benchmarks/curtois`` next to the checkout."""
    return Path(os.environ.get("BEMANNA_CURTOIS_DIR") or ROOT.parent / "shared" / "benchmarks" / "curtois")


def parse_numbers(spec: str) -> list[int]:
    """``"1-6,9,12-16"`` -> [1, ..., 6, 9, 12, ..., 16]."""
    numbers: set[int] = set()
    for part in filter(None, (p.strip() for p in spec.split(","))):
        m = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", part)
        if not m:
            raise ValueError(f"{part!r} is not a number or a range like 1-24")
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        if hi < lo:
            raise ValueError(f"range {part!r} runs backwards")
        numbers.update(range(lo, hi + 1))
    if not numbers:
        raise ValueError("no instance numbers given")
    return sorted(numbers)


def published(data_dir: Path) -> dict[int, dict[str, int | None]]:
    """``best_known.csv`` by instance number; empty cells are ``None``."""
    path = data_dir / "best_known.csv"
    if not path.exists():
        return {}
    out: dict[int, dict[str, int | None]] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[int(row["instance"])] = {k: int(v) if v.strip().isdigit() else None for k, v in row.items()}
    return out


@dataclass
class Result:
    instance: int
    staff: int
    days: int
    shift_types: int
    objective: int | None  # re-computed by the evaluator
    best_known: int | None
    ratio: float | None
    best_bound: float | None  # CP-SAT's, at the end of the timed search
    lp_bound: int | None  # the linear relaxation's (solver.relaxation), solved after the timed search
    first_feasible_s: float | None
    time_to_best_s: float | None
    status: str
    feasible: bool  # the evaluator found no hard-rule violation
    build_s: float
    wall_s: float
    gurobi_10min: int | None
    ejection_chain_10min: int | None
    violations: str = ""
    time_limit_s: float = 0.0
    workers: int = 0
    seed: int = 0
    machine: str = ""
    python: str = ""
    ortools: str = ""


def run_instance(
    number: int,
    path: Path,
    options: SolveOptions,
    known: dict[str, int | None],
    out_dir: Path,
    progress: ProgressFn | None = None,
) -> Result:
    inst = read(path)
    mapped = to_problem(inst)
    solution = solve(mapped.problem, options, progress)
    roster = roster_of(mapped, solution)
    ev = evaluate(inst, roster)
    write_roster(out_dir / "curtois" / f"Instance{number}.roster.csv", roster)
    found = solution.status in (SolveStatus.optimal, SolveStatus.feasible)
    best = known.get("best_seen_60min")
    objective = ev.objective if found else None
    return Result(
        instance=number,
        staff=len(inst.staff),
        days=inst.days,
        shift_types=len(inst.shifts),
        objective=objective,
        best_known=best,
        ratio=None if objective is None or not best else round(objective / best, 4),
        best_bound=None if solution.best_bound is None else round(solution.best_bound, 1),
        lp_bound=relaxation_bound(mapped.problem, max(LP_SECONDS, options.time_limit)),
        first_feasible_s=solution.stats.first_solution_seconds,
        time_to_best_s=solution.stats.best_solution_seconds,
        status=solution.status.value,
        feasible=found and ev.feasible,
        build_s=solution.stats.build_seconds,
        wall_s=solution.stats.wall_seconds,
        gurobi_10min=known.get("gurobi_10min"),
        ejection_chain_10min=known.get("ejection_chain_10min"),
        violations="; ".join(ev.violations[:5]),
        time_limit_s=options.time_limit,
        workers=options.workers,
        seed=options.seed,
        **machine(),
    )


def run(
    numbers: list[int],
    data_dir: Path,
    out_dir: Path,
    options: SolveOptions,
    solving: Callable[[int, Callable[[ProgressFn | None], Result]], Result] | None = None,
) -> pd.DataFrame:
    """Run the requested instances that are present; ``solving`` wraps each solve (progress display)."""
    files = instance_files(data_dir)
    known = published(data_dir)
    results = []
    for n in numbers:
        if n not in files:
            continue

        def one(progress: ProgressFn | None, n: int = n) -> Result:
            return run_instance(n, files[n], options, known.get(n, {}), out_dir, progress)

        results.append(solving(n, one) if solving else one(None))
    frame = pd.DataFrame([asdict(r) for r in results], columns=list(Result.__dataclass_fields__))
    if results:
        out_dir.mkdir(parents=True, exist_ok=True)
        frame.to_csv(out_dir / "curtois.csv", index=False)
        chart(frame, out_dir / "curtois.png", options)
    return frame


def chart(frame: pd.DataFrame, path: Path, options: SolveOptions) -> None:
    """Bar chart of our objective over the best known per instance, with Gurobi's 10-minute result."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4), dpi=120)
    labels = [str(n) for n in frame["instance"]]
    ratios = frame["ratio"].astype(float).fillna(0.0)
    ax.bar(labels, ratios, color="#2b6cb0", label=f"Bemanna ({options.time_limit:g} s, {options.workers} workers)")
    gurobi = frame["gurobi_10min"].astype(float) / frame["best_known"].astype(float)
    ax.plot(labels, gurobi, "o", color="#c05621", label="Gurobi, 10 min (published)")
    ax.axhline(1.0, color="black", linewidth=0.8)
    top = max(1.1, min(2.0, float(pd.concat([ratios, gurobi]).max(skipna=True)) * 1.05))
    ax.set_ylim(0.9, top)
    ax.set_xlabel("Curtois & Qu instance")
    ax.set_ylabel("objective / best known (lower is better)")
    ax.set_title("Shift scheduling benchmark: Bemanna's solver against the best known")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
