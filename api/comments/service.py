"""Rules of comments: Markdown, "helpful" once per pilot, flagged outdated and back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.airports import repository as airports_repository
from api.comments import policy, repository
from api.comments.schemas import CommentAuthor, CommentIn, CommentOut, CommentPage
from api.core import markdown
from api.core.changes import ChangeKind, record
from api.core.errors import Conflict, NotFound
from api.core.policy import Requester
from api.models.community import Comment
from api.models.enums import ActionType
from api.models.users import User, avatar_url, public_name
from api.tags import repository as tags_repository
from api.users import service as users_service
from api.versions import repository as versions_repository


def comment_out(comment: Comment, code: str, author: User) -> CommentOut:
    return CommentOut(
        id=comment.id,
        airport_code=code,
        author=CommentAuthor(
            id=author.id,
            name=public_name(author.display_name, author.role),
            avatar_url=avatar_url(author.email),
        ),
        body=comment.body,
        html=markdown.render(comment.body),
        helpful_count=comment.helpful_count,
        outdated_at=comment.outdated_at,
        created_at=comment.created_at,
    )


async def comments(
    session: AsyncSession, requester: Requester, code: str, page: int, per_page: int
) -> CommentPage:
    policy.read(requester)
    airport_id = await airports_repository.airport_id_of(session, code)
    if airport_id is None:
        raise NotFound(f"No airport has the code {code!r}.")
    rows = await session.execute(
        repository.listing(airport_id).limit(per_page).offset((page - 1) * per_page)
    )
    return CommentPage(
        total=await repository.count(session, airport_id),
        page=page,
        per_page=per_page,
        items=[comment_out(*row) for row in rows],
    )


async def add(
    session: AsyncSession, requester: Requester, code: str, data: CommentIn
) -> CommentOut:
    user = await users_service.active_user(session, requester)
    airport = await airports_repository.lock_for_edit(session, code)
    if airport is None:
        raise NotFound(f"No airport has the code {code!r}.")
    policy.contribute(requester, user, airport.locked_at)
    comment = await repository.insert(session, airport.id, user.id, data.body)
    tags_changed = await tags_repository.sync_automatic_tags(session, airport.id)
    # The author's row is held from here to the commit: late.
    await versions_repository.record_action(
        session,
        user=user,
        kind=ActionType.COMMENT_ADDED,
        airport_id=airport.id,
        version_id=None,
        subject=("comment", comment.id),
    )
    await record(
        session,
        ChangeKind.COMMENT,
        {airport.id: ["comments", *(["tags"] if tags_changed else [])]},
    )
    return comment_out(comment, airport.code, user)


async def _target(
    session: AsyncSession, requester: Requester, comment_id: uuid.UUID
) -> tuple[User, Any]:
    user = await users_service.active_user(session, requester)
    row = await repository.one(session, comment_id, lock=True)
    if row is None:
        raise NotFound(f"There is no comment {comment_id}.")
    policy.contribute(requester, user, row.locked_at)
    return user, row


async def helpful(session: AsyncSession, requester: Requester, comment_id: uuid.UUID) -> None:
    user, row = await _target(session, requester, comment_id)
    if not await repository.add_helpful(session, comment_id, user.id):
        raise Conflict("You already found this comment helpful.")
    await versions_repository.record_action(
        session,
        user=user,
        kind=ActionType.COMMENT_HELPFUL,
        airport_id=row.Comment.airport_id,
        version_id=None,
        subject=("comment", comment_id),
    )


async def flag_outdated(
    session: AsyncSession, requester: Requester, comment_id: uuid.UUID, outdated: bool
) -> None:
    """Flag a comment as outdated (or take the flag back); saying it twice changes nothing."""
    user, row = await _target(session, requester, comment_id)
    comment: Comment = row.Comment
    if (comment.outdated_at is not None) == outdated:
        return
    comment.outdated_at = datetime.now(UTC) if outdated else None
    await session.flush()
    await versions_repository.record_action(
        session,
        user=user,
        kind=ActionType.COMMENT_FLAGGED if outdated else ActionType.COMMENT_UNFLAGGED,
        airport_id=comment.airport_id,
        version_id=None,
        subject=("comment", comment_id),
    )
    await record(session, ChangeKind.COMMENT, {comment.airport_id: ["comments"]})
