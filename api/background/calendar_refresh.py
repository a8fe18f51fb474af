"""A background thread for calendars while the server runs: registered calendar URLs are refreshed
(each tried again ``REFRESH_EVERY`` after its last attempt; see ``calendars.imports.refresh_due``), and
tombstones that feeds no longer show are forgotten. A newly registered URL wakes it at once."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.background.periodic import Periodic
from calendars.events import KEEP_CANCELLED
from calendars.imports import refresh_due
from models.revisions import prune_tombstones

log = logging.getLogger("bemanna.calendars")


class CalendarRefresher(Periodic):
    name = "bemanna-calendars"
    log = log
    run_at_start = False

    def __init__(self, engine: Engine, check_seconds: float = 300.0) -> None:
        super().__init__(check_seconds)
        self.engine = engine

    def run_once(self) -> None:
        refresh_due(self.engine)
        with Session(self.engine) as session:
            prune_tombstones(session, dt.datetime.now(dt.UTC) - KEEP_CANCELLED)
            session.commit()
