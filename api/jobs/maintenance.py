"""The small periodic jobs: each is idempotent and safe to run at any time."""

from __future__ import annotations

import logging
import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.core.changes import ChangeKind, purge_changes, record
from api.core.documents import geojson
from api.core.geo import timezone_at
from api.core.ratelimit import purge_expired
from api.tags.repository import drop_finished_events_tags

logger = logging.getLogger("api.jobs")

TIMEZONE_BATCH = 5_000


def _sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def clean_up_events_tags(engine: AsyncEngine) -> int:
    """Take the `events` tag off airports whose events are all over; the number changed."""
    async with _sessions(engine)() as session, session.begin():
        changed = await drop_finished_events_tags(session)
        if changed:
            await record(session, ChangeKind.TAGS, dict.fromkeys(changed, ("tags",)))
    logger.info("Events tags: %d airport(s) changed.", len(changed))
    return len(changed)


async def refresh_geojson(engine: AsyncEngine) -> None:
    """Rebuild the cached airports GeoJSON (also done by every change that alters the map)."""
    async with _sessions(engine)() as session, session.begin():
        await geojson.rebuild(session)


async def purge_rate_limits(engine: AsyncEngine) -> int:
    """Delete the rate-limit counters of windows that are over."""
    async with _sessions(engine)() as session, session.begin():
        purged = await purge_expired(session)
    logger.info("Rate limits: %d expired counter(s) deleted.", purged)
    return purged


async def purge_old_changes(engine: AsyncEngine) -> int:
    """Delete the changes older than the change feed keeps."""
    async with _sessions(engine)() as session, session.begin():
        purged = await purge_changes(session)
    logger.info("Changes: %d old change(s) deleted.", purged)
    return purged


async def fill_in_timezones(engine: AsyncEngine) -> int:
    """Give every airport without a time zone the one of its position, computed offline, once
    per airport (timezone_checked_at); the number filled in. The importer gives new airports
    theirs; this catches airports added before it did."""
    zoned: list[uuid.UUID] = []
    async with _sessions(engine)() as session, session.begin():
        rows = (
            await session.execute(
                sa.text(
                    "SELECT id, latitude, longitude FROM airports "
                    "WHERE timezone IS NULL AND timezone_checked_at IS NULL ORDER BY id"
                )
            )
        ).all()
        for start in range(0, len(rows), TIMEZONE_BATCH):
            found = [
                {"id": row.id, "zone": timezone_at(row.latitude, row.longitude)}
                for row in rows[start : start + TIMEZONE_BATCH]
            ]
            await session.execute(
                sa.text(
                    "UPDATE airports SET timezone = :zone, timezone_checked_at = now() "
                    "WHERE id = :id"
                ),
                found,
            )
            zoned.extend(item["id"] for item in found if item["zone"])
        if zoned:
            await record(session, ChangeKind.TIME_ZONE, dict.fromkeys(zoned, ("timezone",)))
    filled = len(zoned)
    logger.info("Time zones: %d airport(s) filled in.", filled)
    return filled
