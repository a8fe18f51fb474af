"""The organisation's working-time law: anyone in the pool reads it, the coordinator sets it."""

from __future__ import annotations

from fastapi import APIRouter

from api.http.deps import Coordinator, CurrentUser, SessionDep
from api.services import working_time as service
from models.law import Law

router = APIRouter(prefix="/organisation/working-time", tags=["organisation"])


@router.get("", response_model=service.WorkingTimeOut)
def get_working_time(user: CurrentUser, session: SessionDep) -> service.WorkingTimeOut:
    """The profile (``no-aml``, ``se-atl`` or ``custom``), the organisation's overrides, and each law rule
    that binds with its hours and section. A worker's contract may override them (``working_time``)."""
    return service.view(session, user.organisation_id)


@router.put("", response_model=service.WorkingTimeOut)
def put_working_time(body: Law, user: Coordinator, session: SessionDep) -> service.WorkingTimeOut:
    return service.put(session, user.organisation_id, body)
