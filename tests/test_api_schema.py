"""Schemathesis over the OpenAPI schema, as a signed-in coordinator with real data behind the ids and
the anonymous endpoints too: generated requests to every operation, and then stateful sequences that
follow the links between operations (create, then read, change and delete what was created), never
get a server error. Calendar hosts resolve to nothing, so no case reaches out of the machine."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from api.core.throttle import Throttle
from calendars import fetch
from models.enums import Role
from models.store import init_db, make_engine
from tests.api_helpers import PASSWORD, add_org, add_user, client_for, sign_in
from tests.pool_fixture import worker_body
from tests.test_api_postings import job, place, shift

fetch.RESOLVE = lambda host: []  # a registered calendar URL never resolves here: no DNS, no network


FOLDER = Path(tempfile.mkdtemp(prefix="bemanna-schema-"))
WORK, TEMPLATE = FOLDER / "api.sqlite3", FOLDER / "template.sqlite3"


def _client() -> tuple[TestClient, dict[str, str]]:
    """Built at import: schemathesis parametrizes the test at collection time. The database as it is
    then is kept as a template, so each stateful scenario starts from the same state."""
    engine = make_engine(f"sqlite:///{WORK}")
    init_db(engine)
    add_user(engine, add_org(engine, "oslo"), "coord@oslo.no", Role.coordinator)
    client = client_for(engine)
    headers = sign_in(client, "coord@oslo.no")
    client.post("/regions", json={"id": "centre", "name": "Centre"}, headers=headers)
    client.post("/skills", json={"id": "nurse", "name": "Nurse"}, headers=headers)
    client.post("/sites", json=place("lia"), headers=headers)
    client.post("/farms", json=place("berg"), headers=headers)
    client.post("/shifts", json=shift("s1"), headers=headers)
    client.post("/jobs", json=job("j1"), headers=headers)
    client.post("/workers", json=worker_body(), headers=headers)
    for email, role, extra in (
        ("manager@oslo.no", "manager", {"sites": ["lia"]}),
        ("farmer@oslo.no", "farmer", {"farms": ["berg"]}),
        ("ada@oslo.no", "worker", {"worker": "ada"}),
    ):
        body = {"email": email, "password": PASSWORD, "role": role, **extra}
        assert client.post("/users", json=body, headers=headers).status_code == 201
    for email, role in (("manager@oslo.no", "manager"), ("farmer@oslo.no", "farmer"), ("ada@oslo.no", "worker")):
        ROLES[role] = sign_in(client, email)
    engine.dispose()
    shutil.copyfile(WORK, TEMPLATE)
    return client, headers


EXAMPLES = int(os.environ.get("BEMANNA_FUZZ_EXAMPLES", "40"))  # per operation; `make fuzz` runs 300
ROLES: dict[str, dict[str, str]] = {"anonymous": {}}
CLIENT, HEADERS = _client()
ROLES["coordinator"] = HEADERS
schema = schemathesis.openapi.from_asgi("/openapi.json", CLIENT.app).exclude(path="/auth/logout")
# (signing out would revoke the token every other case uses; tests/test_api_auth.py covers it)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case: schemathesis.Case) -> None:
    response = case.call(headers=HEADERS)
    case.validate_response(response, checks=[not_a_server_error])


STEPS: list[tuple[str, str, int]] = []


class Stateful(schema.as_state_machine()):  # type: ignore[misc]
    headers: dict[str, str] = HEADERS  # whose sequences these are

    def setup(self) -> None:
        """Every scenario from the same start (Hypothesis replays them and needs them to behave alike)."""
        CLIENT.app.state.engine.dispose()
        shutil.copyfile(TEMPLATE, WORK)
        CLIENT.app.state.throttle = Throttle()

    def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
        return {"headers": self.headers}

    def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
        STEPS.append((case.method, case.path, response.status_code))
        case.validate_response(response, checks=[not_a_server_error])


def test_stateful_sequences_never_get_a_server_error() -> None:
    STEPS.clear()
    Stateful.run(settings=_stateful(2 * EXAMPLES))
    linked = [step for step in STEPS if step[2] < 400]
    assert len(STEPS) >= 60 and len(linked) >= 20, STEPS  # it ran, and followed links to real rows


@pytest.mark.parametrize("role", ["worker", "manager", "farmer", "anonymous"])
def test_every_role_s_sequences_never_get_a_server_error(role: str) -> None:
    """The same stateful sequences as each other role (issue 34, 1b): what a worker, a manager, a farmer
    or nobody signed in may try, refused or not, never ends in a server error."""
    STEPS.clear()
    machine = type(f"Stateful_{role}", (Stateful,), {"headers": ROLES[role]})
    machine.run(settings=_stateful(EXAMPLES // 2))
    assert len(STEPS) >= 20, STEPS  # it ran


def _stateful(examples: int) -> Any:
    return settings(
        max_examples=examples,
        stateful_step_count=6,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate],  # a failure is reported as found: shrinking it would take minutes
    )
