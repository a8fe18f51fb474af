"""The layering holds, read from the code's own imports (every ``import`` and ``from ... import``, at the
top of a module or inside a function): the domain (``models``) and the solver know nothing of the API,
the solver nothing of storage; within ``api``, services never reach up to the faces over them (routers,
pages) or to the background threads, pages never borrow a router; and no module's imports lead back
to itself."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("api", "models", "solver", "calendars", "reports", "cli", "benchmarks")


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    """The project modules ``path`` imports (a ``from package import name`` names the submodule when
    there is one)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    here = _module(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in _runtime(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _runtime(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node but those under ``if TYPE_CHECKING:`` (names for the type checker, never imported)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime(child)])
            continue
        yield node
        yield from _runtime(node)


def graph() -> dict[str, set[str]]:
    files = {_module(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if ".venv" not in p.parts}
    return {name: {m for m in _imports(path) if m in files and m != name} for name, path in files.items()}


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _violations(edges: dict[str, set[str]], frm: str, to: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{a} -> {b}" for a, bs in edges.items() if _under(a, frm) for b in bs if any(_under(b, t) for t in to)
    )


def test_the_domain_and_the_solver_know_nothing_above_them() -> None:
    edges = graph()
    assert _violations(edges, "models", ("api", "solver", "calendars", "reports", "cli")) == []
    assert _violations(edges, "solver", ("api", "calendars", "reports", "cli", "models.store", "models.tables")) == []


def test_each_wing_imports_only_what_lies_below_it() -> None:
    """The wings of ``api``, from the bottom: ``core`` and ``http`` (the door), ``notifications``,
    ``services`` (every business flow), then the faces over them (``routers``, ``web``) and the
    ``background`` threads beside them."""
    edges = graph()
    assert _violations(edges, "api.services", ("api.routers", "api.web", "api.background")) == []
    assert _violations(edges, "api.web", ("api.routers",)) == []
    assert _violations(edges, "api.routers", ("api.web",)) == []
    assert _violations(edges, "api.notifications", ("api.services", "api.routers", "api.web", "api.background")) == []
    assert _violations(edges, "api.core", ("api.services", "api.routers", "api.web", "api.background")) == []
    assert _violations(edges, "api.http", ("api.services", "api.routers", "api.web", "api.background")) == []


def test_the_api_root_holds_the_app_and_nothing_loose() -> None:
    """Every module of ``api`` lives in its wing; the row helpers every wing reads through are the
    domain's (``models.rows``), the one booking path a service (``api.services.booking``)."""
    loose = sorted(p.name for p in (ROOT / "api").glob("*.py") if p.name not in ("__init__.py", "app.py"))
    assert loose == []


def test_the_flows_refuse_with_one_type_that_the_door_answers() -> None:
    """Services, the core and notifications say no with ``Refused``; only the door (``api.http``) and the
    faces know ``HTTPException`` (``api.http.errors`` turns one into the other)."""
    found = []
    for wing in ("services", "core", "notifications"):
        for path in (ROOT / "api" / wing).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Name) and node.id == "HTTPException":
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                if isinstance(node, ast.alias) and node.name == "HTTPException":
                    found.append(f"{path.relative_to(ROOT)} imports it")
    assert found == []


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    top = stack.pop()
                    on.discard(top)
                    group.append(top)
                    if top == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_circle() -> None:
    edges = graph()
    # a package's __init__ importing its own modules is how a package presents them, not a circle
    edges = {a: {b for b in bs if a != b.rpartition(".")[0]} for a, bs in edges.items()}
    assert _cycles(edges) == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _violations({"api.services.x": {"api.web.y"}}, "api.services", ("api.web",)) == [
        "api.services.x -> api.web.y"
    ]
