"""Fairness a coordinator can see (``solver.spread``): nights, weekends, the Gini coefficient, the
groups, and the spread in the solve result, the CLI summary and the coverage reports."""

from __future__ import annotations

import pytest

from models.work_items import work_items
from solver.solve import SolveOptions, solve
from solver.spread import gini, is_night, night_hours, spread
from tests.factory import problem, shift, worker


def test_gini_is_zero_when_shared_evenly_and_grows_with_one_taking_all() -> None:
    assert gini([8, 8, 8]) == 0
    assert gini([]) == 0 and gini([0, 0]) == 0
    assert gini([0, 0, 0, 12]) == pytest.approx(0.75)
    assert gini([4, 8]) == pytest.approx(1 / 6)


def test_a_night_is_three_hours_or_more_between_21_and_06_local() -> None:
    p = problem(
        [worker("a")],
        [shift("late", 0, 15, 8), shift("night", 0, 22, 8), shift("evening", 0, 18, 8), shift("day", 1, 7, 8)],
    )
    items = {it.id: it for it in work_items(p)}
    assert {k: night_hours(items[k], p.tz) for k in items} == {"late": 2, "night": 8, "evening": 5, "day": 0}
    assert {k for k in items if is_night(items[k], p.tz)} == {"night", "evening"}


def test_spread_per_kind_and_place_among_those_working() -> None:
    # day 5 is a Saturday, 6 a Sunday (tests.factory starts on a Monday)
    shifts = [shift("d0", 0, 8, 8), shift("d5", 5, 8, 8), shift("d6", 6, 8, 8), shift("n1", 1, 22, 8)]
    p = problem([worker("a"), worker("b"), worker("idle", kind="volunteer")], shifts)
    rows = {(r.group, r.measure): r for r in spread(p, [("a", "d0"), ("a", "d5"), ("a", "d6"), ("b", "n1")])}
    hours = rows[("kind:health", "hours")]
    assert (hours.people, hours.fewest, hours.most, hours.mean) == (2, 8, 24, 16)
    assert hours.gini == pytest.approx(0.25)
    assert (rows[("kind:health", "weekends")].fewest, rows[("kind:health", "weekends")].most) == (0, 1)
    assert (rows[("kind:health", "nights")].fewest, rows[("kind:health", "nights")].most) == (0, 1)
    assert ("kind:volunteer", "hours") not in rows  # nobody of that kind works
    assert rows[("place:site1", "hours")].people == 2


def test_the_solve_result_the_cli_summary_and_the_report_show_the_spread(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from cli.main import app

    p = problem([worker("a"), worker("b")], [shift(f"d{k}", k, 8, 8) for k in range(4)])
    sol = solve(p, SolveOptions(time_limit=10, workers=1))
    hours = next(r for r in sol.fairness if r.group == "kind:health" and r.measure == "hours")
    assert hours.people == 2 and hours.gini == 0  # the fairness term evens out the hours: 16 h each
    path = tmp_path / "p.json"
    path.write_text(json.dumps(p.model_dump(mode="json")))
    r = CliRunner().invoke(app, ["solve", str(path), "--out", str(tmp_path / "s.json"), "--time-limit", "10"])
    assert r.exit_code == 0, r.output
    assert "Fairness among those working" in r.stdout and "weekends" in r.stdout
    saved = json.loads((tmp_path / "s.json").read_text())
    assert {f["measure"] for f in saved["fairness"]} == {"hours", "nights", "weekends"}
