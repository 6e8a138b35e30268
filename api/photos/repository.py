"""SQL for photos."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.photos import ProcessedPhoto
from api.models.community import Photo
from api.models.enums import PhotoSource


async def add_photo(
    session: AsyncSession,
    *,
    photo_id: uuid.UUID,
    airport_id: uuid.UUID,
    uploader_id: uuid.UUID,
    key: str,
    photo: ProcessedPhoto,
) -> None:
    session.add(
        Photo(
            id=photo_id,
            airport_id=airport_id,
            uploader_id=uploader_id,
            source=PhotoSource.CONTRIBUTED,
            storage_key=key,
            content_type=photo.content_type,
            size_bytes=len(photo.body),
            width=photo.width,
            height=photo.height,
        )
    )
    await session.flush()


async def photo_of_airport(
    session: AsyncSession, photo_id: uuid.UUID, airport_id: uuid.UUID
) -> bool:
    statement = sa.select(Photo.id).where(Photo.id == photo_id, Photo.airport_id == airport_id)
    return (await session.execute(statement)).first() is not None
