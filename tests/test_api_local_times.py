"""Every time an answer carries is the organisation's local time with its offset, never bare UTC: the
brief's "times are local", checked over the answers a client reads rather than field by field."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.engine import Engine

from tests.api_helpers import PASSWORD, client_for, sign_in
from tests.web_fixture import ACCOUNTS, local, seed_web_pool

MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def _moments(value: Any, at: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [m for k, v in value.items() for m in _moments(v, f"{at}.{k}")]
    if isinstance(value, list):
        return [m for i, v in enumerate(value) for m in _moments(v, f"{at}[{i}]")]
    return [(at, value)] if isinstance(value, str) and MOMENT.match(value) else []


def test_every_time_in_the_answers_is_local_with_its_offset(engine: Engine, monkeypatch) -> None:
    from calendars import fetch

    monkeypatch.setattr(fetch, "RESOLVE", lambda host: ["93.184.215.14"])
    seed_web_pool(engine)
    client = client_for(engine)
    r = client.post("/auth/token", data={"username": ACCOUNTS["coordinator"], "password": PASSWORD})
    answers: dict[str, Any] = {"POST /auth/token": r.json()}
    coord = {"Authorization": f"Bearer {r.json()['access_token']}"}
    me = sign_in(client, ACCOUNTS["worker"])
    client.put("/workers/ada/busy-times/url", json={"url": "https://calendar.example.com/a.ics"}, headers=me)
    client.patch(
        f"/workers/ada/weeks/{local(5, 0)[:10]}",
        json={"cells": [{"day": local(5, 0)[:10], "block": "day", "state": "busy"}]},
        headers=me,
    )
    answers["POST /calendars/feeds"] = client.post(
        "/calendars/feeds", json={"kind": "worker", "ref": "ada"}, headers=coord
    ).json()
    answers["POST /solve-jobs"] = client.post(
        "/solve-jobs", json={"from": local(1, 0)[:10], "to": local(3, 0)[:10]}, headers=coord
    ).json()
    for path in (
        "/assignments",
        "/shifts",
        "/workers",
        "/workers/ada",
        "/workers/ada/busy-times",
        f"/workers/ada/weeks/{local(5, 0)[:10]}",
        "/calendars/feeds",
        "/solve-jobs",
    ):
        r = client.get(path, headers=coord)
        assert r.status_code == 200, (path, r.text)
        answers[f"GET {path}"] = r.json()
    found = [(name, at, v) for name, body in answers.items() for at, v in _moments(body)]
    names = {at.rsplit(".", 1)[-1] for _, at, _ in found}
    assert {"expires_at", "start", "end", "updated_at", "created_at"} <= names  # each kind was seen
    wrong = [(name, at, v) for name, at, v in found if not re.search(r"[+-]0[12]:00$", v)]
    assert wrong == [], wrong
