"""``bemanna``: generate, solve, validate, load and demo from the command line.

Exit codes: 0 success, 1 the roster breaks a hard rule (``validate``) or no roster was found,
2 bad input (unreadable file, invalid problem, unknown organisation).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from cli.admin import DEMO_DB, demo_accounts, org_app, serve, user_app
from cli.bench import app as bench_app
from cli.render import fail, summary, with_progress
from models.generator import DEFAULT_START, GeneratorConfig, generate
from models.io import InputError, read_problem, read_solution, write_json
from models.law import DEFAULT_PROFILE, PROFILES, Law
from models.problem import Problem
from models.solution import Solution, SolveStatus
from models.store import StoreError, init_db, load_problem, make_engine, save_problem, save_solution
from solver.solve import KeptAssignmentsInfeasible, SolveOptions, solve
from solver.validator import RULES, validate_solution

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__, pretty_exceptions_enable=False)
app.add_typer(bench_app, name="bench")
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")
app.command("serve")(serve)
console = Console()


TimeLimit = Annotated[float, typer.Option("--time-limit", min=0.1, help="Seconds for the whole search")]
Workers = Annotated[int, typer.Option("--workers", min=1, max=64, help="CP-SAT search workers")]
Seed = Annotated[int, typer.Option("--seed", help="Random seed (deterministic with --workers 1)")]


def _solve(problem: Problem, time_limit: float, workers: int, seed: int) -> Solution:
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    try:
        return with_progress(console, time_limit, lambda progress: solve(problem, options, progress))
    except KeptAssignmentsInfeasible as e:
        raise fail(str(e)) from None


@app.command("generate")
def generate_cmd(
    out: Annotated[Path, typer.Option("--out", help="Where to write problem.json")] = Path("problem.json"),
    seed: Seed = 1,
    start: Annotated[str, typer.Option(help="First day (a Monday is usual), YYYY-MM-DD")] = DEFAULT_START.isoformat(),
    days: Annotated[int, typer.Option(min=1, max=366)] = 14,
    workers: Annotated[int, typer.Option("--pool-size", min=1, max=100_000, help="Workers in the pool")] = 300,
    sites: Annotated[
        int | None, typer.Option("--sites", min=1, max=10_000, help="Health sites [default: 10 per area]")
    ] = None,
    farms: Annotated[
        int | None, typer.Option("--farms", min=0, max=10_000, help="Farms [default: 15 per area]")
    ] = None,
    areas: Annotated[
        int | None,
        typer.Option("--areas", min=1, max=1_000, help="Areas of 4 regions, ~50 km apart [default: 1 per 300 workers]"),
    ] = None,
) -> None:
    """Write a seeded, realistic problem for a Norwegian municipality."""
    try:
        first = dt.date.fromisoformat(start)
    except ValueError:
        raise fail(f"--start {start!r} is not a date like 2027-06-14") from None
    problem = generate(
        GeneratorConfig(seed=seed, start=first, days=days, workers=workers, sites=sites, farms=farms, areas=areas)
    )
    write_json(problem, out)
    console.print(
        f"Wrote {out}: {len(problem.workers)} workers, {len(problem.sites)} health sites, {len(problem.farms)} farms,"
        f" {len(problem.shifts)} shifts, {len(problem.jobs)} farm jobs"
    )


@app.command("solve")
def solve_cmd(
    problem_file: Annotated[Path, typer.Argument(help="problem.json")],
    out: Annotated[Path, typer.Option("--out", help="Where to write solution.json")] = Path("solution.json"),
    time_limit: TimeLimit = 30.0,
    workers: Workers = 2,
    seed: Seed = 0,
    quiet: Annotated[bool, typer.Option("--quiet", help="Only write the file")] = False,
) -> None:
    """Solve a problem file and write the roster, with reasons for every open place."""
    try:
        problem = read_problem(problem_file)
    except InputError as e:
        raise fail(str(e)) from None
    solution = _solve(problem, time_limit, workers, seed)
    write_json(solution, out)
    if not quiet:
        summary(console, problem, solution, str(out))
    console.print(f"Wrote {out}")
    if solution.status == SolveStatus.unknown:
        raise fail(solution.message, 1)


@app.command("validate")
def validate_cmd(
    problem_file: Annotated[Path, typer.Argument(help="problem.json")],
    solution_file: Annotated[Path, typer.Argument(help="solution.json")],
) -> None:
    """Re-check every hard rule of a roster, independently of the solver. Exit 0 only if none is broken."""
    try:
        problem = read_problem(problem_file)
        solution = read_solution(solution_file)
    except InputError as e:
        raise fail(str(e)) from None
    violations = validate_solution(problem, solution)
    if violations:
        for v in violations:
            console.print(f"[red]✗[/red] {escape(str(v))}", highlight=False, soft_wrap=True)
        by_rule: dict[str, int] = {}
        for v in violations:
            by_rule[v.rule] = by_rule.get(v.rule, 0) + 1
        listing = ", ".join(f"{k} ({n})" for k, n in by_rule.items())
        raise fail(f"{len(violations)} violation(s): {listing}", 1)
    console.print(f"[green]✓[/green] {len(solution.assignments)} assignments pass all {len(RULES)} hard rules")


@app.command("load")
def load_cmd(
    problem_file: Annotated[Path, typer.Argument(help="problem.json")],
    org: Annotated[str, typer.Option("--org", help="Organisation ref to store it under")],
    db: Annotated[str | None, typer.Option("--db", help="Database URL (default: $DATABASE_URL or SQLite file)")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace an organisation with this ref")] = False,
) -> None:
    """Store a problem file in the database, all or nothing."""
    try:
        problem = read_problem(problem_file)
        engine = make_engine(db)
        init_db(engine)
        with Session(engine) as session:
            save_problem(session, problem, org, replace=replace)
            session.commit()
    except (InputError, StoreError) as e:
        raise fail(str(e)) from None
    except SQLAlchemyError as e:
        raise fail(f"database error, nothing was stored: {e.__class__.__name__}: {e.orig or e}") from None
    console.print(f"Stored {problem.name!r} as organisation {org!r}")


@app.command("demo")
def demo_cmd(
    db: Annotated[str, typer.Option("--db", help="Database URL")] = DEMO_DB,
    seed: Seed = 1,
    time_limit: TimeLimit = 30.0,
    workers: Workers = 2,
    profile: Annotated[
        str, typer.Option("--profile", help="Working-time law: no-aml (Norway), se-atl (Sweden) or custom")
    ] = DEFAULT_PROFILE,
) -> None:
    """Generate a municipality's pool into the embedded SQLite file, solve it, store and summarise the roster."""
    if profile not in PROFILES:
        raise fail(f"--profile: {profile!r} is not one of {', '.join(PROFILES)}", 2)
    problem = generate(GeneratorConfig(seed=seed))
    problem.settings.law = Law.model_validate({"profile": profile})
    engine = make_engine(db)
    init_db(engine)
    with Session(engine) as session:
        save_problem(session, problem, "demo", replace=True)
        session.commit()
    console.print(
        f"Pool stored in {engine.url.render_as_string(hide_password=True)}: {len(problem.workers)} workers, "
        f"{len(problem.sites)} health sites, {len(problem.farms)} farms, {len(problem.shifts)} shifts, "
        f"{len(problem.jobs)} farm jobs"
    )
    with Session(engine) as session:
        snapshot = load_problem(session, "demo")
    solution = _solve(snapshot, time_limit, workers, seed)
    violations = validate_solution(snapshot, solution)
    with Session(engine) as session:
        save_solution(session, "demo", solution)
        accounts = demo_accounts(session, "demo")
        session.commit()
    problem_file, solution_file = Path("bemanna-demo-problem.json"), Path("bemanna-demo-solution.json")
    write_json(snapshot, problem_file)
    write_json(solution, solution_file)
    summary(console, snapshot, solution, str(solution_file))
    if solution.status in (SolveStatus.unknown, SolveStatus.infeasible):
        raise fail(f"no roster to show: {solution.message}", 1)
    if violations:
        raise fail(f"the roster breaks {len(violations)} hard rule(s): {violations[0]}", 1)
    law = PROFILES[snapshot.settings.law.profile]
    console.print(f"[green]✓[/green] independent validator: all {len(RULES)} hard rules hold, under {law.name}")
    console.print(
        f"Snapshot and roster written to {problem_file} and {solution_file}; re-check them with"
        f" `.venv/bin/bemanna validate {problem_file} {solution_file}`"
    )
    serve_it = "--demo" if db == DEMO_DB else f"--db {db}"
    console.print(
        f"\n[bold]See the pool in the web app:[/bold] run `.venv/bin/bemanna serve {serve_it}` and open"
        " http://127.0.0.1:8000/ to sign in as one of these (new passwords on each demo run):",
        soft_wrap=True,
    )
    for role, email, password, runs in accounts:
        console.print(f"  {role.value:<12} {email:<32} {password}   ({runs})", highlight=False, soft_wrap=True)


@app.command("schema")
def schema_cmd(
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Folder for the JSON Schema files")] = Path("docs"),
) -> None:
    """Write JSON Schemas of problem.json and solution.json (generated from the Pydantic models)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, model in (("problem", Problem), ("solution", Solution)):
        path = out_dir / f"{name}.schema.json"
        path.write_text(json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        console.print(f"Wrote {path}")


if __name__ == "__main__":
    app()
