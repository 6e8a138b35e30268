"""SQL for users, sessions and API tokens."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.enums import UserRole, UserTokenPurpose
from api.models.users import ApiToken, Session, User, UserToken

LAST_USE_GRANULARITY = timedelta(minutes=1)


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.lower()))


async def add_user(
    session: AsyncSession, *, email: str, password_hash: str, display_name: str | None
) -> User | None:
    """A new known user, or None when the email or display name is taken."""
    statement = (
        insert(User)
        .values(
            role=UserRole.KNOWN,
            email=email,
            password_hash=password_hash,
            display_name=display_name,
        )
        .on_conflict_do_nothing()
        .returning(User)
    )
    return (await session.scalars(statement)).one_or_none()


async def add_session(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    token_hash: bytes,
    expires_at: datetime,
    user_agent: str | None,
    ip_address: str | None,
) -> None:
    session.add(
        Session(
            user_id=user_id,
            token_hash=token_hash,
            expires_at=expires_at,
            user_agent=user_agent,
            ip_address=ip_address,
        )
    )
    await session.flush()


async def user_of_session(session: AsyncSession, token_hash: bytes) -> User | None:
    return await session.scalar(
        sa.select(User)
        .join(Session, Session.user_id == User.id)
        .where(Session.token_hash == token_hash, Session.expires_at > sa.func.now())
    )


async def delete_session(session: AsyncSession, token_hash: bytes) -> None:
    await session.execute(sa.delete(Session).where(Session.token_hash == token_hash))


async def record_login(session: AsyncSession, user: User, *, failed: bool, lock_at: int) -> None:
    """Count a failed login (locking the account at ``lock_at``), or reset the count."""
    if failed:
        user.failed_attempts += 1
        if user.failed_attempts >= lock_at and user.locked_at is None:
            user.locked_at = sa.func.now()
    else:
        user.failed_attempts = 0
        user.last_login_at = sa.func.now()
    await session.flush()


async def add_api_token(
    session: AsyncSession, *, user_id: uuid.UUID, name: str, scopes: list[str], token_hash: bytes
) -> ApiToken:
    token = ApiToken(user_id=user_id, name=name, scopes=scopes, token_hash=token_hash)
    session.add(token)
    await session.flush()
    await session.refresh(token)
    return token


async def api_tokens(session: AsyncSession, user_id: uuid.UUID) -> Sequence[ApiToken]:
    result = await session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at)
    )
    return result.all()


async def revoke_api_token(session: AsyncSession, user_id: uuid.UUID, token_id: uuid.UUID) -> bool:
    revoked = await session.scalar(
        sa.update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=sa.func.now())
        .returning(ApiToken.id)
    )
    return revoked is not None


def _live_token(token_hash: bytes | sa.BindParameter[bytes]) -> sa.ColumnElement[bool]:
    return sa.and_(
        ApiToken.token_hash == token_hash,
        ApiToken.revoked_at.is_(None),
        sa.or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > sa.func.now()),
    )


# Every request with a token runs it: one statement object (its cache key computed once).
_TOKEN_USER = (
    sa.select(User, ApiToken.id, ApiToken.scopes, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(_live_token(sa.bindparam("token_hash", type_=sa.LargeBinary)))
)


async def user_of_api_token(
    session: AsyncSession, token_hash: bytes
) -> tuple[User, list[str], uuid.UUID | None] | None:
    """The owner and scopes of a live token, joined in one query, and the token's id when its
    last use is due to be written (at most once a minute: `note_api_token_use`)."""
    row = (await session.execute(_TOKEN_USER, {"token_hash": token_hash})).one_or_none()
    if row is None:
        return None
    user, token_id, scopes, last_used_at = row
    due = last_used_at is None or last_used_at < datetime.now(UTC) - LAST_USE_GRANULARITY
    return user, list(scopes), token_id if due else None


async def note_api_token_use(session: AsyncSession, token_id: uuid.UUID) -> None:
    await session.execute(
        sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=sa.func.now())
    )


async def read_quota_of_api_token(
    session: AsyncSession, token_hash: bytes
) -> tuple[uuid.UUID, int | None] | None:
    """The id and read quota of a live token (None: unknown, expired or revoked)."""
    row = (
        await session.execute(
            sa.select(ApiToken.id, ApiToken.read_limit_per_minute).where(_live_token(token_hash))
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1])


async def display_name_taken(session: AsyncSession, name: str, user_id: uuid.UUID | None) -> bool:
    """Whether another user than ``user_id`` has this display name (case does not count)."""
    statement = sa.select(User.id).where(sa.func.lower(User.display_name) == name.lower())
    if user_id is not None:
        statement = statement.where(User.id != user_id)
    return await session.scalar(statement) is not None


async def delete_other_sessions(
    session: AsyncSession, user_id: uuid.UUID, keep_token_hash: bytes | None
) -> None:
    statement = sa.delete(Session).where(Session.user_id == user_id)
    if keep_token_hash is not None:
        statement = statement.where(Session.token_hash != keep_token_hash)
    await session.execute(statement)


async def delete_user(session: AsyncSession, user: User) -> None:
    await session.delete(user)
    await session.flush()


async def add_user_token(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    purpose: UserTokenPurpose,
    token_hash: bytes,
    expires_at: datetime,
) -> None:
    session.add(
        UserToken(user_id=user_id, purpose=purpose, token_hash=token_hash, expires_at=expires_at)
    )
    await session.flush()


async def use_user_token(
    session: AsyncSession, purpose: UserTokenPurpose, token_hash: bytes
) -> User | None:
    """The user of an unused, unexpired token of ``purpose``, which is used up."""
    user_id = await session.scalar(
        sa.update(UserToken)
        .where(
            UserToken.token_hash == token_hash,
            UserToken.purpose == purpose,
            UserToken.used_at.is_(None),
            UserToken.expires_at > sa.func.now(),
        )
        .values(used_at=sa.func.now())
        .returning(UserToken.user_id)
    )
    return await session.get(User, user_id) if user_id is not None else None


async def find_unknown_user(session: AsyncSession, ip_address: str) -> User | None:
    """The per-address user of people writing without an account, if that address wrote."""
    return await session.scalar(
        sa.select(User).where(User.role == UserRole.UNKNOWN, User.ip_address == ip_address)
    )


async def unknown_user(session: AsyncSession, ip_address: str) -> User:
    """The per-address user of people writing without an account, created on first need."""
    statement = (
        insert(User)
        .values(role=UserRole.UNKNOWN, ip_address=ip_address, last_seen_at=sa.func.now())
        .on_conflict_do_update(
            index_elements=[User.ip_address], set_={"last_seen_at": sa.func.now()}
        )
        .returning(User)
    )
    return (await session.scalars(statement)).one()


class StandingRow(NamedTuple):
    id: uuid.UUID
    display_name: str | None
    email: str | None
    role: UserRole
    points: int
    created_at: datetime
    rank: int | None
    contributions: int
    airports_edited: int


class ActivityRow(NamedTuple):
    type: str
    airport_code: str | None
    points: int
    created_at: datetime


_STANDINGS_SQL = """
    WITH ranked AS (
        SELECT u.id, u.display_name, u.email, u.role, u.points, u.created_at,
               rank() OVER (ORDER BY u.points DESC) AS rank
        FROM users u WHERE u.points > 0
    )
    SELECT r.id, r.display_name, r.email, r.role, r.points, r.created_at, r.rank,
           (SELECT count(*) FROM actions a WHERE a.user_id = r.id) AS contributions,
           (SELECT count(DISTINCT a.airport_id) FROM actions a WHERE a.user_id = r.id)
               AS airports_edited
    FROM ranked r
"""


async def leaderboard(session: AsyncSession, limit: int) -> list[StandingRow]:
    rows = await session.execute(
        sa.text(_STANDINGS_SQL + " ORDER BY r.rank, r.created_at LIMIT :limit"), {"limit": limit}
    )
    return [_standing(row) for row in rows]


async def standing(session: AsyncSession, user_id: uuid.UUID) -> StandingRow | None:
    """A user's standing (rank None when they have no points yet), or None: no such user."""
    row = (
        await session.execute(sa.text(_STANDINGS_SQL + " WHERE r.id = :id"), {"id": user_id})
    ).first()
    if row is None:
        row = (
            await session.execute(
                sa.text(
                    "SELECT u.id, u.display_name, u.email, u.role, u.points, u.created_at, "
                    "NULL AS rank, "
                    "(SELECT count(*) FROM actions a WHERE a.user_id = u.id) AS contributions, "
                    "(SELECT count(DISTINCT a.airport_id) FROM actions a WHERE a.user_id = u.id) "
                    "AS airports_edited FROM users u WHERE u.id = :id"
                ),
                {"id": user_id},
            )
        ).first()
    return _standing(row) if row is not None else None


def _standing(row: sa.Row[Any]) -> StandingRow:
    return StandingRow(**{**row._asdict(), "role": UserRole(row.role)})


async def activity(session: AsyncSession, user_id: uuid.UUID, limit: int) -> list[ActivityRow]:
    rows = await session.execute(
        sa.text(
            "SELECT a.type, ap.code AS airport_code, a.points, a.created_at FROM actions a "
            "LEFT JOIN airports ap ON ap.id = a.airport_id WHERE a.user_id = :id "
            "ORDER BY a.created_at DESC LIMIT :limit"
        ),
        {"id": user_id, "limit": limit},
    )
    return [ActivityRow(*row) for row in rows]
