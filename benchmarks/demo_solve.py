"""Benchmark: the demo's two-week instance (300 workers), solved as ``bemanna demo`` solves it.

Run: ``.venv/bin/python -m benchmarks.demo_solve [--time-limits 30 60] [--seeds 1 2 3] [--profiles no-aml se-atl]``.
Writes ``benchmarks/results/demo_solve.csv``; the table in ``benchmarks/README.md`` comes from it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from benchmarks.machine import describe, machine
from models.generator import GeneratorConfig, generate
from models.law import DEFAULT_PROFILE, PROFILES, Law
from models.work_items import work_items
from solver.solve import Progress, SolveOptions, solve
from solver.validator import validate_solution

OUT = Path(__file__).parent / "results" / "demo_solve.csv"


def run(seed: int, time_limit: float, workers: int, profile: str = DEFAULT_PROFILE) -> dict:
    problem = generate(GeneratorConfig(seed=seed))
    problem.settings.law = Law.model_validate({"profile": profile})
    places = sum(it.headcount for it in work_items(problem))
    coverage_done: list[float] = []

    def progress(e: Progress) -> None:
        if e.phase == "quality" and not coverage_done:
            coverage_done.append(e.seconds)

    sol = solve(problem, SolveOptions(time_limit=time_limit, workers=workers, seed=0), progress)
    open_places = sum(u.missing for u in sol.unfilled)
    gap = (sol.objective - sol.best_bound) / sol.objective if sol.objective and sol.best_bound else None
    return {
        "seed": seed,
        "profile": profile,
        "time_limit_s": time_limit,
        "workers": workers,
        "status": sol.status.value,
        "wall_s": sol.stats.wall_seconds,
        "build_s": sol.stats.build_seconds,
        "first_solution_s": sol.stats.first_solution_seconds,
        "coverage_phase_done_s": round(coverage_done[0], 2) if coverage_done else None,
        "coverage_proven": sol.stats.coverage_proven,
        "places": places,
        "filled_pct": round(100 * (places - open_places) / places, 1),
        "critical_open": sol.terms["unfilled_critical"].raw,
        "objective": sol.objective,
        "bound": round(sol.best_bound) if sol.best_bound is not None else None,
        "gap_pct": round(100 * gap, 2) if gap is not None else None,
        "pairs": sol.stats.candidate_pairs,
        "variables": sol.stats.variables,
        "violations": len(validate_solution(problem, sol)),
        **machine(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--time-limits", type=float, nargs="+", default=[30.0, 60.0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2])  # the seeds benchmarks/README.md publishes
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--profiles", nargs="+", choices=list(PROFILES), default=["no-aml", "se-atl"])
    args = ap.parse_args()
    rows = []
    for profile in args.profiles:
        for seed in args.seeds:
            for limit in args.time_limits:
                print(f"{profile}, seed {seed}, {limit:g} s ...", flush=True)
                rows.append(run(seed, limit, args.workers, profile))
                print("  ", rows[-1], flush=True)
    df = pd.DataFrame(rows)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(OUT, index=False)
    print(f"\n{describe()}")
    print(df.to_string(index=False))
    print(f"Wrote {OUT}")


if __name__ == "__main__":
    main()
