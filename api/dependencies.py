"""Request-scoped dependencies shared by the routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.errors import Forbidden, PirepError, Unauthorized
from api.core.tokens import csrf_token, same
from api.users import service as users_service
from api.users.service import Principal


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session committed once before the response is sent, rolled back on any error.

    A session the request never used (a cached answer) costs nothing to finish.
    """
    factory: async_sessionmaker[AsyncSession] = request.app.state.session_factory
    session = factory()
    try:
        yield session
        if session.in_transaction():
            await session.commit()
    except PirepError as error:
        if session.in_transaction():
            await (session.commit() if error.keeps_changes else session.rollback())
        raise
    except BaseException:
        if session.in_transaction():
            await session.rollback()
        raise
    finally:
        if session.in_transaction():
            await session.close()


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


SESSION_COOKIE = "pirep_session"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def authenticate(request: Request, session: SessionDep) -> Principal | None:
    """The requester: an API token (``Authorization: Bearer``), a session cookie, or nobody.

    Unsafe requests authenticated by the cookie must carry the session's CSRF token; requests
    with a token need its ``write`` scope.
    """
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthorized("Send an API token as `Authorization: Bearer <token>`.")
        found = await users_service.authenticate_api_token(session, value.strip())
        if found is None:
            raise Unauthorized("The API token is unknown, expired or revoked.")
        token_user, scopes = found
        if request.method in UNSAFE_METHODS and "write" not in scopes:
            raise Forbidden("This API token may only read.")
        return Principal(user=token_user, via="token", scopes=frozenset(scopes))
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    user = await users_service.authenticate_session(session, cookie)
    if user is None:
        return None
    if request.method in UNSAFE_METHODS and not same(
        request.headers.get(CSRF_HEADER, ""), csrf_token(cookie)
    ):
        raise Forbidden(f"The {CSRF_HEADER} header is missing or does not match the session.")
    return Principal(user=user, via="session", scopes=frozenset({"read", "write"}))


async def require_user(
    principal: Annotated[Principal | None, Depends(authenticate)],
) -> Principal:
    """The requester, who must be signed in (or hold an API token) and not disabled."""
    if principal is None:
        raise Unauthorized("Sign in, or send an API token.")
    if principal.user.disabled_at is not None:
        raise Forbidden("This account is disabled.")
    return principal


CurrentUser = Annotated[Principal, Depends(require_user)]
