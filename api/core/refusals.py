"""``Refused``: the one way a business flow says no. A service (or the core beneath it) raises it with
the status a client understands (403, 404, 409, 422, 503 …) and what went wrong in words a person
reads, or for a field, the field's path and why; it knows nothing of HTTP beyond that number. The door
(``api.http.errors``) turns it into the answer, as JSON or, for a page, as the page's own error; a page
that shows a form catches it and shows the words beside the form."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A request a rule refuses: ``status_code``, ``detail`` (a sentence, or FastAPI's list of field
    errors) and ``headers`` for the answer (``Retry-After`` on 503)."""

    def __init__(self, status_code: int, detail: Any = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code, detail)
        self.status_code = status_code
        self.detail = detail
        self.headers = headers

    def __str__(self) -> str:
        return f"{self.status_code}: {self.detail}"
