"""Known worker and work, once per item (``unknown_reference``, ``duplicate_assignment``).

Model form: by construction, as a model variable is a candidate pair of a known worker and item, one
each. Check: every pair of a roster names a real worker and item, and none comes twice.
"""

from __future__ import annotations

from collections import Counter

from solver.rules.family import Family
from solver.violations import Roster, Violation


def check(r: Roster) -> list[Violation]:
    out = [
        Violation("unknown_reference", f"unknown worker {w!r} or item {i!r}", w, i)
        for w, i in r.pairs
        if w not in r.workers or i not in r.items
    ]
    for (w, i), n in Counter(r.known).items():
        if n > 1:
            out.append(Violation("duplicate_assignment", f"{w} is on {i} {n} times", w, i))
    return out


FAMILY = Family(check_roster=check)
