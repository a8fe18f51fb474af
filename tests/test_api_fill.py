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


def test_a_job_day_is_filled_like_a_shift(engine: Engine) -> None:
    """A picker falls ill on one day of a multi-day job; the farmer fills that day (and only that day)."""
    pickers = [worker(w, skills=("tractor_licence",), kind="seasonal") for w in ("p1", "p2", "p3")]
    prob = problem(pickers, [])
    data = prob.model_dump(mode="json")
    data["jobs"] = [
        {
            "id": "straw",
            "farm_id": "farm1",
            "title": "Strawberry picking",
            "first_day": "2027-06-14",
            "last_day": "2027-06-16",
            "daily_start": "07:00",
            "daily_hours": 6,
            "headcount": 1,
            "pay_per_hour": 190,
            "required_skills": ["tractor_licence"],
        }
    ]
    prob = type(prob).model_validate(data)
    booked = [("p1", f"straw@2027-06-1{d}", AssignmentStatus.accepted) for d in (4, 5, 6)]
    oslo, ids = store_pool(engine, prob, booked)
    add_user(engine, oslo, "p1@oslo.no", Role.worker, worker_id=ids["p1"])
    add_user(engine, oslo, "coord@oslo.no", Role.coordinator)
    client = client_for(engine)
    coord = sign_in(client, "coord@oslo.no")
    body = {"email": "farmer@oslo.no", "password": PASSWORD, "role": "farmer", "farms": ["farm1"]}
    assert client.post("/users", json=body, headers=coord).status_code == 201
    farmer, p1 = sign_in(client, "farmer@oslo.no", PASSWORD), sign_in(client, "p1@oslo.no")

    sick = next(x for x in client.get("/assignments", headers=p1).json()["items"] if x["item"] == "straw@2027-06-15")
    assert client.post(f"/assignments/{sick['id']}/cancel", headers=p1).json()["status"] == "cancelled"
    r = client.post("/jobs/straw/fill", params={"day": "2027-06-15"}, headers=farmer)
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["item"] == "straw@2027-06-15" and result["open_places"] == 1 and len(result["offered"]) == 1
    why = {c["worker_id"]: c for c in result["candidates"]}
    assert why["p1"]["reason"].startswith("declined or was cancelled")
    chosen = why[result["offered"][0]]
    assert chosen["reason"].startswith("chosen: ") and "km from home" in chosen["reason"]
    assert "added_cost" not in chosen and not any("score" in c["reason"] for c in result["candidates"])
    offered = [x for x in client.get("/assignments", headers=coord).json()["items"] if x["status"] == "offered"]
    assert [x["item"] for x in offered] == ["straw@2027-06-15"]  # that day only

    assert client.post("/jobs/straw/fill", params={"day": "2027-06-15"}, headers=farmer).json()["open_places"] == 1
    r = client.post("/jobs/straw/fill", params={"day": "2027-06-20"}, headers=farmer)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "day"]
    assert client.post("/jobs/straw/fill", headers=farmer).status_code == 422
    assert client.post("/jobs/straw/fill", params={"day": "2027-06-15"}, headers=p1).status_code == 403
    assert client.post("/jobs/nope/fill", params={"day": "2027-06-15"}, headers=farmer).status_code == 404
