"""Schemathesis over the OpenAPI schema: generated requests to every operation, as a signed-in
coordinator with real data behind the ids, never get a server error."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from models.enums import Role
from models.store import init_db, make_engine
from tests.api_helpers import add_org, add_user, client_for, sign_in


def _client() -> tuple[TestClient, dict[str, str]]:
    """Built at import: schemathesis parametrizes the test at collection time."""
    engine = make_engine(f"sqlite:///{Path(tempfile.mkdtemp(prefix='bemanna-schema-')) / 'api.sqlite3'}")
    init_db(engine)
    add_user(engine, add_org(engine, "oslo"), "coord@oslo.no", Role.coordinator)
    client = client_for(engine)
    headers = sign_in(client, "coord@oslo.no")
    client.post("/regions", json={"id": "centre", "name": "Centre"}, headers=headers)
    client.post("/skills", json={"id": "nurse", "name": "Nurse"}, headers=headers)
    return client, headers


CLIENT, HEADERS = _client()
schema = schemathesis.openapi.from_asgi("/openapi.json", CLIENT.app)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case: schemathesis.Case) -> None:
    if case.path == "/auth/logout":
        return  # would revoke the token the other cases use
    response = case.call(headers=HEADERS)
    case.validate_response(response, checks=[not_a_server_error])
