"""Benchmark: the solver at the sizes municipalities have, from 300 to 5,000 workers and a yearly rota.

Each case is a generated pool (``models.generator``, sites and farms growing with the pool) solved by the
product's own ``solver.solve.solve`` in a fresh process, so its peak memory is its own. Recorded per
case: model build, the first roster, coverage, the objective over time, CP-SAT's bound and the linear
relaxation's (``solver.relaxation``, solved after the timed search, where CP-SAT's is weak), the gap
to the better of them, peak memory, and which phases ran.

Run: ``make bench-scale`` or ``.venv/bin/python -m benchmarks.scale [--cases 2000x28 300x364] [--time-limit S]``.
Writes ``benchmarks/results/scale.csv``, ``scale_progress.csv`` and ``scale.png``.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from benchmarks.machine import describe, machine

RESULTS = Path(__file__).parent / "results"


@dataclass(frozen=True)
class Case:
    workers: int
    days: int
    time_limit: float
    seed: int = 7

    @property
    def name(self) -> str:
        return f"{self.workers}x{self.days}"


CASES = {
    c.name: c
    for c in (
        Case(300, 28, 120),
        Case(1000, 28, 120),
        Case(2000, 28, 120),
        Case(5000, 28, 300),
        Case(300, 364, 300, seed=3),
    )
}


def run_one(case: Case, workers: int, relaxation_seconds: float) -> dict:
    """Solve one case in this process; the row and the objective over time."""
    from models.generator import GeneratorConfig, generate
    from models.work_items import work_items
    from solver.relaxation import relaxation_bound
    from solver.solve import Progress, SolveOptions, solve
    from solver.validator import validate_solution

    problem = generate(GeneratorConfig(seed=case.seed, workers=case.workers, days=case.days))
    places = sum(it.headcount for it in work_items(problem))
    trace: list[dict] = []

    def progress(e: Progress) -> None:
        if math.isfinite(e.objective):
            trace.append({"seconds": round(e.seconds, 2), "phase": e.phase, "objective": round(e.objective)})

    began = time.perf_counter()
    sol = solve(problem, SolveOptions(time_limit=case.time_limit, workers=workers, seed=0), progress)
    wall = time.perf_counter() - began
    solve_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lp = relaxation_bound(problem, relaxation_seconds) if relaxation_seconds > 0 else None
    open_places = sum(u.missing for u in sol.unfilled)
    bounds = [b for b in (sol.best_bound, lp) if b is not None and math.isfinite(b) and b > 0]
    bound = max(bounds) if bounds else None  # a bound of 0 or less says nothing of a positive objective
    gap = (sol.objective - bound) / abs(sol.objective) if sol.objective and bound is not None else None
    row = {
        "case": case.name,
        "workers": case.workers,
        "days": case.days,
        "seed": case.seed,
        "time_limit_s": case.time_limit,
        "search_workers": workers,
        "sites": len(problem.sites),
        "farms": len(problem.farms),
        "places": places,
        "pairs": sol.stats.candidate_pairs,
        "variables": sol.stats.variables,
        "status": sol.status.value,
        "wall_s": round(wall, 1),
        "build_s": sol.stats.build_seconds,
        "first_roster_s": sol.stats.first_solution_seconds,
        "best_at_s": sol.stats.best_solution_seconds,
        "filled_pct": round(100 * (places - open_places) / max(1, places), 2) if sol.objective is not None else None,
        "objective": sol.objective,
        "quality_start": sol.stats.quality_start,
        "quality_improved": sol.stats.quality_improved,
        "cp_sat_bound": None if sol.best_bound is None else round(sol.best_bound),
        "lp_bound": lp,
        "gap_pct": None if gap is None else round(100 * gap, 2),
        "peak_mb": round(solve_rss),
        "phases": "; ".join(f"{p.name} {p.seconds:.1f} s: {p.outcome}" for p in sol.stats.phases),
        "violations": len(validate_solution(problem, sol)) if sol.objective is not None else None,
        **machine(),
    }
    return {"row": row, "trace": trace}


def chart(frame: pd.DataFrame, trace: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    for case, part in trace[trace["phase"] != "coverage"].groupby("case", sort=False):
        final = frame[frame["case"] == case].iloc[0]["objective"]  # phase 1's own objective is coverage only
        left.step(part["seconds"], (part["objective"] / final - 1) * 100, where="post", label=case)
    left.set_xlabel("seconds")
    left.set_ylabel("objective above the final roster's, %")
    left.set_yscale("symlog", linthresh=0.1)
    left.set_title("The whole objective over time (construction, quality phase, neighbourhood search)")
    left.legend()
    x = range(len(frame))
    right.bar([k - 0.2 for k in x], frame["build_s"], width=0.4, label="model build, s")
    right.bar([k + 0.2 for k in x], frame["first_roster_s"].fillna(0), width=0.4, label="first roster, s")
    for k, mb in zip(x, frame["peak_mb"], strict=True):
        right.annotate(f"{mb:,.0f} MB", (k, 0), textcoords="offset points", xytext=(0, -24), ha="center", fontsize=8)
    right.set_xticks(list(x), frame["case"])
    right.set_title("Build, first roster and peak memory")
    right.legend()
    fig.suptitle(f"Bemanna at scale ({describe()})", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    ap.add_argument("--time-limit", type=float, help="seconds per case instead of each case's own")
    ap.add_argument("--workers", type=int, default=2, help="CP-SAT search workers")
    ap.add_argument("--relaxation-seconds", type=float, default=60.0, help="GLOP's limit for the LP bound (0: skip)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--one", help=argparse.SUPPRESS)  # a child process: solve this case, print JSON
    args = ap.parse_args()
    if args.one:
        case = json.loads(args.one)
        print(json.dumps(run_one(Case(**case), args.workers, args.relaxation_seconds)))
        return
    print(f"On {describe()}", flush=True)
    rows, traces = [], []
    for name in args.cases:
        case = CASES[name]
        if args.time_limit:
            case = Case(case.workers, case.days, args.time_limit, case.seed)
        spec = json.dumps(
            {"workers": case.workers, "days": case.days, "time_limit": case.time_limit, "seed": case.seed}
        )
        cmd = [sys.executable, "-m", "benchmarks.scale", "--one", spec, "--workers", str(args.workers)]
        cmd += ["--relaxation-seconds", str(args.relaxation_seconds)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{name}: failed\n{done.stderr[-2000:]}", flush=True)
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        row = result["row"]
        rows.append(row)
        traces += [{"case": name, **t} for t in result["trace"]]
        print(
            f"{name}: {row['status']}, build {row['build_s']} s, first roster {row['first_roster_s']} s, filled"
            f" {row['filled_pct']} %, objective {row['objective']}, gap {row['gap_pct']} %, {row['peak_mb']} MB;"
            f" {row['phases']}",
            flush=True,
        )
    if not rows:
        sys.exit("no case finished")
    args.out.mkdir(parents=True, exist_ok=True)
    frame, trace = pd.DataFrame(rows), pd.DataFrame(traces)
    frame.to_csv(args.out / "scale.csv", index=False)
    trace.to_csv(args.out / "scale_progress.csv", index=False)
    if not trace.empty:
        chart(frame, trace, args.out / "scale.png")
    print(f"Wrote {args.out / 'scale.csv'}, {args.out / 'scale_progress.csv'} and {args.out / 'scale.png'}")


if __name__ == "__main__":
    main()
