"""How a list names people: by name, and where two people share a name, by name and id, so that no list
(a roster's grid or timeline, a plan's result, gap filling's candidates) puts two people on one row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable


def distinct_names(people: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each person's id to the words a list shows for her: her name, or ``name (id)`` where the name is
    shared (``people``: id and name pairs)."""
    pairs = list(dict(people).items())
    seen = Counter(name for _, name in pairs)
    return {pid: f"{name} ({pid})" if seen[name] > 1 else name for pid, name in pairs}
