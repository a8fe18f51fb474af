"""The rule catalogue (``solver.catalogue``): every rule the validator checks is in it once and every
rule in it is checked; the independent check imports no model code; the words for each rule are what
the explainer and gap filling say; the README's table is the catalogue's."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from solver import catalogue, explain, fill, score, validator

SOLVER = Path(catalogue.__file__).parent
MODEL_CODE = {"solver.rules", "solver.model", "solver.instance", "solver.runs", "solver.objective", "solver.construct"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return found


def test_each_rule_is_defined_once_and_checked_by_the_validator() -> None:
    ids = [r.id for r in catalogue.RULES]
    assert len(ids) == len(set(ids))
    assert list(validator.RULES) == ids
    source = (SOLVER / "validator.py").read_text()
    named = set(re.findall(r'Violation\(\s*"([a-z_]+)"', source))
    assert named <= set(ids), f"checked but not catalogued: {named - set(ids)}"
    assert [i for i in ids if f'"{i}"' not in source] == [], "catalogued but never named by a check"


def test_the_independent_check_imports_no_model_code() -> None:
    assert _imports(SOLVER / "validator.py").isdisjoint(MODEL_CODE)
    assert _imports(SOLVER / "catalogue.py") <= {"__future__", "__future__.annotations"} | {
        "re",
        "sys",
        "dataclasses",
        "dataclasses.dataclass",
        "pathlib",
        "pathlib.Path",
    }


def test_the_explainer_and_gap_filling_speak_the_catalogue_s_words() -> None:
    assert {r.id: r.ruled_out for r in catalogue.RULES if r.busy} == explain.BUSY_WORDS
    assert list(fill.RULED_OUT_WORDS)[:3] == ["qualification", "availability", "travel_radius"]
    assert all(catalogue.BY_ID[k].ruled_out == v for k, v in fill.RULED_OUT_WORDS.items())
    assert {"min_hours", "min_consecutive_days", "min_days_off"} == validator.LOWER_BOUND_RULES
    assert list(score.UNITS) == [g.id for g in catalogue.GOALS]


def test_the_readme_rule_table_is_the_catalogue_s() -> None:
    text = catalogue.README.read_text()
    assert catalogue.TABLE.search(text), "the README has lost its rule-table markers"
    assert catalogue.readme_with_table(text) == text, "run `python -m solver.catalogue` (or `make schema`)"
