"""Gap filling over HTTP: a sick call opens a place, the manager fills it, the chosen worker accepts."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from models.enums import AssignmentStatus, Role
from tests.api_helpers import PASSWORD, add_org, add_user, client_for, sign_in, store_pool
from tests.factory import problem, shift, worker


def test_sick_call_then_fill_then_accept(engine: Engine) -> None:
    prob = problem(
        [worker("a"), worker("b"), worker("c"), worker("d", skills=("assistant_nurse",))],
        [shift("s0", 1, 7, 8), shift("s1", 1, 8, 8)],
    )
    accepted = [(w, i, AssignmentStatus.accepted) for w, i in (("a", "s0"), ("b", "s1"))]
    oslo, ids = store_pool(engine, prob, accepted)
    for w in ("a", "c"):
        add_user(engine, oslo, f"{w}@oslo.no", Role.worker, worker_id=ids[w])
    add_user(engine, oslo, "coord@oslo.no", Role.coordinator)
    add_user(engine, add_org(engine, "bergen"), "coord@bergen.no", Role.coordinator)
    client = client_for(engine)
    coord = sign_in(client, "coord@oslo.no")
    for email, sites in (("manager@oslo.no", ["site1"]), ("other@oslo.no", [])):
        body = {"email": email, "password": PASSWORD, "role": "manager", "sites": sites}
        assert client.post("/users", json=body, headers=coord).status_code == 201
    a, manager = sign_in(client, "a@oslo.no"), sign_in(client, "manager@oslo.no")

    mine = client.get("/assignments", headers=a).json()["items"]
    assert client.post(f"/assignments/{mine[0]['id']}/cancel", headers=a).json()["status"] == "cancelled"

    preview = client.post("/shifts/s0/fill?offer=false", headers=manager).json()
    assert preview["open_places"] == 1 and preview["offered"] == []
    r = client.post("/shifts/s0/fill", headers=manager)
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["offered"] == ["c"]
    why = {c["worker_id"]: c for c in result["candidates"]}
    assert why["c"]["chosen"] and why["c"]["rank"] == 1
    assert why["a"]["reason"].startswith("declined or was cancelled")
    assert why["b"]["reason"] == "busy with overlapping work"
    assert why["d"]["reason"] == "lacks an approved, valid skill 'nurse'"

    c = sign_in(client, "c@oslo.no")
    offer = next(x for x in client.get("/assignments", headers=c).json()["items"] if x["item"] == "s0")
    assert offer["status"] == "offered"
    assert client.post(f"/assignments/{offer['id']}/accept", headers=c).json()["status"] == "accepted"
    assert client.post("/shifts/s0/fill", headers=manager).json()["open_places"] == 0

    assert client.post("/shifts/s0/fill", headers=sign_in(client, "other@oslo.no", PASSWORD)).status_code == 403
    assert client.post("/shifts/s0/fill", headers=sign_in(client, "coord@bergen.no")).status_code == 404
    assert client.post("/shifts/nope/fill", headers=manager).status_code == 404
    assert client.post("/shifts/s0/fill", headers=c).status_code == 403
