"""The rules' fingerprints (``tests.identity``) as recorded before the rule catalogue's refactor: the
same model sizes, the same best objectives for a fixed seed and deterministic time, the same greedy
roster and the same validator words on it and on the stored Curtois rosters. A change meant to alter
the model records them again (``python -m tests.identity``) and says so in its commit. The working-time
law profiles (issue 24, step 2) were such a change: the generated problems under ``@custom`` (no law
rule) keep the fingerprints recorded before the catalogue, and so do the Curtois instances. So was
Sunday and holiday rest (AML § 10-8 (4)), which binds the demo and the generated problems under
``no-aml`` and nothing else; its literals were then made only for the Sundays a block needs (fewer
constraints, the same objectives). Night workers' hours add nothing to them: the contracts' hours per
7 days already keep every four weeks within the act's average."""

from __future__ import annotations

import json

import pytest

from tests import identity

RECORDED = json.loads(identity.RECORD.read_text())


@pytest.mark.parametrize("name", sorted(RECORDED["problems"]))
def test_each_reference_problem_keeps_its_fingerprint(name: str) -> None:
    problems = identity.problems()
    if name not in problems:
        pytest.skip(f"{name}: its instance file is not here ({identity.CURTOIS})")
    assert identity.fingerprint(problems[name]) == RECORDED["problems"][name]


def test_the_stored_curtois_rosters_get_the_same_verdict() -> None:
    found = identity.stored_rosters()
    if not found:
        pytest.skip(f"no Curtois instance files in {identity.CURTOIS}")
    assert found == {k: v for k, v in RECORDED["rosters"].items() if k in found}
