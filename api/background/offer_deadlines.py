"""The background passes over time: every minute, the offer cascade (``api.services.cascade``:
reminders for offers past half their time, and offers whose time is up expire and go to the next
candidate) and the daily digests of pending approvals that have come due (``api.services.digest``)."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from api.background.periodic import Periodic
from api.services import cascade, digest


class Deadlines(Periodic):
    name = "bemanna-deadlines"
    log = logging.getLogger("bemanna.offers")

    def __init__(self, engine: Engine, check_seconds: float = 60.0) -> None:
        super().__init__(check_seconds)
        self.engine = engine

    def run_once(self) -> object:
        return cascade.run_due(self.engine), digest.run_due(self.engine)
