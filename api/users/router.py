"""HTTP routes for accounts, sessions and API tokens."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request, Response

from api.core.errors import Unauthorized
from api.core.mail import Mailer
from api.core.settings import Settings
from api.core.tokens import csrf_token
from api.dependencies import (
    SESSION_COOKIE,
    WRITE_LIMIT,
    PublicRequesterDep,
    RequesterDep,
    SessionDep,
    StateDep,
)
from api.errors import ERROR_RESPONSES, ErrorBody
from api.users import service
from api.users.schemas import (
    Accepted,
    AccountChanges,
    AccountDeletion,
    CaptchaAnswer,
    Credentials,
    EmailOnly,
    PasswordReset,
    Profile,
    Registration,
    SessionOut,
    Standing,
    TokenCreated,
    TokenOnly,
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


def _send(background: BackgroundTasks, mailer: Mailer, mail: service.OutgoingMail | None) -> None:
    """Send after the response, once the request's changes are committed."""
    if mail is not None:
        background.add_task(mailer.send, mail.to, mail.subject, mail.body)


@router.post(
    "/users",
    name="register",
    dependencies=[WRITE_LIMIT],
    summary="Create an account (a confirmation link is mailed)",
    status_code=202,
    responses={
        **ERROR_RESPONSES,
        403: {"model": ErrorBody, "description": "Signed in, or the CAPTCHA answer failed."},
        409: {"model": ErrorBody, "description": "The display name is taken."},
    },
)
async def register(
    request: Request,
    state: StateDep,
    background: BackgroundTasks,
    session: SessionDep,
    requester: RequesterDep,
    data: Registration,
) -> Accepted:
    mail = await service.register(session, state.settings, state.captcha, requester, data)
    _send(background, state.mailer, mail)
    return Accepted(detail="Check your mail: the next step is in the message we sent.")


@router.post(
    "/users/confirmation",
    name="confirm_email",
    dependencies=[WRITE_LIMIT],
    summary="Confirm an email address (a new account's, or a changed one) with the mailed token",
    responses={
        **ERROR_RESPONSES,
        400: {"model": ErrorBody, "description": "Bad token."},
        409: {"model": ErrorBody, "description": "Another account took the new address."},
    },
)
async def confirm_email(
    session: SessionDep, requester: PublicRequesterDep, data: TokenOnly
) -> UserOut:
    return service.user_out(await service.confirm_email(session, requester, data.token))


@router.post(
    "/users/confirmation/resend",
    name="resend_confirmation",
    dependencies=[WRITE_LIMIT],
    summary="Mail the confirmation link again",
    status_code=202,
    responses=ERROR_RESPONSES,
)
async def resend_confirmation(
    request: Request,
    state: StateDep,
    background: BackgroundTasks,
    session: SessionDep,
    requester: PublicRequesterDep,
    data: EmailOnly,
) -> Accepted:
    settings = state.settings
    mail = await service.resend_confirmation(session, settings, requester, data.email)
    _send(background, state.mailer, mail)
    return Accepted(detail="If the address waits for confirmation, a new link is on its way.")


@router.post(
    "/users/password-reset",
    name="request_password_reset",
    dependencies=[WRITE_LIMIT],
    summary="Mail a link to set a new password (also unlocks a locked account)",
    status_code=202,
    responses=ERROR_RESPONSES,
)
async def request_password_reset(
    request: Request,
    state: StateDep,
    background: BackgroundTasks,
    session: SessionDep,
    requester: PublicRequesterDep,
    data: EmailOnly,
) -> Accepted:
    settings = state.settings
    mail = await service.request_password_reset(session, settings, requester, data.email)
    _send(background, state.mailer, mail)
    return Accepted(detail="If the address has an account, a link is on its way.")


@router.post(
    "/users/password",
    name="reset_password",
    dependencies=[WRITE_LIMIT],
    summary="Set a new password with the mailed token",
    status_code=204,
    responses={**ERROR_RESPONSES, 400: {"model": ErrorBody, "description": "Bad token."}},
)
async def reset_password(
    session: SessionDep, requester: PublicRequesterDep, data: PasswordReset
) -> None:
    await service.reset_password(session, requester, data.token, data.password)


@router.post(
    "/sessions",
    name="login",
    dependencies=[WRITE_LIMIT],
    summary="Sign in: sets the session cookie and returns the CSRF token",
    responses={**ERROR_RESPONSES, **UNAUTHORIZED},
)
async def login(
    request: Request,
    state: StateDep,
    response: Response,
    session: SessionDep,
    requester: PublicRequesterDep,
    credentials: Credentials,
) -> SessionOut:
    settings: Settings = state.settings
    token, user = await service.login(
        session,
        settings,
        requester,
        credentials,
        user_agent=request.headers.get("user-agent"),
        previous_token=request.cookies.get(SESSION_COOKIE),
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
    dependencies=[WRITE_LIMIT],
    summary="Sign out",
    status_code=204,
    responses=SIGNED_IN,
)
async def logout(
    request: Request, response: Response, session: SessionDep, requester: RequesterDep
) -> None:
    await service.logout(session, requester, request.cookies.get(SESSION_COOKIE))
    response.delete_cookie(SESSION_COOKIE)


@router.get(
    "/sessions/current",
    name="current_session",
    summary="The signed-in browser session: its user and CSRF token",
    responses=SIGNED_IN,
)
async def current_session(request: Request, requester: RequesterDep) -> SessionOut:
    user = service.own_account(requester)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie is None or requester.principal is None or requester.principal.via != "session":
        raise Unauthorized("There is no browser session: sign in.")
    return SessionOut(user=service.user_out(user), csrf_token=csrf_token(cookie))


@router.get("/users/me", name="me", summary="Your account", responses=SIGNED_IN)
async def me(requester: RequesterDep) -> UserOut:
    return service.user_out(service.own_account(requester))


@router.post(
    "/users/me/tokens",
    name="create_token",
    dependencies=[WRITE_LIMIT],
    summary="Create an API token (shown once)",
    status_code=201,
    responses={**ERROR_RESPONSES, **SIGNED_IN},
)
async def create_token(
    session: SessionDep, requester: RequesterDep, data: TokenRequest
) -> TokenCreated:
    return await service.create_api_token(session, requester, data.name, list(data.scopes))


@router.get(
    "/users/me/tokens",
    name="list_tokens",
    summary="Your API tokens",
    responses=SIGNED_IN,
)
async def list_tokens(session: SessionDep, requester: RequesterDep) -> list[TokenOut]:
    return await service.list_api_tokens(session, requester)


@router.delete(
    "/users/me/tokens/{token_id}",
    name="revoke_token",
    dependencies=[WRITE_LIMIT],
    summary="Revoke an API token at once",
    status_code=204,
    responses={
        **ERROR_RESPONSES,
        **SIGNED_IN,
        404: {"model": ErrorBody, "description": "No such active token of yours."},
    },
)
async def revoke_token(
    state: StateDep, session: SessionDep, requester: RequesterDep, token_id: uuid.UUID
) -> None:
    await service.revoke_api_token(session, requester, token_id)
    state.token_quotas.forget(token_id)


@router.patch(
    "/users/me",
    name="update_me",
    dependencies=[WRITE_LIMIT],
    summary="Change your password, e-mail address, display name or time zone",
    responses={
        **ERROR_RESPONSES,
        **SIGNED_IN,
        409: {"model": ErrorBody, "description": "The display name is taken."},
    },
)
async def update_me(
    request: Request,
    state: StateDep,
    background: BackgroundTasks,
    session: SessionDep,
    requester: RequesterDep,
    changes: AccountChanges,
) -> UserOut:
    user, mails = await service.change_account(
        session, state.settings, requester, changes, request.cookies.get(SESSION_COOKIE)
    )
    for mail in mails:
        _send(background, state.mailer, mail)
    return service.user_out(user)


@router.delete(
    "/users/me",
    name="delete_me",
    dependencies=[WRITE_LIMIT],
    summary="Delete your account",
    status_code=204,
    responses={**ERROR_RESPONSES, **SIGNED_IN},
)
async def delete_me(
    response: Response, session: SessionDep, requester: RequesterDep, data: AccountDeletion
) -> None:
    await service.delete_account(session, requester, data.current_password)
    response.delete_cookie(SESSION_COOKIE)


@router.post(
    "/users/verification",
    name="verify",
    dependencies=[WRITE_LIMIT],
    summary="Pass the CAPTCHA once, to write without an account",
    responses={**ERROR_RESPONSES, **FORBIDDEN},
)
async def verify(
    state: StateDep,
    session: SessionDep,
    requester: RequesterDep,
    answer: CaptchaAnswer,
) -> UserOut:
    user = await service.verify(session, state.captcha, requester, answer.token)
    return service.user_out(user)


@router.get(
    "/leaderboard",
    name="leaderboard",
    summary="The 25 pilots who contributed most (altitude = points)",
    responses={503: ERROR_RESPONSES[503]},
)
async def leaderboard(session: SessionDep, requester: RequesterDep) -> list[Standing]:
    return await service.leaderboard(session, requester)


@router.get(
    "/users/{user_id}",
    name="profile",
    summary="A pilot's public profile: altitude, rank, contributions, latest activity",
    responses={
        **ERROR_RESPONSES,
        404: {"model": ErrorBody, "description": "No such user."},
    },
)
async def profile(session: SessionDep, requester: RequesterDep, user_id: uuid.UUID) -> Profile:
    return await service.profile(session, requester, user_id)
