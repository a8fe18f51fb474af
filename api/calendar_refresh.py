"""A background thread for calendars while the server runs: registered calendar URLs are refreshed
(each tried again ``REFRESH_EVERY`` after its last attempt; see ``calendars.imports.refresh_due``), and
tombstones that feeds no longer show are forgotten. A newly registered URL wakes it at once."""

from __future__ import annotations

import datetime as dt
import logging
import threading

from sqlalchemy.engine import Engine
from sqlmodel import Session

from calendars.events import KEEP_CANCELLED
from calendars.imports import refresh_due
from models.revisions import prune_tombstones

log = logging.getLogger("bemanna.calendars")


class CalendarRefresher:
    def __init__(self, engine: Engine, check_seconds: float = 300.0) -> None:
        self.engine, self.check_seconds = engine, check_seconds
        self._halt = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="bemanna-calendars", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Run a pass now: a URL was registered or a refresh asked for."""
        self._wake.set()

    def stop(self) -> None:
        self._halt.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._halt.is_set():
            self._wake.wait(self.check_seconds)
            self._wake.clear()
            if self._halt.is_set():
                return
            try:
                self.run_once()
            except Exception as error:  # a database hiccup must not end the thread
                log.error("calendar refresh pass failed: %s", type(error).__name__)

    def run_once(self) -> None:
        refresh_due(self.engine)
        with Session(self.engine) as session:
            prune_tombstones(session, dt.datetime.now(dt.UTC) - KEEP_CANCELLED)
            session.commit()
