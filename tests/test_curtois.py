"""The Curtois & Qu benchmark: reader, independent evaluator (hand-worked rosters), mapping onto the
product's solver, and ``bemanna bench``."""

from __future__ import annotations

import csv
import re
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmarks.curtois.evaluate import evaluate, read_roster, write_roster
from benchmarks.curtois.instance import InstanceFormatError, instance_files, parse, read
from benchmarks.curtois.mapping import roster_of, to_problem
from benchmarks.curtois.run import default_data_dir, parse_numbers, published
from benchmarks.machine import machine
from cli.main import app
from solver.relaxation import relaxation_bound
from solver.solve import SolveOptions, solve
from solver.validator import validate_solution

DATA = default_data_dir()


def shared_data() -> Path:
    """The shared instances (``../shared`` next to the checkout, or ``$BEMANNA_CURTOIS_DIR``)."""
    if not (DATA / "Instance1.txt").exists():
        pytest.skip(f"Curtois & Qu instances not found in {DATA}; set BEMANNA_CURTOIS_DIR to run these tests")
    return DATA


# A week, two shift types (no early after a late), two staff. By hand, for ROSTER below:
#   off request A,1,E violated: 4; cover: day 2 E one short (100), day 4 L one over (5), day 5 E one short (100)
#   on requests A,0,E and B,3,L are met.  Total 209.
TINY = """\
# a comment
SECTION_HORIZON
7

SECTION_SHIFTS
# ID, minutes, forbidden next
E,480,
L,600,E

SECTION_STAFF
A,E=7|L=2,3000,960,3,2,2,0
B,E=0|L=7,3000,0,5,1,1,1

SECTION_DAYS_OFF
A,6

SECTION_SHIFT_ON_REQUESTS
A,0,E,2
B,3,L,3

SECTION_SHIFT_OFF_REQUESTS
A,1,E,4

SECTION_COVER
0,E,1,100,1
1,E,1,100,1
2,E,2,100,1
3,L,1,100,1
4,L,0,100,5
5,E,1,100,1
"""
ROSTER = [("A", 0, "E"), ("A", 1, "E"), ("A", 2, "E"), ("B", 3, "L"), ("B", 4, "L")]


def tiny():
    return parse(TINY.replace("\n", "\r\n"), "Tiny")  # CRLF line ends, as in the published files


def test_hand_worked_roster_scores_as_computed_by_hand() -> None:
    ev = evaluate(tiny(), ROSTER)
    assert ev.violations == []
    assert (ev.on_requests, ev.off_requests, ev.under_cover, ev.over_cover) == (0, 4, 200, 5)
    assert ev.objective == 209


def test_unmet_on_request_and_empty_roster() -> None:
    ev = evaluate(tiny(), [])
    # every on request unmet (2 + 3), no off request hit, all 6 required places open (6 x 100)
    assert (ev.on_requests, ev.off_requests, ev.under_cover, ev.over_cover) == (5, 0, 600, 0)
    assert any(v.startswith("rule 4: A works 0 minutes") for v in ev.violations)  # A's minimum is 960


@pytest.mark.parametrize(
    ("rule", "roster"),
    [
        ("rule 1", [*ROSTER, ("A", 0, "L")]),
        ("rule 2", [("A", 0, "E"), ("A", 1, "L"), ("A", 2, "E")]),
        ("rule 3", [*ROSTER, ("B", 5, "E")]),
        ("rule 4", [("A", 0, "E")]),
        ("rule 5", [("A", d, "E") for d in range(4)]),
        ("rule 6", [("A", 1, "E"), ("A", 3, "E"), ("A", 4, "E")]),
        ("rule 7", [("A", 0, "E"), ("A", 1, "E"), ("A", 3, "E"), ("A", 4, "E")]),
        ("rule 8", [("A", 4, "E"), ("A", 5, "E")]),
        ("rule 9", [("A", 4, "E"), ("A", 5, "E"), ("A", 6, "E")]),
    ],
)
def test_each_hard_rule_is_caught(rule: str, roster: list[tuple[str, int, str]]) -> None:
    assert any(v.startswith(rule + ":") for v in evaluate(tiny(), roster).violations)


def test_runs_touching_the_horizon_edges_are_exempt_from_minimums() -> None:
    # A: day 0 alone (a work run at the start edge), then days 3-4; B: one day off at the start
    assert evaluate(tiny(), [("A", 0, "E"), ("A", 3, "E"), ("A", 4, "E")]).violations == []
    assert evaluate(tiny(), [("A", 1, "E"), ("A", 2, "E")]).violations == []  # off day 0 at the edge, 3-6 at the end
    # a weekend is worked when its Saturday (day 5) or Sunday (day 6) is
    assert any(v.startswith("rule 8") for v in evaluate(tiny(), [("A", 4, "E"), ("A", 5, "E")]).violations)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SECTION_HORIZON\nseven\n", "<text>:2: horizon 'seven' is not a whole number"),
        ("SECTION_HORIZON\n7\nSECTION_SHIFTS\nE,480,X\n", "<text>:4: unknown shift 'X' in ForbiddenNext"),
        ("SECTION_NOPE\n", "<text>:1: unknown section 'SECTION_NOPE'"),
        (TINY.replace("A,6", "A,7"), "day 7 is outside the horizon 0..6"),
        (TINY.replace("B,3,L,3", "Z,3,L,3"), "unknown employee 'Z'"),
        (TINY.replace("E=0|L=7", "E0|L=7"), "MaxShifts entry 'E0' is not ShiftID=max"),
    ],
)
def test_malformed_files_are_named_with_their_line(text: str, message: str) -> None:
    with pytest.raises(InstanceFormatError, match=re.escape(message)):
        parse(text)


def test_roster_csv_round_trip_and_bad_line(tmp_path: Path) -> None:
    write_roster(tmp_path / "r.csv", ROSTER)
    assert read_roster(tmp_path / "r.csv") == sorted(ROSTER)
    (tmp_path / "bad.csv").write_text("employee,day,shift\nA,x,E\n")
    with pytest.raises(InstanceFormatError, match=r"bad\.csv:2: expected employee,day,shift"):
        read_roster(tmp_path / "bad.csv")


def test_instance_numbers_parse_as_ranges() -> None:
    assert parse_numbers("1-3, 9,12-13") == [1, 2, 3, 9, 12, 13]
    with pytest.raises(ValueError, match="backwards"):
        parse_numbers("5-1")
    with pytest.raises(ValueError, match="not a number"):
        parse_numbers("one")


def test_tiny_instance_solves_through_the_product_to_the_evaluator_s_score() -> None:
    inst = tiny()
    mapped = to_problem(inst)
    sol = solve(mapped.problem, SolveOptions(time_limit=10, workers=1))
    assert sol.status.value == "optimal"
    ev = evaluate(inst, roster_of(mapped, sol))
    assert ev.violations == []
    assert validate_solution(mapped.problem, sol) == []
    assert ev.objective == sol.objective
    assert ev.objective <= 209  # at least as good as the hand-made roster


# Instances whose best known objective several exact methods prove optimal (best_known.csv, FORMAT.md).
PROVEN = (1, 2, 4, 5, 6, 9, 10, 12)


@pytest.mark.parametrize("number", PROVEN)
def test_no_roster_beats_a_proven_optimum_and_no_bound_exceeds_it(number: int) -> None:
    """A feasible roster scoring below a proven optimum, or a lower bound above it, means a rule is read
    wrongly (too loosely, or too strictly). Short solves suffice to catch either."""
    files = instance_files(shared_data())
    if number not in files:
        pytest.skip(f"Instance{number}.txt not present")
    best = published(DATA)[number]["best_seen_60min"]
    assert best is not None
    inst = read(files[number])
    mapped = to_problem(inst)
    sol = solve(mapped.problem, SolveOptions(time_limit=3, workers=2, seed=1))
    if sol.best_bound is not None:  # a loaded machine may find none in 3 s: then there is nothing to hold
        assert sol.best_bound <= best + 1e-6
    if sol.assignments:
        ev = evaluate(inst, roster_of(mapped, sol))
        assert ev.violations == []
        assert ev.objective == sol.objective  # the product's score and the benchmark's agree
        assert ev.objective >= best


def test_small_instances_reach_their_proven_optimum() -> None:
    data = shared_data()
    for number, expected in ((1, 607), (2, 828)):
        inst = read(data / f"Instance{number}.txt")
        mapped = to_problem(inst)
        sol = solve(mapped.problem, SolveOptions(time_limit=20, workers=2))
        assert sol.status.value == "optimal"
        assert evaluate(inst, roster_of(mapped, sol)).objective == sol.objective == expected
        bound = relaxation_bound(mapped.problem)
        assert bound is not None and 0 < bound <= expected


def test_bench_cli_writes_table_csv_chart_and_rosters(tmp_path: Path) -> None:
    data = shared_data()
    r = CliRunner().invoke(
        app,
        ["bench", "curtois", "--instances", "1,3", "--time-limit", "5", "--data", str(data), "--out", str(tmp_path)],
    )
    assert r.exit_code == 0, r.output
    assert "not present: 3" in r.output
    assert f"On {machine()['machine']}" in r.output
    assert "Instance1: objective 607 (best known 607, ratio 1.0000)" in r.output
    with (tmp_path / "curtois.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [row["instance"] for row in rows] == ["1"]
    assert rows[0]["objective"] == "607" and rows[0]["feasible"] == "True" and rows[0]["status"] == "optimal"
    # the settings and the machine travel with the numbers: a time target means nothing without them
    assert (rows[0]["time_limit_s"], rows[0]["workers"], rows[0]["seed"]) == ("5.0", "2", "0")
    assert rows[0]["machine"] == machine()["machine"] and "cores" in rows[0]["machine"]
    assert 0 < float(rows[0]["lp_bound"]) <= 607 and "LP" in r.output
    assert rows[0]["ortools"] == version("ortools")
    assert (tmp_path / "curtois.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    roster = tmp_path / "curtois" / "Instance1.roster.csv"
    lines = roster.read_text().splitlines()
    assert lines[0] == "employee,day,shift" and len(lines) > 1
    ok = CliRunner().invoke(app, ["bench", "curtois-check", str(data / "Instance1.txt"), str(roster)])
    assert ok.exit_code == 0 and "objective 607" in ok.output
    roster.write_text(roster.read_text() + "A,0,D\n")  # a second shift on a day A may already work, or a day off
    broken = CliRunner().invoke(app, ["bench", "curtois-check", str(data / "Instance1.txt"), str(roster)])
    assert broken.exit_code == 1 and "violation" in broken.output


def test_bench_cli_rejects_bad_ranges_and_missing_instances(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["bench", "curtois", "--instances", "9-2", "--out", str(tmp_path)])
    assert r.exit_code == 2 and "runs backwards" in r.output
    r = CliRunner().invoke(app, ["bench", "curtois", "--data", str(tmp_path), "--out", str(tmp_path)])
    assert r.exit_code == 2 and "none of instances 1-24" in r.output
