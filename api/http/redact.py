"""Keep secrets out of logs: a calendar feed's URL is its key, so access logs show it masked."""

from __future__ import annotations

import logging
import re

FEED_PATH = re.compile(r"(/calendars/[a-z]+/)[^/\s?\"]+(\.ics)")
MASK = r"\1<token>\2"


def mask(text: str) -> str:
    return FEED_PATH.sub(MASK, text)


class FeedTokenFilter(logging.Filter):
    """Rewrites a record's message and arguments with feed tokens masked (it never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(mask(a) if isinstance(a, str) else a for a in record.args)
        return True


def install(*names: str) -> None:
    """Add the filter to the named loggers (uvicorn's access and error logs by default), once."""
    for name in names or ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, FeedTokenFilter) for f in logger.filters):
            logger.addFilter(FeedTokenFilter())
