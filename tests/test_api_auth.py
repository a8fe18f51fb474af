"""Signing in, roles, and the organisation boundary, over HTTP."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from models.enums import Role
from tests.api_helpers import add_org, add_user, client_for, sign_in


@pytest.fixture
def api(engine: Engine) -> tuple[TestClient, Engine]:
    oslo = add_org(engine, "oslo")
    bergen = add_org(engine, "bergen")
    add_user(engine, oslo, "coord@oslo.no", Role.coordinator)
    add_user(engine, oslo, "manager@oslo.no", Role.manager)
    add_user(engine, bergen, "coord@bergen.no", Role.coordinator)
    return client_for(engine), engine


def test_sign_in_and_me(api: tuple[TestClient, Engine]) -> None:
    client, _ = api
    headers = sign_in(client, "Coord@Oslo.no ")
    me = client.get("/auth/me", headers=headers).json()
    assert me["email"] == "coord@oslo.no" and me["role"] == "coordinator" and me["organisation"] == "oslo"


def test_wrong_password_and_missing_token_are_401(api: tuple[TestClient, Engine]) -> None:
    client, _ = api
    r = client.post("/auth/token", data={"username": "coord@oslo.no", "password": "wrong"})
    assert r.status_code == 401 and r.json()["detail"] == "wrong email or password"
    r = client.get("/regions")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert client.get("/regions", headers={"Authorization": "Bearer made-up"}).status_code == 401


def test_logout_revokes_the_token(api: tuple[TestClient, Engine]) -> None:
    client, _ = api
    headers = sign_in(client, "coord@oslo.no")
    assert client.post("/auth/logout", headers=headers).status_code == 204
    assert client.get("/auth/me", headers=headers).status_code == 401


def test_region_crud_and_roles(api: tuple[TestClient, Engine]) -> None:
    client, _ = api
    coord, manager = sign_in(client, "coord@oslo.no"), sign_in(client, "manager@oslo.no")
    r = client.post("/regions", json={"id": "north", "name": "North"}, headers=coord)
    assert r.status_code == 201 and r.json() == {"id": "north", "name": "North"}
    assert client.post("/regions", json={"id": "north", "name": "Again"}, headers=coord).status_code == 409
    r = client.post("/regions", json={"id": "south", "name": "South"}, headers=manager)
    assert r.status_code == 403 and "coordinator" in r.json()["detail"]
    assert client.get("/regions", headers=manager).json()["total"] == 1  # everyone in the organisation reads
    r = client.patch("/regions/north", json={"name": "Nord"}, headers=coord)
    assert r.json()["name"] == "Nord"
    assert client.delete("/regions/north", headers=coord).status_code == 204
    assert client.get("/regions/north", headers=coord).status_code == 404


def test_invalid_region_is_422_naming_the_field(api: tuple[TestClient, Engine]) -> None:
    client, _ = api
    coord = sign_in(client, "coord@oslo.no")
    r = client.post("/regions", json={"id": "", "name": "X"}, headers=coord)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "id"]
    r = client.post("/regions", json={"id": "x", "name": "X", "extra": 1}, headers=coord)
    assert r.status_code == 422


def test_regions_never_cross_organisations(api: tuple[TestClient, Engine]) -> None:
    client, _ = api
    oslo, bergen = sign_in(client, "coord@oslo.no"), sign_in(client, "coord@bergen.no")
    assert client.post("/regions", json={"id": "centre", "name": "Oslo sentrum"}, headers=oslo).status_code == 201
    assert client.get("/regions", headers=bergen).json()["total"] == 0
    assert client.get("/regions/centre", headers=bergen).status_code == 404
    assert client.patch("/regions/centre", json={"name": "Taken"}, headers=bergen).status_code == 404
    assert client.delete("/regions/centre", headers=bergen).status_code == 404
    # the same ref is free in another organisation
    assert client.post("/regions", json={"id": "centre", "name": "Bergen sentrum"}, headers=bergen).status_code == 201
    assert client.get("/regions/centre", headers=oslo).json()["name"] == "Oslo sentrum"


def test_pagination(api: tuple[TestClient, Engine]) -> None:
    client, _ = api
    coord = sign_in(client, "coord@oslo.no")
    for k in range(5):
        client.post("/regions", json={"id": f"r{k}", "name": f"R{k}"}, headers=coord)
    page = client.get("/regions?limit=2&offset=2", headers=coord).json()
    assert page["total"] == 5 and [r["id"] for r in page["items"]] == ["r2", "r3"]
    assert client.get("/regions?limit=0", headers=coord).status_code == 422


def test_passwords_are_hashed_at_the_production_cost_unless_a_deployment_says_otherwise(monkeypatch) -> None:
    """The suite hashes cheaply (tests/__init__.py); a deployment gets Argon2id at 64 MiB and 3 passes."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    from models.settings import Settings

    monkeypatch.delenv("BEMANNA_PASSWORD_HASH_MEMORY_KIB")
    monkeypatch.delenv("BEMANNA_PASSWORD_HASH_TIME_COST")
    config = Settings()
    assert (config.password_hash_memory_kib, config.password_hash_time_cost) == (65_536, 3)
    made = Argon2Hasher(memory_cost=config.password_hash_memory_kib, time_cost=config.password_hash_time_cost)
    assert PasswordHash((made,)).hash("ochre lantern quietly folds").startswith("$argon2id$v=19$m=65536,t=3,")
