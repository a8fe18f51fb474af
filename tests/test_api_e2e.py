"""Every role's main flow over HTTP, end to end: the coordinator sets up the pool, workers register and
get approved, a manager posts shifts and a farmer a job, a solve job proposes the roster, offers are
accepted, a sick call is filled, and the coverage report shows the result."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from api.background.jobs import JobRunner
from models.enums import Role
from tests.api_helpers import PASSWORD, add_org, add_user, sign_in

LIA = {"lat": 63.43, "lon": 10.39}


def person(ref: str) -> dict:
    return {
        "id": ref,
        "name": ref.title(),
        "kind": "health",
        "home_lat": LIA["lat"] + 0.01,
        "home_lon": LIA["lon"],
        "region_id": "centre",
        "max_hours_per_7_days": 40,
        "qualifications": [{"skill": "nurse"}],
    }


def test_every_role_end_to_end(engine: Engine) -> None:
    add_user(engine, add_org(engine, "trondheim"), "pool@trondheim.no", Role.coordinator)
    with TestClient(create_app(engine, runner=JobRunner(engine, poll_seconds=0.1))) as client:
        coord = sign_in(client, "pool@trondheim.no")

        def ok(r, code: int = 200) -> dict:
            assert r.status_code == code, r.text
            return r.json()

        # coordinator: the pool's places and people
        ok(client.post("/regions", json={"id": "centre", "name": "Midtbyen"}, headers=coord), 201)
        ok(client.post("/skills", json={"id": "nurse", "name": "Nurse"}, headers=coord), 201)
        site = {"id": "lia", "name": "Lia sykehjem", "region_id": "centre", **LIA}
        ok(client.post("/sites", json=site, headers=coord), 201)
        ok(client.post("/farms", json={**site, "id": "berg", "name": "Berg gård"}, headers=coord), 201)
        for email, role, places in (
            ("leder@lia.no", "manager", {"sites": ["lia"]}),
            ("bonde@berg.no", "farmer", {"farms": ["berg"]}),
        ):
            ok(
                client.post(
                    "/users", json={"email": email, "password": PASSWORD, "role": role, **places}, headers=coord
                ),
                201,
            )

        # workers: register, then wait for approval; the coordinator makes each always available
        people, me = [], {}
        for name in ["ada", "bo", "cy", "di"]:
            body = {
                "organisation": "trondheim",
                "email": f"{name}@mail.no",
                "password": PASSWORD,
                "worker": person(name),
            }
            ok(client.post("/auth/register", json=body), 202)
            headers = sign_in(client, f"{name}@mail.no", PASSWORD)
            ref = ok(client.get("/auth/me", headers=headers))["worker"]
            people.append(ref)
            me[ref] = headers
        for ref in people:
            ok(client.post(f"/workers/{ref}/approval", json={"approved": True}, headers=coord))
            profile = ok(client.get(f"/workers/{ref}", headers=coord))
            ok(client.put(f"/workers/{ref}", json={**profile, "always_available": True}, headers=coord))
            ok(client.post(f"/workers/{ref}/qualifications/nurse/approval", json={"approved": True}, headers=coord))

        # manager posts shifts at the site; farmer posts a paid job
        manager, farmer = sign_in(client, "leder@lia.no", PASSWORD), sign_in(client, "bonde@berg.no", PASSWORD)
        for ref, day in (("day1", "2027-06-14"), ("day2", "2027-06-15")):
            shift = {
                "id": ref,
                "site_id": "lia",
                "start": f"{day}T07:00",
                "end": f"{day}T15:00",
                "required_skills": ["nurse"],
                "headcount": 2,
            }
            ok(client.post("/shifts", json=shift, headers=manager), 201)
        job = {
            "id": "picking",
            "farm_id": "berg",
            "title": "Strawberries",
            "first_day": "2027-06-16",
            "last_day": "2027-06-16",
            "pay_per_hour": 200,
        }
        ok(client.post("/jobs", json=job, headers=farmer), 201)

        # coordinator: solve, then offer the proposals
        job_id = ok(
            client.post("/solve-jobs", json={"from": "2027-06-14", "to": "2027-06-16", "time_limit": 5}, headers=coord),
            202,
        )["id"]
        deadline = time.monotonic() + 120
        while (state := client.get(f"/solve-jobs/{job_id}", headers=coord).json())["state"] in ("queued", "running"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert state["state"] == "succeeded" and state["assignments"] == 5 and state["unfilled_places"] == 0
        assert len(ok(client.post("/assignments/offer", json={}, headers=coord))) == 5

        # workers accept their offers
        for ref in people:
            for offer in ok(client.get("/assignments?status=offered", headers=me[ref]))["items"]:
                assert offer["worker"] == ref
                ok(client.post(f"/assignments/{offer['id']}/accept", headers=me[ref]))
        assert ok(client.get("/assignments?status=accepted", headers=coord))["total"] == 5

        # a sick call on day1, filled by the manager, accepted by the chosen worker
        sick = next(
            a
            for a in ok(client.get("/assignments?status=accepted&from=2027-06-14&to=2027-06-14", headers=coord))[
                "items"
            ]
        )
        ok(client.post(f"/assignments/{sick['id']}/cancel", headers=me[sick["worker"]]))
        filled = ok(client.post("/shifts/day1/fill", headers=manager))
        assert filled["open_places"] == 1 and len(filled["offered"]) == 1
        chosen = filled["offered"][0]
        assert chosen != sick["worker"]
        offer = next(
            a for a in ok(client.get("/assignments?status=offered", headers=me[chosen]))["items"] if a["item"] == "day1"
        )
        ok(client.post(f"/assignments/{offer['id']}/accept", headers=me[chosen]))

        # the coverage report: every place of the three days is taken
        rows = ok(client.get("/reports/coverage?from=2027-06-14&to=2027-06-16", headers=coord))
        total = next(r for r in rows if r["region"] == "All")
        assert (total["places"], total["filled"], total["coverage_pct"]) == (5, 5, 100.0)
