"""The elevation of airports pilots added without one, from terrain data (a digital elevation
model served by OpenTopoData by default): metres above sea level, stored as whole feet. An
airport the terrain service has no value for keeps an empty elevation, and is asked about
again at the next run; nothing is ever guessed. Without the internet (the embedded default)
the job does not run, and the form that adds an airport asks for the elevation instead."""

from __future__ import annotations

import logging
import math
import uuid

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from api.core.changes import ChangeKind, record
from api.core.geo import METERS_PER_FOOT
from api.core.settings import Settings
from api.jobs.http import SourceError, request

logger = logging.getLogger("api.jobs")

# A run asks about at most this many airports (public terrain services ask for few requests).
BATCH = 50


def elevation_ft(answer: object) -> int | None:
    """The elevation in whole feet of an OpenTopoData answer; None when it has none."""
    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, list) or not results or not isinstance(results[0], dict):
        raise SourceError("The terrain service's answer holds no results.")
    metres = results[0].get("elevation")
    if metres is None:
        return None  # no data there (the sea, or outside the model)
    if not isinstance(metres, int | float) or not math.isfinite(metres):
        raise SourceError(f"The terrain service's elevation {metres!r} is not a number.")
    return round(metres / METERS_PER_FOOT)


async def fill_in_elevations(
    engine: AsyncEngine, settings: Settings, *, client: httpx.AsyncClient | None = None
) -> dict[str, int]:
    """Look up the elevation of up to BATCH user-added airports that have none."""
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        rows = (
            await session.execute(
                sa.text(
                    "SELECT id, code, latitude, longitude FROM airports WHERE elevation_ft IS NULL "
                    "AND data_source = 'user_contributed' ORDER BY created_at DESC LIMIT :n"
                ),
                {"n": BATCH},
            )
        ).all()
    counts = {"found": 0, "none": 0, "failed": 0}
    found: dict[uuid.UUID, int] = {}
    own_client = client is None
    http = client or httpx.AsyncClient(timeout=settings.http_timeout_seconds)
    try:
        for row in rows:
            url = settings.elevation_url.format(latitude=row.latitude, longitude=row.longitude)
            try:
                answer = await request(http, "GET", url, what="terrain elevation")
                feet = elevation_ft(answer.json())
            except (SourceError, ValueError) as error:
                counts["failed"] += 1
                logger.error("No elevation for %s this time: %s", row.code, error)
                continue
            if feet is None:
                counts["none"] += 1
            else:
                found[row.id] = feet
                counts["found"] += 1
    finally:
        if own_client:
            await http.aclose()
    if found:
        async with sessions() as session, session.begin():
            for airport_id, feet in found.items():
                # Only where it is still empty: a pilot may have written it meanwhile.
                await session.execute(
                    sa.text(
                        "UPDATE airports SET elevation_ft = :feet, updated_at = now() "
                        "WHERE id = :id AND elevation_ft IS NULL"
                    ),
                    {"id": airport_id, "feet": feet},
                )
            await record(session, ChangeKind.ELEVATION, dict.fromkeys(found, ("elevation_ft",)))
    logger.info("Elevations: %(found)d found, %(none)d none, %(failed)d failed.", counts)
    return counts
