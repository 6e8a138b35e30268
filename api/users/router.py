"""HTTP routes for accounts, sessions and API tokens."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response

from api.core.settings import Settings
from api.core.tokens import csrf_token
from api.dependencies import SESSION_COOKIE, CurrentUser, SessionDep
from api.errors import ERROR_RESPONSES, ErrorBody
from api.users import service
from api.users.schemas import (
    Accepted,
    AccountChanges,
    AccountDeletion,
    Credentials,
    Registration,
    SessionOut,
    TokenCreated,
    TokenOut,
    TokenRequest,
    UserOut,
)

router = APIRouter(prefix="/api/v1", tags=["users"])

UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in, or a bad token."}
}
FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorBody, "description": "Signed in, but not allowed."}
}
# Every route that needs the requester: who they are, whether they may, and the database.
SIGNED_IN = {**UNAUTHORIZED, **FORBIDDEN, 503: ERROR_RESPONSES[503]}


@router.post(
    "/users",
    name="register",
    summary="Create an account",
    status_code=202,
    responses=ERROR_RESPONSES,
)
async def register(session: SessionDep, data: Registration) -> Accepted:
    await service.register(session, data)
    return Accepted(detail="If the address can be used, the account is ready to sign in.")


@router.post(
    "/sessions",
    name="login",
    summary="Sign in: sets the session cookie and returns the CSRF token",
    responses={**ERROR_RESPONSES, **UNAUTHORIZED},
)
async def login(
    request: Request, response: Response, session: SessionDep, credentials: Credentials
) -> SessionOut:
    settings: Settings = request.app.state.settings
    token, user = await service.login(
        session,
        settings,
        credentials,
        user_agent=request.headers.get("user-agent"),
        ip_address=request.client.host if request.client else None,
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
    )
    return SessionOut(user=service.user_out(user), csrf_token=csrf_token(token))


@router.delete(
    "/sessions/current",
    name="logout",
    summary="Sign out",
    status_code=204,
    responses=SIGNED_IN,
)
async def logout(
    request: Request, response: Response, session: SessionDep, principal: CurrentUser
) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await service.logout(session, token)
    response.delete_cookie(SESSION_COOKIE)


@router.get("/users/me", name="me", summary="Your account", responses=SIGNED_IN)
async def me(principal: CurrentUser) -> UserOut:
    return service.user_out(principal.user)


@router.post(
    "/users/me/tokens",
    name="create_token",
    summary="Create an API token (shown once)",
    status_code=201,
    responses={**ERROR_RESPONSES, **SIGNED_IN},
)
async def create_token(
    session: SessionDep, principal: CurrentUser, data: TokenRequest
) -> TokenCreated:
    return await service.create_api_token(session, principal, data.name, list(data.scopes))


@router.get(
    "/users/me/tokens",
    name="list_tokens",
    summary="Your API tokens",
    responses=SIGNED_IN,
)
async def list_tokens(session: SessionDep, principal: CurrentUser) -> list[TokenOut]:
    return await service.list_api_tokens(session, principal)


@router.delete(
    "/users/me/tokens/{token_id}",
    name="revoke_token",
    summary="Revoke an API token at once",
    status_code=204,
    responses={
        **ERROR_RESPONSES,
        **SIGNED_IN,
        404: {"model": ErrorBody, "description": "No such active token of yours."},
    },
)
async def revoke_token(session: SessionDep, principal: CurrentUser, token_id: uuid.UUID) -> None:
    await service.revoke_api_token(session, principal, token_id)


@router.patch(
    "/users/me",
    name="update_me",
    summary="Change your password, display name or time zone",
    responses={
        **ERROR_RESPONSES,
        **SIGNED_IN,
        409: {"model": ErrorBody, "description": "The display name is taken."},
    },
)
async def update_me(
    request: Request, session: SessionDep, principal: CurrentUser, changes: AccountChanges
) -> UserOut:
    user = await service.change_account(
        session, principal, changes, request.cookies.get(SESSION_COOKIE)
    )
    return service.user_out(user)


@router.delete(
    "/users/me",
    name="delete_me",
    summary="Delete your account",
    status_code=204,
    responses={**ERROR_RESPONSES, **SIGNED_IN},
)
async def delete_me(
    response: Response, session: SessionDep, principal: CurrentUser, data: AccountDeletion
) -> None:
    await service.delete_account(session, principal, data.current_password)
    response.delete_cookie(SESSION_COOKIE)
