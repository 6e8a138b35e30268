"""Rules of accounts: registration, login, sessions, API tokens."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import available_timezones

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core import tokens
from api.core.captcha import TurnstileClient
from api.core.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    LoginFailed,
    NotFound,
    ValidationFailed,
)
from api.core.passwords import hash_password, verify_password
from api.core.policy import Requester, is_verified
from api.core.settings import Settings
from api.models.enums import UserRole, UserTokenPurpose
from api.models.users import ApiToken, User, avatar_url, public_name
from api.users import policy, repository
from api.users.schemas import (
    AccountChanges,
    ActivityItem,
    Credentials,
    Profile,
    Registration,
    Standing,
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


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        role=user.role,
        email=user.email,
        pending_email=user.unconfirmed_email,
        display_name=user.display_name,
        avatar_url=avatar_url(user.email),
        timezone=user.timezone,
        points=user.points,
        confirmed=user.confirmed_at is not None,
        verified=is_verified(user),
        created_at=user.created_at,
    )


def token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.id,
        name=token.name,
        scopes=token.scopes,
        read_limit_per_minute=token.read_limit_per_minute,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    to: str
    subject: str
    body: str


CONFIRMATION_LIFE = timedelta(days=1)
RESET_LIFE = timedelta(hours=1)
UNCONFIRMED_GRACE = timedelta(days=3)


async def _issue_token(
    session: AsyncSession, user: User, purpose: UserTokenPurpose, life: timedelta
) -> str:
    token = tokens.new_token()
    await repository.add_user_token(
        session,
        user_id=user.id,
        purpose=purpose,
        token_hash=tokens.token_hash(token),
        expires_at=datetime.now(UTC) + life,
    )
    return token


async def confirmation_mail(session: AsyncSession, settings: Settings, user: User) -> OutgoingMail:
    """The link that confirms the account's address (its new one, when one is pending)."""
    token = await _issue_token(session, user, UserTokenPurpose.CONFIRM_EMAIL, CONFIRMATION_LIFE)
    if user.unconfirmed_email:
        return OutgoingMail(
            to=user.unconfirmed_email,
            subject="Confirm your new Pirep address",
            body="Open this link within a day to use this address for your Pirep account:\n"
            f"{settings.public_url}/confirm-email?token={token}\n",
        )
    return OutgoingMail(
        to=user.email or "",
        subject="Confirm your Pirep account",
        body="Open this link within a day to confirm your address:\n"
        f"{settings.public_url}/confirm-email?token={token}\n",
    )


async def register(
    session: AsyncSession,
    settings: Settings,
    captcha: TurnstileClient | None,
    requester: Requester,
    data: Registration,
) -> OutgoingMail:
    """Create an account and the mail to send. The answer never says whether the email was taken:
    its owner gets a notice instead of a confirmation."""
    policy.register(requester)
    await pass_captcha(captcha, data.captcha_token, requester.address)
    email = data.email.strip()
    name = data.display_name.strip() if data.display_name else None
    if name and await repository.display_name_taken(session, name, None):
        raise Conflict(f"The display name {name!r} is taken.")
    if await repository.user_by_email(session, email) is not None:
        return OutgoingMail(
            to=email,
            subject="Someone tried to sign up with your address",
            body="Somebody tried to create a Pirep account with this address, which already "
            "has one. If it was you, sign in, or set a new password at "
            f"{settings.public_url}/reset-password.\n",
        )
    password_hash = await asyncio.to_thread(hash_password, data.password)
    user = await repository.add_user(
        session, email=email, password_hash=password_hash, display_name=name
    )
    if user is None:  # registered by someone else in the meantime
        raise Conflict("That email or display name was just taken; try again.")
    return await confirmation_mail(session, settings, user)


async def confirm_email(session: AsyncSession, requester: Requester, token: str) -> User:
    policy.use_mailed_link(requester)
    user = await repository.use_user_token(
        session, UserTokenPurpose.CONFIRM_EMAIL, tokens.token_hash(token)
    )
    if user is None:
        raise BadRequest("The confirmation link is invalid, used or expired; ask for a new one.")
    if user.unconfirmed_email:
        taken = await repository.user_by_email(session, user.unconfirmed_email)
        if taken is not None and taken.id != user.id:
            raise Conflict(
                "Another account took that address meanwhile; your address is unchanged."
            )
        user.email, user.unconfirmed_email = user.unconfirmed_email, None
    user.confirmed_at = datetime.now(UTC)
    await session.flush()
    return user


async def resend_confirmation(
    session: AsyncSession, settings: Settings, requester: Requester, email: str
) -> OutgoingMail | None:
    policy.use_mailed_link(requester)
    user = await repository.user_by_email(session, email.strip())
    if user is None or user.confirmed_at is not None or user.role != UserRole.KNOWN:
        return None
    return await confirmation_mail(session, settings, user)


async def request_password_reset(
    session: AsyncSession, settings: Settings, requester: Requester, email: str
) -> OutgoingMail | None:
    policy.use_mailed_link(requester)
    user = await repository.user_by_email(session, email.strip())
    if user is None or user.role == UserRole.UNKNOWN:
        return None
    token = await _issue_token(session, user, UserTokenPurpose.RESET_PASSWORD, RESET_LIFE)
    return OutgoingMail(
        to=user.email or "",
        subject="Set a new Pirep password",
        body="Open this link within an hour to set a new password (this also unlocks the "
        f"account):\n{settings.public_url}/reset-password?token={token}\n"
        "If you did not ask for it, ignore this mail.\n",
    )


async def reset_password(
    session: AsyncSession, requester: Requester, token: str, password: str
) -> None:
    """Set a new password from a mailed token; unlocks the account and ends every session."""
    policy.use_mailed_link(requester)
    user = await repository.use_user_token(
        session, UserTokenPurpose.RESET_PASSWORD, tokens.token_hash(token)
    )
    if user is None:
        raise BadRequest("The reset link is invalid, used or expired; ask for a new one.")
    user.password_hash = await asyncio.to_thread(hash_password, password)
    user.failed_attempts = 0
    user.locked_at = None
    user.confirmed_at = user.confirmed_at or datetime.now(UTC)
    await repository.delete_other_sessions(session, user.id, None)
    await session.flush()


async def login(
    session: AsyncSession,
    settings: Settings,
    requester: Requester,
    credentials: Credentials,
    *,
    user_agent: str | None,
    previous_token: str | None = None,
) -> tuple[str, User]:
    """A new session token for valid credentials; one refusal for every kind of failure. The
    session the browser held before (``previous_token``) ends: a session never survives a
    sign-in, whoever created it."""
    policy.sign_in(requester)
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
    if user.confirmed_at is None and user.created_at < datetime.now(UTC) - UNCONFIRMED_GRACE:
        raise Forbidden(
            "Confirm your email address first: the link we sent is valid for a day, and you "
            "can ask for a new one."
        )
    if previous_token:
        await repository.delete_session(session, tokens.token_hash(previous_token))
    token = tokens.new_token()
    await repository.add_session(
        session,
        user_id=user.id,
        token_hash=tokens.token_hash(token),
        expires_at=datetime.now(UTC) + timedelta(days=settings.session_days),
        user_agent=user_agent,
        ip_address=requester.address,
    )
    return token, user


async def logout(session: AsyncSession, requester: Requester, session_token: str | None) -> None:
    policy.sign_out(requester)
    if session_token:
        await repository.delete_session(session, tokens.token_hash(session_token))


def own_account(requester: Requester) -> User:
    return policy.read_own_account(requester).user


async def authenticate_session(session: AsyncSession, session_token: str) -> User | None:
    return await repository.user_of_session(session, tokens.token_hash(session_token))


async def authenticate_api_token(
    session: AsyncSession, api_token: str, single_statements: async_sessionmaker[AsyncSession]
) -> tuple[User, list[str]] | None:
    """The owner and scopes of a live token. Its last use is written apart from the request's
    transaction (``single_statements``): kept whatever becomes of the request (a refused edit
    rolls back), and the token's row is not held while the request works."""
    found = await repository.user_of_api_token(session, tokens.token_hash(api_token))
    if found is None:
        return None
    user, scopes, due = found
    if due is not None:
        async with single_statements() as apart, apart.begin():
            await repository.note_api_token_use(apart, due)
    return user, scopes


async def create_api_token(
    session: AsyncSession, requester: Requester, name: str, scopes: list[str]
) -> TokenCreated:
    principal = policy.manage_own_account(requester)
    token = tokens.new_token(tokens.API_TOKEN_PREFIX)
    stored = await repository.add_api_token(
        session,
        user_id=principal.user.id,
        name=name,
        scopes=sorted(set(scopes)),
        token_hash=tokens.token_hash(token),
    )
    return TokenCreated(**token_out(stored).model_dump(), token=token)


async def list_api_tokens(session: AsyncSession, requester: Requester) -> list[TokenOut]:
    principal = policy.list_own_tokens(requester)
    return [token_out(token) for token in await repository.api_tokens(session, principal.user.id)]


async def revoke_api_token(
    session: AsyncSession, requester: Requester, token_id: uuid.UUID
) -> None:
    principal = policy.manage_own_account(requester)
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
    session: AsyncSession,
    settings: Settings,
    requester: Requester,
    changes: AccountChanges,
    session_token: str | None,
) -> tuple[User, list[OutgoingMail]]:
    """Apply changes to one's own account, and the mails to send: a new password signs out
    every other session; a new address waits for the link mailed to it, and the current one
    is told. Whether another account has the new address is never said (its owner is told)."""
    principal = policy.manage_own_account(requester)
    user = principal.user
    mails: list[OutgoingMail] = []
    if changes.password is not None or changes.email is not None:
        await _require_password(user, changes.current_password)
    if changes.email is not None and changes.email.strip().lower() != (user.email or "").lower():
        mails = await _change_email(session, settings, user, changes.email.strip())
    if changes.password is not None:
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
    return user, mails


async def _change_email(
    session: AsyncSession, settings: Settings, user: User, email: str
) -> list[OutgoingMail]:
    if await repository.user_by_email(session, email) is not None:
        return [
            OutgoingMail(
                to=email,
                subject="Someone tried to move a Pirep account to your address",
                body="Somebody asked to use this address for a Pirep account, but it already "
                "has one, so nothing was changed. If it was you, sign in with this address.\n",
            )
        ]
    user.unconfirmed_email = email
    await session.flush()
    return [
        await confirmation_mail(session, settings, user),
        OutgoingMail(
            to=user.email or "",
            subject="Your Pirep address is being changed",
            body=f"Someone signed in to your Pirep account asked to use {email} instead of this "
            "address. It changes once the link mailed there is opened. If it was not you, set "
            f"a new password now at {settings.public_url}/reset-password.\n",
        ),
    ]


async def delete_account(session: AsyncSession, requester: Requester, password: str) -> None:
    """Delete one's own account, after checking the password."""
    principal = policy.manage_own_account(requester)
    await _require_password(principal.user, password)
    await repository.delete_user(session, principal.user)


async def active_user(session: AsyncSession, requester: Requester) -> User:
    """The signed-in user, or else the per-address unknown user (created on first need)."""
    if requester.principal is not None:
        return requester.principal.user
    if requester.address is None:
        raise Forbidden("Your address could not be determined; sign in to contribute.")
    return await repository.unknown_user(session, requester.address)


async def known_writer(session: AsyncSession, requester: Requester) -> User | None:
    """The signed-in user, or the per-address unknown user if that address wrote before
    (None otherwise: nothing is created)."""
    if requester.principal is not None:
        return requester.principal.user
    if requester.address is None:
        return None
    return await repository.find_unknown_user(session, requester.address)


async def pass_captcha(
    captcha: TurnstileClient | None, answer: str | None, address: str | None
) -> None:
    """Check a CAPTCHA answer (nothing to check when no CAPTCHA is configured)."""
    if captcha is not None and not (answer and await captcha.verify(answer, address)):
        raise Forbidden("The CAPTCHA answer was not accepted; try again.")


async def verify(
    session: AsyncSession,
    captcha: TurnstileClient | None,
    requester: Requester,
    answer: str,
) -> User:
    """Mark the active user verified once the CAPTCHA answer is accepted (or when no CAPTCHA
    is configured, as in the embedded default)."""
    policy.verify(requester)
    user = await active_user(session, requester)
    if user.disabled_at is not None:
        raise Forbidden("Writing from this address is disabled.")
    await pass_captcha(captcha, answer, requester.address)
    user.verified_at = user.verified_at or datetime.now(UTC)
    await session.flush()
    return user


def _standing(row: repository.StandingRow) -> Standing:
    return Standing(
        id=row.id,
        name=public_name(row.display_name, row.role),
        avatar_url=avatar_url(row.email),
        altitude=row.points,
        rank=row.rank,
        contributions=row.contributions,
        airports_edited=row.airports_edited,
        member_since=row.created_at,
    )


async def leaderboard(session: AsyncSession, requester: Requester) -> list[Standing]:
    policy.read_public(requester)
    return [_standing(row) for row in await repository.leaderboard(session, 25)]


async def profile(session: AsyncSession, requester: Requester, user_id: uuid.UUID) -> Profile:
    policy.read_public(requester)
    row = await repository.standing(session, user_id)
    if row is None:
        raise NotFound(f"There is no user {user_id}.")
    activity = [
        ActivityItem(
            type=item.type,
            airport_code=item.airport_code,
            points=item.points,
            created_at=item.created_at,
        )
        for item in await repository.activity(session, user_id, 50)
    ]
    return Profile(**_standing(row).model_dump(), activity=activity)
