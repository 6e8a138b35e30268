"""Rules of accounts: registration, login, sessions, API tokens."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import available_timezones

from sqlalchemy.ext.asyncio import AsyncSession

from api.core import tokens
from api.core.errors import Conflict, Forbidden, LoginFailed, NotFound, ValidationFailed
from api.core.passwords import hash_password, verify_password
from api.core.settings import Settings
from api.models.users import ApiToken, User
from api.users import repository
from api.users.schemas import (
    AccountChanges,
    Credentials,
    Registration,
    TokenCreated,
    TokenOut,
    UserOut,
)

logger = logging.getLogger("api.users")

LOGIN_FAILED = (
    "The email or password is wrong, or the account is locked (reset the password to unlock it)."
)
# Verified against when the email is unknown, so that a wrong email costs as much as a wrong
# password and timing does not reveal which accounts exist.
_DUMMY_HASH = hash_password("not the password of anyone")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who makes a request, and how they proved it."""

    user: User
    via: str  # "session" or "token"
    scopes: frozenset[str]


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        role=user.role,
        email=user.email,
        display_name=user.display_name,
        timezone=user.timezone,
        points=user.points,
        confirmed=user.confirmed_at is not None,
        created_at=user.created_at,
    )


def token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.id,
        name=token.name,
        scopes=token.scopes,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


async def register(session: AsyncSession, data: Registration) -> None:
    """Create an account. The answer is the same whether or not the email was taken."""
    password_hash = await asyncio.to_thread(hash_password, data.password)
    user = await repository.add_user(
        session,
        email=data.email.strip(),
        password_hash=password_hash,
        display_name=data.display_name.strip() if data.display_name else None,
    )
    if user is None:
        logger.info("Registration for an email or display name already in use.")


async def login(
    session: AsyncSession,
    settings: Settings,
    credentials: Credentials,
    *,
    user_agent: str | None,
    ip_address: str | None,
) -> tuple[str, User]:
    """A new session token for valid credentials; one refusal for every kind of failure."""
    user = await repository.user_by_email(session, credentials.email.strip())
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    valid = await asyncio.to_thread(verify_password, credentials.password, stored)
    if user is None or not user.password_hash:
        raise LoginFailed(LOGIN_FAILED)
    usable = valid and user.locked_at is None and user.disabled_at is None
    await repository.record_login(
        session, user, failed=not usable, lock_at=settings.max_failed_logins
    )
    if not usable:
        raise LoginFailed(LOGIN_FAILED)
    token = tokens.new_token()
    await repository.add_session(
        session,
        user_id=user.id,
        token_hash=tokens.token_hash(token),
        expires_at=datetime.now(UTC) + timedelta(days=settings.session_days),
        user_agent=user_agent,
        ip_address=ip_address,
    )
    return token, user


async def logout(session: AsyncSession, session_token: str) -> None:
    await repository.delete_session(session, tokens.token_hash(session_token))


async def authenticate_session(session: AsyncSession, session_token: str) -> User | None:
    return await repository.user_of_session(session, tokens.token_hash(session_token))


async def authenticate_api_token(
    session: AsyncSession, api_token: str
) -> tuple[User, list[str]] | None:
    return await repository.user_of_api_token(session, tokens.token_hash(api_token))


def require_session(principal: Principal) -> None:
    """Managing API tokens needs the account's own session, not another token."""
    if principal.via != "session":
        raise Forbidden("API tokens are managed from a signed-in session, not with a token.")


async def create_api_token(
    session: AsyncSession, principal: Principal, name: str, scopes: list[str]
) -> TokenCreated:
    require_session(principal)
    token = tokens.new_token(tokens.API_TOKEN_PREFIX)
    stored = await repository.add_api_token(
        session,
        user_id=principal.user.id,
        name=name,
        scopes=sorted(set(scopes)),
        token_hash=tokens.token_hash(token),
    )
    return TokenCreated(**token_out(stored).model_dump(), token=token)


async def list_api_tokens(session: AsyncSession, principal: Principal) -> list[TokenOut]:
    require_session(principal)
    return [token_out(token) for token in await repository.api_tokens(session, principal.user.id)]


async def revoke_api_token(
    session: AsyncSession, principal: Principal, token_id: uuid.UUID
) -> None:
    require_session(principal)
    if not await repository.revoke_api_token(session, principal.user.id, token_id):
        raise NotFound("You have no active API token with that id.")


async def _require_password(user: User, password: str | None) -> None:
    valid = (
        bool(password)
        and bool(user.password_hash)
        and await asyncio.to_thread(
            verify_password, password or "", user.password_hash or _DUMMY_HASH
        )
    )
    if not valid:
        raise Forbidden("The current password is wrong.")


async def change_account(
    session: AsyncSession, principal: Principal, changes: AccountChanges, session_token: str | None
) -> User:
    """Apply changes to one's own account; a new password signs out every other session."""
    require_session(principal)
    user = principal.user
    if changes.password is not None:
        await _require_password(user, changes.current_password)
        user.password_hash = await asyncio.to_thread(hash_password, changes.password)
        await repository.delete_other_sessions(
            session, user.id, tokens.token_hash(session_token) if session_token else None
        )
    if changes.display_name is not None:
        name = changes.display_name.strip()
        if await repository.display_name_taken(session, name, user.id):
            raise Conflict(f"The display name {name!r} is taken.")
        user.display_name = name
    if changes.timezone is not None:
        if changes.timezone not in available_timezones():
            raise ValidationFailed(
                f"timezone: {changes.timezone!r} is not a time zone name.",
                fields=[{"field": "timezone", "message": "not an IANA time zone name"}],
            )
        user.timezone = changes.timezone
    await session.flush()
    return user


async def delete_account(session: AsyncSession, principal: Principal, password: str) -> None:
    """Delete one's own account, after checking the password."""
    require_session(principal)
    await _require_password(principal.user, password)
    await repository.delete_user(session, principal.user)
