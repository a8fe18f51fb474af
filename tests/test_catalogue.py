"""The rule catalogue (``solver.catalogue``): every rule is in it once and checked by its family's
module (``solver.rules``); a family's check reaches no model code and shares no function with its model
form; the words for each rule are what
the explainer and gap filling say; the README's table is the catalogue's."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from solver import catalogue, explain, fill, rules, score, validator

SOLVER = Path(catalogue.__file__).parent
RULE_MODULES = SOLVER / "rules"
MODEL_CODE = {
    "ortools",
    "numpy",
    "solver.variables",
    "solver.instance",
    "solver.runs",
    "solver.model",
    "solver.objective",
}
"""What only the model form may use."""


def _imports(path: Path) -> set[str]:
    """The modules a file imports when it runs (imports for type checkers only left out)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            node.body = []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return found


def _is_model_code(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in MODEL_CODE)


def _sides(source: str) -> tuple[set[str], set[str], set[str]]:
    """For a rule module: the names its model form reaches, those its checks reach (through the module's
    own functions, transitively), and the names bound to model code by its imports. A form's roots are
    the ``model`` and ``check*`` arguments of its ``Family(...)``."""
    tree = ast.parse(source)
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    model_names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            model_names |= {(a.asname or a.name).split(".")[0] for a in node.names if _is_model_code(a.name)}
        elif isinstance(node, ast.ImportFrom) and node.module and _is_model_code(node.module):
            model_names |= {a.asname or a.name for a in node.names}
    roots: dict[str, set[str]] = {"model": set(), "check": set()}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Family":
            for kw in node.keywords:
                if isinstance(kw.value, ast.Name) and kw.arg is not None:
                    side = "model" if kw.arg == "model" else "check" if kw.arg.startswith("check") else None
                    if side:
                        roots[side].add(kw.value.id)

    def reach(names: set[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in functions:
                todo += [n.id for n in ast.walk(functions[name]) if isinstance(n, ast.Name)]
        return seen

    return reach(roots["model"]), reach(roots["check"]), model_names


def _rule_modules() -> list[Path]:
    return sorted(p for p in RULE_MODULES.glob("*.py") if p.stem not in {"__init__", "family"})


def test_each_rule_is_defined_once_and_checked_by_its_family() -> None:
    ids = [r.id for r in catalogue.RULES]
    assert len(ids) == len(set(ids))
    assert list(validator.RULES) == ids
    assert {r.family for r in catalogue.RULES} == set(rules.BY_NAME) == {p.stem for p in _rule_modules()}
    for path in _rule_modules():
        named = set(re.findall(r'Violation\(\s*"([a-z0-9_]+)"', path.read_text()))
        mine = {r.id for r in catalogue.RULES if r.family == path.stem}
        assert named == mine, f"{path.name} checks {sorted(named)}; the catalogue gives it {sorted(mine)}"


def test_a_rule_s_check_reaches_no_model_code() -> None:
    for path in _rule_modules():
        model, check, model_names = _sides(path.read_text())
        assert check, f"{path.name} has no independent check"
        assert not check & model_names, f"{path.name}: its check uses model code {sorted(check & model_names)}"
        shared = {
            n
            for n in check & model
            if n in {f.name for f in ast.parse(path.read_text()).body if isinstance(f, ast.FunctionDef)}
        }
        assert not shared, f"{path.name}: the model form and the check share {sorted(shared)}"
    for path in (SOLVER / "validator.py", SOLVER / "violations.py", RULE_MODULES / "family.py"):
        assert not any(_is_model_code(m) for m in _imports(path)), path.name
    assert _imports(SOLVER / "catalogue.py") <= {"__future__", "__future__.annotations"} | {
        "re",
        "sys",
        "dataclasses",
        "dataclasses.dataclass",
        "pathlib",
        "pathlib.Path",
    }


def test_the_independence_check_catches_a_check_that_borrows_from_the_model() -> None:
    borrowing = """
from solver.variables import day_after
from solver.rules.family import Family

def _next(d):
    return day_after(d, 1)

def model(b):
    return _next(b)

def check(s):
    return _next(s)

FAMILY = Family(model=model, check_schedule=check)
"""
    model, check, model_names = _sides(borrowing)
    assert check & model_names == {"day_after"}
    assert "_next" in check & model


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
