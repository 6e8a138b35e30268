"""Storing pilots' photos of an airport."""

from __future__ import annotations

import asyncio
import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from api.airports.service import locked_airport
from api.core import photos
from api.core.changes import ChangeKind, record
from api.core.policy import Requester
from api.core.storage import Sink, delete_files
from api.models.enums import ActionType
from api.photos import repository
from api.tags import repository as tags_repository
from api.versions import repository as versions_repository

logger = logging.getLogger("api")


async def add_photo(
    session: AsyncSession,
    requester: Requester,
    sink: Sink,
    max_bytes: int,
    code: str,
    upload: tuple[bytes, str],
) -> uuid.UUID:
    """Store a pilot's photo of the airport (re-encoded, without metadata); its id. The image
    is processed before the airport is locked: other edits need not wait for it."""
    data, filename = upload
    photo = await asyncio.to_thread(photos.process, data, filename, max_bytes)
    user, current = await locked_airport(session, requester, code)
    photo_id = uuid.uuid4()
    key = f"photos/{current.id}/{photo_id}{photo.extension}"
    await asyncio.to_thread(sink.put, key, photo.body)
    await repository.add_photo(
        session,
        photo_id=photo_id,
        airport_id=current.id,
        uploader_id=user.id,
        key=key,
        photo=photo,
    )
    await versions_repository.record_action(
        session,
        user=user,
        kind=ActionType.AIRPORT_PHOTO_UPLOADED,
        airport_id=current.id,
        version_id=None,
        subject=("photo", photo_id),
    )
    tags_changed = await tags_repository.sync_automatic_tags(session, current.id)
    await record(
        session, ChangeKind.PHOTO, {current.id: ["photos", *(["tags"] if tags_changed else [])]}
    )
    return photo_id


async def delete_file(sink: Sink, key: str) -> None:
    """Delete a removed photo's file (from S3 in production), once its removal is committed."""
    await delete_files(sink, [key], "photo file")
