"""Home-to-work distance: straight-line (haversine) unless the problem carries an override matrix."""

from __future__ import annotations

import math
from typing import Protocol

from models.problem import Problem, Worker
from models.work_items import WorkItem

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class Travel(Protocol):
    def km(self, worker: Worker, item: WorkItem) -> float: ...


class HaversineTravel:
    """Great-circle distance; ``overrides`` (worker id, place id) -> km win where given."""

    def __init__(self, overrides: dict[tuple[str, str], float] | None = None) -> None:
        self.overrides = overrides or {}

    def km(self, worker: Worker, item: WorkItem) -> float:
        override = self.overrides.get((worker.id, item.place_id))
        if override is not None:
            return override
        return haversine_km(worker.home_lat, worker.home_lon, item.lat, item.lon)


def travel_for(problem: Problem) -> Travel:
    return HaversineTravel({(t.worker_id, t.place_id): t.km for t in problem.travel})
