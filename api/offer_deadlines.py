"""The background pass of the offer cascade (``api.services.cascade``): every minute, reminders for
offers past half their time, and offers whose time is up expire and go to the next candidate."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from api.background import Periodic
from api.services.cascade import run_due


class OfferDeadlines(Periodic):
    name = "bemanna-offers"
    log = logging.getLogger("bemanna.offers")

    def __init__(self, engine: Engine, check_seconds: float = 60.0) -> None:
        super().__init__(check_seconds)
        self.engine = engine

    def run_once(self) -> object:
        return run_due(self.engine)
