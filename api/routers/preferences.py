"""Your notification preferences: which events you hear of, and quiet hours (local time)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.http.deps import CurrentUser, SessionDep
from api.services import preferences as service

router = APIRouter(prefix="/me/notifications", tags=["notifications"])


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    muted: list[str] = Field(default_factory=list, max_length=20, description="Events you do not want to hear of")
    quiet_from: dt.time | None = Field(None, description="Local time messages start to wait (e.g. 22:00)")
    quiet_until: dt.time | None = Field(None, description="Local time they go out again (e.g. 07:00)")


class PreferencesOut(BaseModel):
    events: dict[str, bool] = Field(description="The events your role hears of, and whether you do")
    quiet_from: dt.time | None
    quiet_until: dt.time | None


@router.get("", response_model=PreferencesOut)
def get_preferences(user: CurrentUser, session: SessionDep) -> PreferencesOut:
    return PreferencesOut.model_validate(service.get(session, user), from_attributes=True)


@router.put("", response_model=PreferencesOut)
def put_preferences(body: PreferencesIn, user: CurrentUser, session: SessionDep) -> PreferencesOut:
    saved = service.put(session, user, body.muted, body.quiet_from, body.quiet_until)
    return PreferencesOut.model_validate(saved, from_attributes=True)
