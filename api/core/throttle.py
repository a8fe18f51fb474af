"""Rate limits on signing in and registering, per e-mail and per client address.

Counters live where the deployment says (``rate_limit_storage``): Redis, so that every server behind
one address counts together, or memory for the embedded single-server default. If Redis stops
answering, counting carries on in memory (per server) rather than locking everyone out, and the
server logs it once. Identifiers are hashed before they are stored: a counter's key never holds an
e-mail address.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger("bemanna.api")


@dataclass(frozen=True)
class Refusal:
    retry_after: int  # seconds


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class Throttle:
    def __init__(self, url: str = "memory://", prefix: str = "bemanna") -> None:
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        shared = MemoryStorage() if url.startswith("memory://") else storage_from_string(url, key_prefix=prefix)
        assert isinstance(shared, Storage)  # the synchronous kind, for a synchronous limiter
        self._shared = MovingWindowRateLimiter(shared)
        self._degraded = False

    def _limiter(self) -> MovingWindowRateLimiter:
        return self._memory if self._degraded else self._shared

    def _run(self, method: str, item: RateLimitItem, key: str) -> bool:
        try:
            return bool(getattr(self._limiter(), method)(item, key))
        except Exception as error:  # the shared store is down: keep protecting this server on its own
            if not self._degraded:
                log.warning("rate-limit storage unavailable (%s); counting in memory", type(error).__name__)
                self._degraded = True
            return bool(getattr(self._memory, method)(item, key))

    def _refusal(self, items: list[RateLimitItem], key: str) -> Refusal:
        now = time.time()
        waits = [self._limiter().get_window_stats(item, key).reset_time - now for item in items]
        return Refusal(max(1, math.ceil(max(waits, default=1))))

    def hit(self, limits: str, *identifiers: str) -> Refusal | None:
        """Count one attempt against every limit of ``limits`` ("10/minute;50/hour"); a refusal if any
        limit is already used up (the attempt is then not counted)."""
        items, key = parse_many(limits), _key(limits, *identifiers)
        if not all(self._run("test", item, key) for item in items):
            return self._refusal(items, key)
        for item in items:
            self._run("hit", item, key)
        return None

    def check(self, limits: str, *identifiers: str) -> Refusal | None:
        """A refusal if any limit is used up, without counting an attempt."""
        items, key = parse_many(limits), _key(limits, *identifiers)
        if all(self._run("test", item, key) for item in items):
            return None
        return self._refusal(items, key)

    def count(self, limits: str, *identifiers: str) -> None:
        """Count one attempt (a failed sign-in, say) against every limit of ``limits``."""
        key = _key(limits, *identifiers)
        for item in parse_many(limits):
            self._run("hit", item, key)
