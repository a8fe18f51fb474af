"""The door every request passes first: bounded bodies, and text and numbers the database can store.

Pydantic checks each field's meaning, but some input is wrong everywhere and would otherwise reach SQL
(where PostgreSQL refuses it with a server error) or the solver: NUL characters and lone UTF-16
surrogates in any text (path, query, form or JSON), NaN and Infinity, and integers beyond 64 bits in
JSON. Such a request is answered 422 naming the field, before any route runs. A body over the size
limit is answered 413 without being read to its end. Calendar uploads have their own, larger limit.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from models.settings import settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UPLOAD = re.compile(r"^/(workers/[^/]+/busy-times|my/busy/file)$")  # the API's and the page's
INT64 = 2**63 - 1
MAX_ERRORS = 20


def _text_error(loc: list[Any], value: str) -> dict[str, Any] | None:
    found = UNSTORABLE.search(value)
    if found is None:
        return None
    what = "a NUL character" if found.group() == "\x00" else "a lone UTF-16 surrogate (not a character)"
    return {"type": "value_error", "loc": loc, "msg": f"contains {what}, which no text field may hold"}


def _walk(value: Any, loc: list[Any], out: list[dict[str, Any]]) -> None:
    """Collect what no field may hold in a decoded JSON value, with the path to it."""
    if len(out) >= MAX_ERRORS:
        return
    if isinstance(value, str):
        error = _text_error(loc, value)
        if error:
            out.append(error)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if abs(value) > INT64:
            out.append({"type": "value_error", "loc": loc, "msg": "is too large a number (beyond 64 bits)"})
    elif isinstance(value, float):
        if not math.isfinite(value):
            out.append({"type": "value_error", "loc": loc, "msg": "must be a finite number, not NaN or Infinity"})
    elif isinstance(value, dict):
        for key, item in value.items():
            key_error = _text_error([*loc, key], key)
            if key_error:
                out.append(key_error)
            _walk(item, [*loc, key], out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, [*loc, index], out)


def problems(scope: Scope, body: bytes) -> list[dict[str, Any]]:
    """What in the request no field may hold, as FastAPI-shaped errors (empty: let it through)."""
    out: list[dict[str, Any]] = []
    path_error = _text_error(["path"], scope.get("path", ""))
    if path_error:
        out.append(path_error)
    for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True):
        for text in (name, value):
            error = _text_error(["query", name], text)
            if error:
                out.append(error)
    kind = _content_type(scope)
    if body and kind == "application/json":
        with contextlib.suppress(ValueError, RecursionError):  # not JSON: FastAPI says so, naming the position
            _walk(json.loads(body), ["body"], out)
    elif body and kind == "application/x-www-form-urlencoded":
        for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
            for text in (name, value):
                error = _text_error(["body", name], text)
                if error:
                    out.append(error)
    return out[:MAX_ERRORS]


def _content_type(scope: Scope) -> str:
    for key, value in scope.get("headers", []):
        if key == b"content-type":
            return str(value.decode("latin-1").split(";")[0].strip().lower())
    return ""


def _declared_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class Guard:
    """ASGI middleware: reads the body up to the limit, checks it, and hands the same bytes on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        config = settings()
        upload = scope.get("method") == "POST" and UPLOAD.match(scope.get("path", "")) is not None
        limit = config.max_upload_bytes if upload else config.max_request_bytes
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _answer(send, 413, {"detail": _too_large(limit)})
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _answer(send, 413, {"detail": _too_large(limit)})
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        found = problems(scope, body)
        if found:
            await _answer(send, 422, {"detail": found})
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _too_large(limit: int) -> str:
    return f"the request body is larger than {limit / 1_000_000:g} MB"


async def _answer(send: Send, status: int, content: dict[str, Any]) -> None:
    body = json.dumps(content).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
