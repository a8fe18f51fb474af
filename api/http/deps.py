"""Dependencies shared by the routers: a database session per request and the signed-in user.

Every router takes the organisation from ``CurrentUser``, never from the request, so no request can
reach another organisation's rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from api.core import security
from models.enums import Role
from models.tables import User

oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def client_address(request: Request) -> str:
    """The address rate limits count by (behind a proxy, run the server so it trusts X-Forwarded-For)."""
    return request.client.host if request.client else "unknown"


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def _unauthorised(message: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, message, headers={"WWW-Authenticate": "Bearer"})


def current_user(session: SessionDep, token: Annotated[str | None, Depends(oauth2)]) -> User:
    if not token:
        raise _unauthorised("sign in first: send 'Authorization: Bearer <token>' from POST /auth/token")
    user = security.user_of(session, token)
    if user is None:
        raise _unauthorised("the token is unknown, expired or revoked, or the account is disabled; sign in again")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require(*roles: Role) -> Callable[[User], User]:
    """A dependency that admits only users with one of ``roles`` (403 for the others)."""

    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            allowed = " or ".join(r.value for r in roles)
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"only a {allowed} may do this; you are a {user.role}")
        return user

    return check


Coordinator = Annotated[User, Depends(require(Role.coordinator))]
