"""Sign-in and registration under attack: attempts are rate-limited per e-mail and per client (in
memory, or in Redis shared by every server), password hashing is bounded so a burst cannot take the
server's memory, an unknown e-mail costs the same hash as a known one, and no password, hash, e-mail
or SQL parameter reaches a log (issue 20: sign-in, registration and least privilege)."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.core import security
from api.core.throttle import Throttle
from models.enums import Role
from tests.api_helpers import PASSWORD, add_org, add_user, client_for, sign_in
from tests.pool_fixture import registration


@pytest.fixture
def oslo(engine: Engine) -> TestClient:
    add_user(engine, add_org(engine, "oslo"), "coord@oslo.no", Role.coordinator)
    return client_for(engine)


def wrong(client: TestClient, email: str = "coord@oslo.no") -> int:
    return client.post("/auth/token", data={"username": email, "password": "not the password"}).status_code


def test_failed_sign_ins_per_email_end_in_429_and_the_right_password_waits_too(oslo: TestClient) -> None:
    codes = [wrong(oslo) for _ in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
    r = oslo.post("/auth/token", data={"username": "coord@oslo.no", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0 and "try again" in r.json()["detail"]
    assert wrong(oslo, "someone.else@oslo.no") == 401  # other addresses are not locked out


def test_attempts_per_client_are_limited_across_addresses(oslo: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEMANNA_SIGN_IN_LIMIT_PER_CLIENT", "20/minute")
    codes = [wrong(oslo, f"guess{k}@oslo.no") for k in range(25)]
    assert codes.count(401) == 20 and codes.count(429) == 5


def test_registrations_per_client_are_limited(pool: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEMANNA_REGISTER_LIMIT_PER_CLIENT", "3/hour")
    client = pool["client"]
    codes = [
        client.post("/auth/register", json={**registration(), "email": f"n{k}@oslo.no"}).status_code for k in range(5)
    ]
    assert codes == [202, 202, 202, 429, 429]


def test_counters_in_redis_are_shared_by_every_server() -> None:
    url = "redis://127.0.0.1:6379"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis not reachable at {url}: {error}")
    prefix = f"bemanna-test-{uuid.uuid4().hex[:8]}"
    one, two = Throttle(url, prefix), Throttle(url, prefix)  # two servers, one Redis
    assert one.hit("2/minute", "x") is None and two.hit("2/minute", "x") is None
    refused = one.hit("2/minute", "x")
    assert refused is not None and refused.retry_after >= 1


def test_a_rate_limit_store_that_goes_away_falls_back_to_memory(caplog: pytest.LogCaptureFixture) -> None:
    throttle = Throttle("redis://127.0.0.1:1")  # nothing listens there
    assert throttle.hit("1/minute", "x") is None
    assert throttle.hit("1/minute", "x") is not None  # still counted, in memory
    assert "counting in memory" in caplog.text


def test_concurrent_password_hashing_is_bounded(oslo: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEMANNA_PASSWORD_HASH_SLOTS", "2")
    monkeypatch.setenv("BEMANNA_SIGN_IN_LIMIT_PER_CLIENT", "1000/minute")
    running, most = [0], [0]
    lock = threading.Lock()
    real = security._hasher.verify

    def counted(password: str, hashed: str) -> bool:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(0.02)
            return real(password, hashed)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(security._hasher, "verify", counted)
    clients = [TestClient(oslo.app, raise_server_exceptions=False) for _ in range(12)]
    codes: list[int] = []
    threads = [
        threading.Thread(target=lambda c=c, k=k: codes.append(wrong(c, f"x{k}@oslo.no"))) for k, c in enumerate(clients)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert set(codes) == {401} and len(codes) == 12
    assert most[0] == 2


def test_an_unknown_email_costs_the_same_hash_as_a_known_one(oslo: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    verified: list[str] = []
    real = security._hasher.verify
    monkeypatch.setattr(security._hasher, "verify", lambda pw, h: verified.append(h) or real(pw, h))
    assert wrong(oslo, "nobody@nowhere.no") == 401
    assert wrong(oslo, "coord@oslo.no") == 401
    assert len(verified) == 2 and all(h.startswith("$argon2") for h in verified)


def test_no_password_hash_email_or_sql_parameter_reaches_the_logs(
    pool: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    client, coord = pool["client"], pool["coord"]
    secret = "very-secret-password-42"
    caplog.set_level(logging.DEBUG)
    client.post("/auth/token", data={"username": "coord@oslo.no", "password": secret})
    client.post("/auth/register", json={**registration(), "password": secret})
    client.post("/auth/register", json={**registration(), "email": "coord@oslo.no", "password": secret})
    client.post("/users", json={"email": "farmer@oslo.no", "password": secret, "role": "worker"}, headers=coord)
    client.post("/regions", json={"id": "centre", "name": "Duplicate"}, headers=coord)  # 409 from the database
    logged = caplog.text
    for leak in (secret, "$argon2", "coord@oslo.no", "new@oslo.no", "parameters: {"):
        assert leak not in logged, leak


def test_managers_and_farmers_see_only_the_work_at_their_places(pool: dict[str, Any]) -> None:
    client, coord = pool["client"], pool["coord"]
    assert client.post("/jobs/j1/fill", headers=coord).status_code == 422  # a job is filled one day at a time
    with_work = client.post("/shifts/s1/fill", headers=coord).json()
    assert with_work["offered"] == ["ada"]
    assert client.get("/assignments", headers=pool["manager"]).json()["total"] == 1  # lia's shift
    assert client.get("/assignments", headers=pool["farmer"]).json()["total"] == 0  # nurses' shifts unseen
    aid = client.get("/assignments", headers=coord).json()["items"][0]["id"]
    assert client.get(f"/assignments/{aid}", headers=pool["farmer"]).status_code == 404
    for who in ("manager", "farmer"):
        assert client.get("/workers", headers=pool[who]).status_code == 403
        assert client.get("/workers/ada", headers=pool[who]).status_code == 403


def test_an_email_is_per_pool_so_no_coordinator_learns_another_pools_people(engine: Engine) -> None:
    oslo, bergen = add_org(engine, "oslo"), add_org(engine, "bergen")
    add_user(engine, oslo, "coord@oslo.no", Role.coordinator)
    add_user(engine, bergen, "coord@bergen.no", Role.coordinator)
    client = client_for(engine)
    body = {"email": "nurse@mail.no", "password": PASSWORD, "role": "manager"}
    assert client.post("/users", json=body, headers=sign_in(client, "coord@oslo.no")).status_code == 201
    bergen_coord = sign_in(client, "coord@bergen.no")
    assert client.post("/users", json=body, headers=bergen_coord).status_code == 201  # no hint of Oslo's
    assert client.post("/users", json=body, headers=bergen_coord).status_code == 409  # within a pool: taken

    r = client.post("/auth/token", data={"username": "nurse@mail.no", "password": PASSWORD})
    assert r.status_code == 400 and "bergen, oslo" in r.json()["detail"] and "client_id" in r.json()["detail"]
    for pool in ("oslo", "bergen"):
        r = client.post("/auth/token", data={"username": "nurse@mail.no", "password": PASSWORD, "client_id": pool})
        assert r.status_code == 200, r.text
        me = client.get("/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}).json()
        assert me["organisation"] == pool
    r = client.post("/auth/token", data={"username": "nurse@mail.no", "password": "wrong one", "client_id": "oslo"})
    assert r.status_code == 401


def test_registering_in_a_second_pool_makes_a_second_account(pool: dict[str, Any], engine: Engine) -> None:
    client = pool["client"]
    add_user(engine, add_org(engine, "bergen"), "coord@bergen.no", Role.coordinator)
    bergen = sign_in(client, "coord@bergen.no")
    client.post("/regions", json={"id": "centre", "name": "Centre"}, headers=bergen)
    client.post("/skills", json={"id": "nurse", "name": "Nurse"}, headers=bergen)
    body = {**registration(), "organisation": "bergen", "email": "ada@oslo.no"}  # ada is in Oslo already
    assert client.post("/auth/register", json=body).status_code == 202
    r = client.post("/auth/token", data={"username": "ada@oslo.no", "password": body["password"]})
    assert r.status_code == 400 and "bergen, oslo" in r.json()["detail"]
    r = client.post(
        "/auth/token", data={"username": "ada@oslo.no", "password": body["password"], "client_id": "bergen"}
    )
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}).json()
    assert (me["organisation"], me["pending"]) == ("bergen", True)
