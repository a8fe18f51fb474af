"""The README's demo figures, from a run: ``make readme-demo`` solves the demo's pool as ``bemanna
demo`` does (seed 1, 30 s, 2 search workers, through the store), renders the same summary, and writes
its head (status, the phases, what the bound says) and its first unfilled place into README.md between
the ``demo-output`` markers, with the day and the machine. Figures differ between machines and runs;
the block says which run they come from, so they are never typed in by hand."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path

from rich.console import Console

from benchmarks.machine import cpu_model
from cli.render import summary
from models.generator import GeneratorConfig, generate
from models.problem import Problem
from models.solution import Solution
from models.store import init_db, load_problem, make_engine, save_problem
from solver.solve import SolveOptions, solve

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"(<!-- demo-output: start -->\n).*?(<!-- demo-output: end -->)", re.S)


def excerpt(text: str) -> tuple[list[str], list[str]]:
    """From the summary as printed: its head (the status line, one line per phase, the bound's words)
    and the first unfilled place (its continuation lines indented), or nothing when all are filled."""
    lines = [line.rstrip() for line in text.splitlines()]
    start = next(k for k, line in enumerate(lines) if line.startswith("Status "))
    head = [lines[start]]
    for line in lines[start + 1 :]:
        head.append(line)
        if not line.startswith(" • "):
            break  # the line after the phases says what the bound proves
    gap: list[str] = []
    heading = next((k for k, line in enumerate(lines) if line.startswith("Unfilled: ")), None)
    if heading is not None:
        for line in lines[heading + 1 :]:
            if gap and (line.startswith(" • ") or not line.strip() or line.startswith("   ... ")):
                break
            gap.append(line if line.startswith(" • ") else "   " + line.strip())
    return head, gap


def block(problem: Problem, solution: Solution, when: dt.date, machine: str) -> str:
    """The README's text for this run."""
    console = Console(record=True, width=104, color_system=None, soft_wrap=False, file=io.StringIO())
    summary(console, problem, solution)
    head, gap = excerpt(console.export_text())
    said = f"From a run on {when:%-d %B %Y} ({machine}; `make readme-demo` writes it again):\n\n"
    out = said + "```\n" + "\n".join(head) + "\n```\n"
    if gap:
        out += "\n```\n" + "\n".join(gap) + "\n```\n"
    return out


def main() -> None:
    engine = make_engine("sqlite://")
    init_db(engine)
    from sqlmodel import Session

    with Session(engine) as session:
        save_problem(session, generate(GeneratorConfig(seed=1)), "demo")
        session.commit()
        snapshot = load_problem(session, "demo")
    solution = solve(snapshot, SolveOptions(time_limit=30, workers=2, seed=1))
    text = block(snapshot, solution, dt.date.today(), f"{cpu_model()}, 2 search workers")
    readme = README.read_text(encoding="utf-8")
    if not BLOCK.search(readme):
        sys.exit(f"{README} has no demo-output markers")
    README.write_text(BLOCK.sub(lambda m: m.group(1) + text + m.group(2), readme), encoding="utf-8")
    print(f"wrote the demo's figures into {README}", file=sys.stderr)


if __name__ == "__main__":
    main()
