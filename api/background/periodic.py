"""A background thread that runs one pass every ``check_seconds`` while the server is up, or at once
when woken. A pass that fails is logged by the error's type only (never its text, which may hold
personal data) and the thread goes on."""

from __future__ import annotations

import logging
import threading


class Periodic:
    name = "bemanna-background"
    log = logging.getLogger("bemanna")
    run_at_start = True  # False: the first pass waits for a tick or a wake

    def __init__(self, check_seconds: float) -> None:
        self.check_seconds = check_seconds
        self._halt = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> object:
        raise NotImplementedError

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Run a pass now, instead of at the next tick."""
        self._wake.set()

    def stop(self) -> None:
        self._halt.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    @property
    def halted(self) -> bool:
        return self._halt.is_set()

    def _loop(self) -> None:
        if not self.run_at_start:
            self._tick()
        while not self._halt.is_set():
            try:
                self.run_once()
            except Exception as error:  # a database hiccup must not end the thread
                self.log.error("%s pass failed: %s", self.name, type(error).__name__)
            self._tick()

    def _tick(self) -> None:
        self._wake.wait(self.check_seconds)
        self._wake.clear()
