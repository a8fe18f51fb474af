"""Calendar feeds: subscribe once, and the phone calendar stays right.

Calendar apps cannot sign in, so a feed's URL carries a secret token instead: random, stored only as its
digest (the URL is shown once, when made), and revocable. Making a new link for the same feed revokes
the old one (rotation). A worker gets a link to their own assignments, a health manager to each site they
run, a farmer to each farm, and a coordinator to any of these and to the whole organisation.

Feeds answer conditional requests (ETag, Last-Modified; 304) so polling clients cost little.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, delete, select

from api.core.refusals import Refused
from api.core.security import digest
from api.http.deps import CurrentUser, SessionDep
from api.services import feeds
from calendars.events import feed
from calendars.render import RenderCache, fingerprint
from models import tables as t
from models.enums import FeedKind
from models.rows import organisation_zone

router = APIRouter(prefix="/calendars", tags=["calendar feeds"])

COLLECTION = {
    "workers": FeedKind.worker,
    "sites": FeedKind.site,
    "farms": FeedKind.farm,
    "organisations": FeedKind.organisation,
}
PATH_OF = {kind: name for name, kind in COLLECTION.items()}
MEDIA_TYPE = "text/calendar; charset=utf-8"
RENDERED = RenderCache()


class FeedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: FeedKind
    ref: str | None = Field(
        None,
        max_length=64,
        description="The worker's, site's or farm's id; none for the organisation (or a worker's own feed)",
    )


class FeedInfo(BaseModel):
    kind: FeedKind
    ref: str
    name: str
    created_at: dt.datetime


class FeedLink(FeedInfo):
    url: str = Field(description="The private subscription link; shown only now, so keep it")


@router.post("/feeds", response_model=FeedLink, status_code=status.HTTP_201_CREATED)
def make_feed(body: FeedIn, request: Request, user: CurrentUser, session: SessionDep) -> FeedLink:
    """A private subscription link for a feed. Asking again gives a new link and revokes the old one."""
    made = feeds.make_link(session, user, body.kind, body.ref)
    url = str(request.url_for("calendar_feed", collection=PATH_OF[body.kind], token=made.token))
    created = made.created_at.astimezone(organisation_zone(session, user.organisation_id))
    return FeedLink(kind=body.kind, ref=made.ref, name=made.name, created_at=created, url=url)


@router.get("/feeds", response_model=list[FeedInfo])
def list_feeds(user: CurrentUser, session: SessionDep) -> list[FeedInfo]:
    """The feeds with a live link that you may manage (the links themselves are not stored)."""
    rows = session.exec(
        select(t.FeedToken).where(t.FeedToken.organisation_id == user.organisation_id).order_by(col(t.FeedToken.id))
    )
    out: list[FeedInfo] = []
    zone = organisation_zone(session, user.organisation_id)
    for row in rows:
        ref: tuple[Any, int | None] = {
            FeedKind.worker: (t.Worker, row.worker_id),
            FeedKind.site: (t.Site, row.site_id),
            FeedKind.farm: (t.Farm, row.farm_id),
            FeedKind.organisation: (t.Organisation, row.organisation_id),
        }[row.kind]
        found = session.get(*ref)
        assert found is not None
        try:
            feeds.target(session, user, row.kind, found.ref)
        except (HTTPException, Refused):
            continue
        out.append(FeedInfo(kind=row.kind, ref=found.ref, name=found.name, created_at=row.created_at.astimezone(zone)))
    return out


@router.delete("/feeds/{kind}/{ref}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_feed(
    kind: FeedKind, ref: Annotated[str, Path(max_length=64)], user: CurrentUser, session: SessionDep
) -> None:
    """Revoke a feed's link: calendars subscribed to it get 404 from now on."""
    columns, _, _ = feeds.target(session, user, kind, ref)
    gone = session.execute(delete(t.FeedToken).where(*feeds.scope_filter(kind, columns, user.organisation_id)))  # type: ignore[arg-type]
    if not gone.rowcount:  # type: ignore[attr-defined]
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"the {kind} {ref!r} has no feed link")
    session.commit()


def _http_date(value: dt.datetime) -> str:
    return email.utils.format_datetime(value.astimezone(dt.UTC).replace(microsecond=0), usegmt=True)


def _not_modified(request: Request, etag: str, modified: dt.datetime) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match decides when present; If-Modified-Since only otherwise."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return modified.replace(microsecond=0) <= when
    return False


@router.head("/{collection}/{token}.ics", include_in_schema=False)
@router.get(
    "/{collection}/{token}.ics",
    name="calendar_feed",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, 304: {"description": "Not modified"}, 404: {}},
)
def calendar_feed(
    collection: Literal["workers", "sites", "farms", "organisations"],
    token: Annotated[str, Path(max_length=100)],
    request: Request,
    session: SessionDep,
) -> Response:
    """The iCalendar feed behind a private link (no sign-in: the link is the key)."""
    row = session.exec(select(t.FeedToken).where(t.FeedToken.digest == digest(token))).first()
    if row is None or row.kind != COLLECTION[collection]:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such calendar feed: the link may have been replaced")
    now = dt.datetime.now(dt.UTC)
    content = feed(session, row, now)
    key = fingerprint(content.name, content.uid, content.events, content.tz)
    etag = f'"{key}"'
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
    modified = max([e.modified for e in content.events] + [created])
    headers = {
        "ETag": etag,
        "Last-Modified": _http_date(modified),
        "Cache-Control": "private, no-cache",
        "Content-Disposition": 'inline; filename="bemanna.ics"',
        "Referrer-Policy": "no-referrer",
    }
    if _not_modified(request, etag, modified):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    body = RENDERED.render(key, content.name, content.uid, content.events, content.tz)
    return Response(body, media_type=MEDIA_TYPE, headers=headers)  # servers send no body for HEAD
