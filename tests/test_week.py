"""A worker's week grid: blocks in local time (DST included), only changed blocks rewritten, finer
windows and windows beyond the week kept, and no change that takes her away from accepted work."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.core.refusals import Refused
from api.services import week
from models import tables as t
from models.enums import AvailabilityKind
from tests.api_helpers import sign_in
from tests.test_web_pages import csrf, page_sign_in
from tests.web_fixture import ACCOUNTS, OSLO, local, pages_client, seed_web_pool

UTC = dt.UTC


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=OSLO).astimezone(UTC)


def _worker(session: Session, ref: str) -> t.Worker:
    return session.exec(select(t.Worker).where(t.Worker.ref == ref)).one()


def _free_only_where_stated(session: Session, ref: str) -> t.Worker:
    worker = _worker(session, ref)
    worker.always_available = False
    session.add(worker)
    session.commit()
    return worker


def _typed(session: Session, worker: t.Worker) -> list[tuple[AvailabilityKind, dt.datetime, dt.datetime]]:
    rows = session.exec(
        select(t.Availability)
        .where(t.Availability.worker_id == worker.id, col(t.Availability.source).is_(None))
        .order_by(col(t.Availability.start_utc))
    )
    return [(r.kind, r.start_utc.astimezone(UTC), r.end_utc.astimezone(UTC)) for r in rows]


@pytest.fixture
def pool(engine: Engine) -> Engine:
    seed_web_pool(engine)
    return engine


MONDAY = dt.date(2027, 3, 22)  # the week in which Norway moves its clocks forward (Sunday 28 March)


def test_blocks_are_local_and_a_night_runs_to_the_next_morning_across_the_clock_change(pool: Engine) -> None:
    with Session(pool) as session:
        grid = week.week(session, _worker(session, "bo"), MONDAY + dt.timedelta(days=3))
    assert grid.monday == MONDAY and len(grid.cells) == 21 and all(c.state == "" for c in grid.cells)
    first = grid.cells[0]
    assert (first.block.key, first.start, first.end) == ("day", _at(MONDAY, 7), _at(MONDAY, 15))
    saturday_night = next(c for c in grid.cells if c.day == dt.date(2027, 3, 27) and c.block.key == "night")
    assert saturday_night.end - saturday_night.start == dt.timedelta(hours=7)  # 23:00 CET to 07:00 CEST
    ends = [c.end for c in grid.cells]
    assert [c.start for c in grid.cells[1:]] == ends[:-1]  # the blocks tile the week without gap or overlap


def test_saving_joins_touching_blocks_and_rewrites_only_what_changed(pool: Engine) -> None:
    tuesday = MONDAY + dt.timedelta(days=1)
    with Session(pool) as session:
        bo = _worker(session, "bo")
        grid = week.save(
            session,
            bo,
            MONDAY,
            {(tuesday, "day"): "free", (tuesday, "evening"): "free", (MONDAY, "night"): "busy"},
        )
        assert _typed(session, bo) == [
            (AvailabilityKind.unavailable, _at(MONDAY, 23), _at(tuesday, 7)),
            (AvailabilityKind.available, _at(tuesday, 7), _at(tuesday, 23)),
        ]
        states = {(c.day, c.block.key): c.state for c in grid.cells}
        assert states[(tuesday, "day")] == states[(tuesday, "evening")] == "free"
        assert states[(MONDAY, "night")] == "busy" and states[(MONDAY, "day")] == ""
        week.save(session, bo, MONDAY, {(tuesday, "evening"): "prefer", (tuesday, "day"): "free"})
        assert _typed(session, bo)[1:] == [
            (AvailabilityKind.available, _at(tuesday, 7), _at(tuesday, 15)),
            (AvailabilityKind.preferred, _at(tuesday, 15), _at(tuesday, 23)),
        ]


def test_finer_windows_and_windows_beyond_the_week_stay_where_their_blocks_are_left_alone(pool: Engine) -> None:
    wednesday = MONDAY + dt.timedelta(days=2)
    with Session(pool) as session:
        bo = _worker(session, "bo")
        session.add(
            t.Availability(
                worker_id=bo.id,
                kind=AvailabilityKind.available,
                start_utc=_at(wednesday, 10),
                end_utc=_at(wednesday, 12),
            )
        )
        long = t.Availability(  # a fortnight free, from the Saturday before the week
            worker_id=bo.id,
            kind=AvailabilityKind.available,
            start_utc=_at(MONDAY - dt.timedelta(days=2), 7),
            end_utc=_at(MONDAY + dt.timedelta(days=12), 7),
        )
        session.add(long)
        session.commit()
        grid = week.week(session, bo, MONDAY)
        cell = next(c for c in grid.cells if c.day == wednesday and c.block.key == "day")
        assert cell.state == week.MIXED and cell.detail == "free 07:00–15:00, free 10:00–12:00"
        session.delete(long)
        session.commit()
        cell = next(c for c in week.week(session, bo, MONDAY).cells if c.day == wednesday and c.block.key == "day")
        assert (cell.state, cell.detail) == (week.MIXED, "free 10:00–12:00")
        session.add(
            long := t.Availability(
                worker_id=bo.id, kind=AvailabilityKind.available, start_utc=long.start_utc, end_utc=long.end_utc
            )
        )
        session.commit()
        week.save(session, bo, MONDAY, {(MONDAY, "day"): "busy"})
        free = AvailabilityKind.available
        assert _typed(session, bo) == [
            (free, _at(MONDAY - dt.timedelta(days=2), 7), _at(MONDAY, 7)),  # the part before the week is kept
            (AvailabilityKind.unavailable, _at(MONDAY, 7), _at(MONDAY, 15)),
            (free, _at(MONDAY, 15), _at(MONDAY + dt.timedelta(days=12), 7)),  # and after (10–12 lies inside)
        ]


def test_imported_busy_times_are_not_the_grids_to_change(pool: Engine) -> None:
    with Session(pool) as session:
        bo = _worker(session, "bo")
        session.add(
            t.Availability(
                worker_id=bo.id,
                kind=AvailabilityKind.unavailable,
                start_utc=_at(MONDAY, 9),
                end_utc=_at(MONDAY, 10),
                source="ics-upload",
            )
        )
        session.commit()
        assert week.week(session, bo, MONDAY).cells[0].state == ""
        week.save(session, bo, MONDAY, {(MONDAY, "day"): "free"})
        imported = session.exec(select(t.Availability).where(col(t.Availability.source).is_not(None))).all()
        assert [(r.start_utc.astimezone(UTC), r.end_utc.astimezone(UTC)) for r in imported] == [
            (_at(MONDAY, 9), _at(MONDAY, 10))
        ]


def test_a_change_that_takes_her_away_from_accepted_work_is_refused_and_nothing_is_saved(pool: Engine) -> None:
    accepted_day = dt.date.fromisoformat(local(2, 0)[:10])  # ada accepted 08:00–15:30 that day
    with Session(pool) as session:
        ada = _worker(session, "ada")
        before = _typed(session, ada)
        for change in ({(accepted_day, "day"): "busy"}, {(accepted_day, "evening"): "busy"}):
            with pytest.raises(Refused) as refused:
                week.save(session, ada, accepted_day, change)
            assert refused.value.status_code == 422
            message = refused.value.detail[0]["msg"]
            assert "you have accepted work on" in message and "08:00–15:30" in message
            session.rollback()
            assert _typed(session, ada) == before
        week.save(session, ada, accepted_day, {(accepted_day, "night"): "busy"})  # after the work: fine
        assert len(_typed(session, ada)) == len(before) + 1


def test_a_worker_who_is_free_only_where_stated_cannot_unstate_her_accepted_work(pool: Engine) -> None:
    accepted_day = dt.date.fromisoformat(local(2, 0)[:10])
    with Session(pool) as session:
        ada = _free_only_where_stated(session, "ada")
        week.save(session, ada, accepted_day, {(accepted_day, "day"): "free"})  # the pool's day: 08:00–15:30
        with pytest.raises(Refused) as refused:
            week.save(session, ada, accepted_day, {(accepted_day, "day"): ""})
        assert "accepted work" in refused.value.detail[0]["msg"]


def test_the_api_reads_and_sets_a_week_for_the_worker_and_the_coordinator_only(pool: Engine) -> None:
    from tests.api_helpers import client_for

    client = client_for(pool)
    me = sign_in(client, ACCOUNTS["worker"])
    r = client.patch(
        f"/workers/ada/weeks/{MONDAY}",
        json={"cells": [{"day": str(MONDAY), "block": "night", "state": "busy"}]},
        headers=me,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["timezone"] == "Europe/Oslo" and body["monday"] == str(MONDAY)
    assert body["cells"][2] | {"detail": ""} == {
        "day": str(MONDAY),
        "block": "night",
        "start": "2027-03-22T23:00:00+01:00",
        "end": "2027-03-23T07:00:00+01:00",
        "reaches": "2027-03-23T07:00:00+01:00",
        "state": "busy",
        "detail": "",
    }
    assert client.get(f"/workers/ada/weeks/{MONDAY + dt.timedelta(days=6)}", headers=me).json() == body
    assert client.get(f"/workers/bo/weeks/{MONDAY}", headers=me).status_code == 403
    for bad, field in (
        ({"cells": [{"day": str(MONDAY), "block": "noon", "state": "busy"}]}, "block"),
        ({"cells": [{"day": str(MONDAY), "block": "day", "state": "maybe"}]}, "state"),
    ):
        r = client.patch(f"/workers/ada/weeks/{MONDAY}", json=bad, headers=me)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == field
    r = client.patch(
        f"/workers/ada/weeks/{MONDAY}",
        json={"cells": [{"day": str(MONDAY + dt.timedelta(days=7)), "block": "day", "state": "busy"}]},
        headers=me,
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", f"{MONDAY + dt.timedelta(days=7)}/day"]
    assert client.get("/workers/ada/weeks/0001-01-01", headers=me).status_code == 422
    coordinator = sign_in(client, ACCOUNTS["coordinator"])
    assert client.get(f"/workers/ada/weeks/{MONDAY}", headers=coordinator).json() == body
    bergen = sign_in(client, "coord@bergen.no")
    assert client.get(f"/workers/ada/weeks/{MONDAY}", headers=bergen).status_code == 404


def test_the_week_page_saves_changed_blocks_and_says_why_it_refuses(sqlite_engine: Engine) -> None:
    seed_web_pool(sqlite_engine)
    client = pages_client(sqlite_engine)
    page_sign_in(client, ACCOUNTS["worker"])
    accepted_day = local(2, 0)[:10]
    token = csrf(client, f"/my/week?day={accepted_day}")
    r = client.get(f"/my/week?day={accepted_day}")
    assert "Europe/Oslo time" in r.text and f'name="{accepted_day}/night"' in r.text
    r = client.post("/my/week", data={"csrf": token, "week": accepted_day, f"{accepted_day}/night": "prefer"})
    assert r.status_code == 200 and "Your week is saved." in r.text
    assert '<div class="week-cell state-prefer">' in r.text
    r = client.post("/my/week", data={"csrf": token, "week": accepted_day, f"{accepted_day}/day": "busy"})
    assert r.status_code == 422 and "Nothing was saved: you have accepted work on" in r.text
    r = client.post("/my/week", data={"csrf": token, "week": "not a day"})
    assert r.status_code == 422
    assert client.get("/my/week?day=1200-01-01").status_code == 404
    assert client.post("/my/week", data={"week": accepted_day, f"{accepted_day}/day": "busy"}).status_code == 403


def test_the_blocks_follow_the_pools_own_work_times() -> None:
    """Day shifts 08:00–15:30 overlapping evenings from 15:00, nights 22:45–08:15: each block starts with
    its part's common start and reaches the end of its work; a one-off early start does not move it."""
    at = week._minute
    work = [(at(dt.datetime(2027, 1, 4, 8)), 450)] * 30 + [(at(dt.datetime(2027, 1, 4, 5)), 480)]
    work += [(at(dt.datetime(2027, 1, 4, 15)), 480)] * 30 + [(at(dt.datetime(2027, 1, 4, 22, 45)), 570)] * 30
    day, evening, night = week.blocks_of(work)
    assert (day.start, day.until) == (dt.time(8), dt.time(15, 30))
    assert (evening.start, evening.until) == (dt.time(15), dt.time(23))
    assert (night.start, night.until) == (dt.time(22, 45), dt.time(8, 15))
    assert [b.label for b in week.blocks_of([])] == ["Day 07:00–15:00", "Evening 15:00–23:00", "Night 23:00–07:00"]


def _bo_user(session: Session, bo: t.Worker) -> t.User:
    return t.User(organisation_id=bo.organisation_id, email="bo@oslo.no", role="worker", worker_id=bo.id)


def test_a_free_day_in_the_grid_offers_the_pools_day_shift_that_ends_after_three(pool: Engine) -> None:
    """The issue's case: a day shift 08:00–15:30 (the fixture's), a worker who marks her day free and
    nothing else sees it on the open board; a busy evening next to it does not hide it."""
    from api.services import board

    tomorrow = dt.date.fromisoformat(local(1, 0)[:10])
    with Session(pool) as session:
        bo = _free_only_where_stated(session, "bo")
        grid = week.week(session, bo, tomorrow)
        assert grid.blocks[0].label == "Day 08:00–15:30"  # the pool's day shifts
        week.save(session, bo, tomorrow, {(tomorrow, "day"): "free", (tomorrow, "evening"): "busy"})
        shown = board.view(session, _bo_user(session, bo))
        assert [p.item for p in shown.places] == ["day1"] and shown.almost == []
        states = {(c.day, c.block.key): c.state for c in week.week(session, bo, tomorrow).cells}
        assert states[(tomorrow, "day")] == "free" and states[(tomorrow, "evening")] == "busy"
        week.save(session, bo, tomorrow, {(tomorrow, "day"): "busy"})  # the shared 15:00–15:30 follows
        assert _typed(session, bo) == [
            (AvailabilityKind.unavailable, _at(tomorrow, 8), _at(tomorrow, 23)),
        ]


def test_the_board_says_why_work_she_almost_fits_is_not_offered(pool: Engine) -> None:
    from api.services import board

    tomorrow = dt.date.fromisoformat(local(1, 0)[:10])
    with Session(pool) as session:
        bo = _free_only_where_stated(session, "bo")
        session.add(  # typed with finer times (the API takes any window): free until three
            t.Availability(
                worker_id=bo.id, kind=AvailabilityKind.available, start_utc=_at(tomorrow, 7), end_utc=_at(tomorrow, 15)
            )
        )
        session.commit()
        shown = board.view(session, _bo_user(session, bo))
        assert shown.places == []
        [almost] = [a for a in shown.almost if a.place.item == "day1"]
        assert almost.why == f"you have not marked {tomorrow:%a} 15:00–15:30 free" and almost.week == tomorrow
        assert board.board(session, _bo_user(session, bo)) == []  # the API's list is what she may take
