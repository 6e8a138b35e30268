"""What the community wrote, as the admin reviews it: the versions queue, comments, and the
deletion of photos and webcams. Every function asks the admin policy first."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from api.admin import policy, repository
from api.admin.common import found, page, person, stamp
from api.admin.repository import CommentRow
from api.admin.schemas import (
    AdminCommentChanges,
    AdminCommentOut,
    CommentPage,
    QueueParams,
    VersionOut,
    VersionPage,
)
from api.core.changes import ChangeKind, record
from api.core.policy import Requester
from api.models.community import Comment, Photo, Version, Webcam
from api.models.enums import VersionEvent, VersionItemType
from api.models.users import User
from api.tags import repository as tags_repository
from api.versions import repository as versions_repository
from api.versions import service as versions_service

# Versions ------------------------------------------------------------------------------------


def version_out(version: Version, airport_code: str, author: User | None) -> VersionOut:
    return VersionOut(
        id=version.id,
        item_type=version.item_type,
        item_id=version.item_id,
        airport_code=airport_code,
        event=version.event,
        author=person(author),
        object_changes=version.object_changes,
        created_at=version.created_at,
        reviewed_at=version.reviewed_at,
        reverted_at=version.reverted_at,
    )


async def versions(session: AsyncSession, requester: Requester, params: QueueParams) -> VersionPage:
    policy.administer(requester)
    statement = repository.versions(params.unreviewed, params.q)
    return await page(session, statement, params, VersionPage, version_out)


async def review_version(
    session: AsyncSession, requester: Requester, version_id: uuid.UUID, reviewed: bool
) -> VersionOut:
    policy.administer(requester)
    row = found(await repository.version(session, version_id), f"version {version_id}")
    row.version.reviewed_at = stamp(row.version.reviewed_at, reviewed)
    await session.flush()
    return version_out(*row)


async def revert_version(
    session: AsyncSession, requester: Requester, version_id: uuid.UUID
) -> VersionOut:
    """Undo a change; the undoing is a new version (returned), already reviewed."""
    principal = policy.administer(requester)
    undo = await versions_service.revert(session, principal.user, version_id)
    row = await repository.version(session, undo.id)
    assert row is not None
    return version_out(*row)


# Comments ------------------------------------------------------------------------------------


def comment_out(comment: Comment, code: str, author: User) -> AdminCommentOut:
    return AdminCommentOut(
        id=comment.id,
        airport_code=code,
        author=person(author),
        body=comment.body,
        helpful_count=comment.helpful_count,
        outdated_at=comment.outdated_at,
        reviewed_at=comment.reviewed_at,
        created_at=comment.created_at,
    )


async def comments(session: AsyncSession, requester: Requester, params: QueueParams) -> CommentPage:
    policy.administer(requester)
    statement = repository.comments(params.unreviewed, params.q)
    return await page(session, statement, params, CommentPage, comment_out)


async def _comment(session: AsyncSession, comment_id: uuid.UUID) -> CommentRow:
    return found(await repository.comment(session, comment_id), f"comment {comment_id}")


async def change_comment(
    session: AsyncSession,
    requester: Requester,
    comment_id: uuid.UUID,
    changes: AdminCommentChanges,
) -> AdminCommentOut:
    policy.administer(requester)
    row = await _comment(session, comment_id)
    comment = row.comment
    if changes.body is not None:
        comment.body = changes.body
    if changes.helpful_count is not None:
        comment.helpful_count = changes.helpful_count
    comment.reviewed_at = stamp(comment.reviewed_at, changes.reviewed)
    await session.flush()
    if changes.body is not None or changes.helpful_count is not None:
        await record(session, ChangeKind.COMMENT, {comment.airport_id: ["comments"]})
    return comment_out(*row)


async def delete_comment(
    session: AsyncSession, requester: Requester, comment_id: uuid.UUID
) -> None:
    policy.administer(requester)
    comment = (await _comment(session, comment_id)).comment
    airport_id = comment.airport_id
    await session.delete(comment)
    await session.flush()
    await _record_removal(session, ChangeKind.COMMENT, airport_id, "comments")


# Photos and webcams ------------------------------------------------------------------------


async def delete_photo(session: AsyncSession, requester: Requester, photo_id: uuid.UUID) -> str:
    """Remove a photo (a pilot's or one from Google); the storage key of its file, for the
    caller to delete once the removal is committed (a rolled-back removal keeps its file)."""
    policy.administer(requester)
    photo = found(await session.get(Photo, photo_id), f"photo {photo_id}")
    airport_id, key = photo.airport_id, photo.storage_key
    await session.delete(photo)
    await session.flush()
    await _record_removal(session, ChangeKind.PHOTO, airport_id, "photos")
    return key


async def delete_webcam(session: AsyncSession, requester: Requester, webcam_id: uuid.UUID) -> None:
    principal = policy.administer(requester)
    webcam = found(await session.get(Webcam, webcam_id), f"webcam {webcam_id}")
    airport_id, url = webcam.airport_id, webcam.url
    await session.delete(webcam)
    await session.flush()
    await versions_repository.add_version(
        session,
        item_type=VersionItemType.WEBCAM,
        item_id=webcam_id,
        airport_id=airport_id,
        event=VersionEvent.DESTROY,
        whodunnit_id=principal.user.id,
        changes={"url": [url, None]},
        reviewed=True,
    )
    await _record_removal(session, ChangeKind.WEBCAM, airport_id, "webcams")


async def _record_removal(
    session: AsyncSession, kind: ChangeKind, airport_id: uuid.UUID, field: str
) -> None:
    """Record that an airport lost a comment, photo or webcam, and its automatic tags with it
    when they follow."""
    tags_changed = await tags_repository.sync_automatic_tags(session, airport_id)
    await record(session, kind, {airport_id: [field, *(["tags"] if tags_changed else [])]})
