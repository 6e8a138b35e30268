"""SQL for comments."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.airports import Airport
from api.models.community import Comment
from api.models.users import User


def listing(airport_id: uuid.UUID) -> sa.Select[Comment, str, User]:
    return (
        sa.select(Comment, Airport.code, User)
        .join(Airport, Airport.id == Comment.airport_id)
        .join(User, User.id == Comment.user_id)
        .where(Comment.airport_id == airport_id)
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    )


async def insert(
    session: AsyncSession, airport_id: uuid.UUID, user_id: uuid.UUID, body: str
) -> Comment:
    """A new comment, written and read back in one statement (a flush and a refresh took
    two)."""
    statement = (
        sa.insert(Comment)
        .values(airport_id=airport_id, user_id=user_id, body=body)
        .returning(Comment)
    )
    return (await session.scalars(statement)).one()


async def count(session: AsyncSession, airport_id: uuid.UUID) -> int:
    statement = sa.select(sa.func.count()).where(Comment.airport_id == airport_id)
    return int(await session.scalar(statement) or 0)


class CommentRow(NamedTuple):
    """A comment with its airport's code and lock and its author."""

    Comment: Comment
    code: str
    locked_at: datetime | None
    User: User


async def one(
    session: AsyncSession, comment_id: uuid.UUID, *, lock: bool = False
) -> CommentRow | None:
    statement = (
        sa.select(Comment, Airport.code, Airport.locked_at, User)
        .join(Airport, Airport.id == Comment.airport_id)
        .join(User, User.id == Comment.user_id)
        .where(Comment.id == comment_id)
    )
    if lock:
        statement = statement.with_for_update(of=Comment)
    row = (await session.execute(statement)).first()
    return CommentRow(*row) if row is not None else None


async def add_helpful(session: AsyncSession, comment_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Count a "helpful" of this user; False when they had said so already."""
    added = await session.scalar(
        sa.text(
            "INSERT INTO comment_helpfuls (comment_id, user_id) VALUES (:comment, :user) "
            "ON CONFLICT DO NOTHING RETURNING 1"
        ),
        {"comment": comment_id, "user": user_id},
    )
    if added is None:
        return False
    await session.execute(
        sa.update(Comment)
        .where(Comment.id == comment_id)
        .values(helpful_count=Comment.helpful_count + 1)
    )
    return True
