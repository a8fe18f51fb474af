"""Server-wide slots for work that must not run unbounded at once (Argon2 hashing, calendar expansion):
one semaphore per name, sized by a setting and made again when the setting changes."""

from __future__ import annotations

import threading

_lock = threading.Lock()
_slots: dict[str, tuple[int, threading.BoundedSemaphore]] = {}


def slots(name: str, count: int) -> threading.BoundedSemaphore:
    with _lock:
        held = _slots.get(name)
        if held is None or held[0] != count:
            held = _slots[name] = (count, threading.BoundedSemaphore(count))
        return held[1]
