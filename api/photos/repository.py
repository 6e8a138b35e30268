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
    uploader_id: uuid.UUID | None,
    key: str,
    photo: ProcessedPhoto,
    attributions: list[dict[str, str]] | None = None,
) -> None:
    """A pilot's photo, or with ``attributions`` (who took it) one from Google Places."""
    session.add(
        Photo(
            id=photo_id,
            airport_id=airport_id,
            uploader_id=uploader_id,
            source=PhotoSource.CONTRIBUTED if attributions is None else PhotoSource.EXTERNAL,
            storage_key=key,
            content_type=photo.content_type,
            size_bytes=len(photo.body),
            width=photo.width,
            height=photo.height,
            attributions=attributions,
        )
    )
    await session.flush()


# Google Places is asked about an airport without photos at most once per this interval of
# visits, and asked again this long after an answer without photos. Photos once found are
# kept (an admin's deletion of one sticks).
LOOKUP_GUARD = "10 minutes"
RETRY_EMPTY_AFTER = "30 days"


async def request_external_photos(session: AsyncSession, airport_id: uuid.UUID) -> bool:
    """Ask the worker to look for photos of an airport that has none; whether this asked (it
    does not when the airport has photos, or was asked about recently)."""
    requested = await session.execute(
        sa.text(
            "INSERT INTO external_photo_lookups AS l (airport_id, requested_at) "
            "SELECT :airport, now() WHERE NOT EXISTS "
            "(SELECT 1 FROM photos p WHERE p.airport_id = :airport) "
            "ON CONFLICT (airport_id) DO UPDATE SET requested_at = now() "
            f"WHERE l.requested_at < now() - interval '{LOOKUP_GUARD}' AND ("
            f"  (l.found = 0 AND l.looked_up_at < now() - interval '{RETRY_EMPTY_AFTER}')"
            "   OR (l.looked_up_at IS NULL AND l.requested_at < now() - interval '1 day')) "
            "RETURNING l.airport_id"
        ),
        {"airport": airport_id},
    )
    return requested.first() is not None


async def photo_of_airport(
    session: AsyncSession, photo_id: uuid.UUID, airport_id: uuid.UUID
) -> bool:
    statement = sa.select(Photo.id).where(Photo.id == photo_id, Photo.airport_id == airport_id)
    return (await session.execute(statement)).first() is not None
