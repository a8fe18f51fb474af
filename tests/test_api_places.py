"""Health sites and farms over HTTP: CRUD, roles, validation and the organisation boundary."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.enums import Role
from models.tables import Shift, Site
from tests.api_helpers import two_pools

SITE = {"id": "lia", "name": "Lia sykehjem", "lat": 63.43, "lon": 10.39, "region_id": "centre", "kind": "clinic"}
FARM = {"id": "berg", "name": "Berg gård", "lat": 63.3, "lon": 10.2, "region_id": "centre", "contact": "Kari"}


@pytest.fixture
def api(engine: Engine) -> tuple[TestClient, dict[str, dict[str, str]], Engine]:
    client, who = two_pools(engine, ("farmer@oslo.no", Role.farmer), {"/regions": ["centre"]})
    return client, who, engine


@pytest.mark.parametrize(("path", "body"), [("/sites", SITE), ("/farms", FARM)])
def test_place_crud(api, path: str, body: dict) -> None:
    client, who, _ = api
    coord = who["coord@oslo.no"]
    r = client.post(path, json=body, headers=coord)
    assert r.status_code == 201, r.text
    assert r.json()["name"] == body["name"] and r.json()["region_id"] == "centre"
    assert client.post(path, json=body, headers=coord).status_code == 409
    assert client.post(path, json=body, headers=who["farmer@oslo.no"]).status_code == 403
    assert client.get(f"{path}?region=centre", headers=who["farmer@oslo.no"]).json()["total"] == 1
    assert client.get(f"{path}?region=elsewhere", headers=coord).json()["total"] == 0
    changed = {**body, "name": "Renamed", "lat": 60.0}
    r = client.put(f"{path}/{body['id']}", json=changed, headers=coord)
    assert r.status_code == 200 and r.json()["name"] == "Renamed" and r.json()["lat"] == 60.0
    assert client.put(f"{path}/{body['id']}", json={**changed, "id": "other"}, headers=coord).status_code == 422
    assert client.delete(f"{path}/{body['id']}", headers=coord).status_code == 204
    assert client.get(f"{path}/{body['id']}", headers=coord).status_code == 404


@pytest.mark.parametrize(("path", "body"), [("/sites", SITE), ("/farms", FARM)])
def test_place_validation(api, path: str, body: dict) -> None:
    client, who, _ = api
    coord = who["coord@oslo.no"]
    r = client.post(path, json={**body, "lat": 123}, headers=coord)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "lat"]
    r = client.post(path, json={**body, "region_id": "nowhere"}, headers=coord)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "region_id"]


@pytest.mark.parametrize(("path", "body"), [("/sites", SITE), ("/farms", FARM)])
def test_places_never_cross_organisations(api, path: str, body: dict) -> None:
    client, who, _ = api
    oslo, bergen = who["coord@oslo.no"], who["coord@bergen.no"]
    assert client.post(path, json=body, headers=oslo).status_code == 201
    assert client.get(path, headers=bergen).json()["total"] == 0
    assert client.get(f"{path}/{body['id']}", headers=bergen).status_code == 404
    assert client.put(f"{path}/{body['id']}", json={**body, "name": "X"}, headers=bergen).status_code == 404
    assert client.delete(f"{path}/{body['id']}", headers=bergen).status_code == 404
    assert client.get(f"{path}/{body['id']}", headers=oslo).json()["name"] == body["name"]


def test_site_in_use_cannot_be_deleted(api) -> None:
    client, who, engine = api
    coord = who["coord@oslo.no"]
    client.post("/sites", json=SITE, headers=coord)
    with Session(engine) as session:
        site = session.exec(select(Site).where(Site.ref == "lia")).one()
        start = dt.datetime(2027, 1, 4, 7, tzinfo=dt.UTC)
        session.add(
            Shift(
                organisation_id=site.organisation_id,
                ref="s1",
                site_id=site.id,
                start_utc=start,
                end_utc=start + dt.timedelta(hours=8),
            )
        )
        session.commit()
    r = client.delete("/sites/lia", headers=coord)
    assert r.status_code == 409 and r.json()["detail"] == "site 'lia' still has shifts; move or remove them first"
    assert client.get("/sites/lia", headers=coord).status_code == 200
