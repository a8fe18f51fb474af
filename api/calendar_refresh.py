"""A background thread that keeps registered calendar URLs fresh while the server runs (every source
is tried again ``REFRESH_EVERY`` after its last attempt; see ``calendars.imports.refresh_due``)."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.engine import Engine

from calendars.imports import refresh_due

log = logging.getLogger("bemanna.calendars")


class CalendarRefresher:
    def __init__(self, engine: Engine, check_seconds: float = 300.0) -> None:
        self.engine, self.check_seconds = engine, check_seconds
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="bemanna-calendars", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._halt.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._halt.wait(self.check_seconds):
            try:
                refresh_due(self.engine)
            except Exception as error:  # a database hiccup must not end the thread
                log.error("calendar refresh pass failed: %s", type(error).__name__)
