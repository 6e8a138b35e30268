"""Fixed-window request counters shared by every web process (rows in PostgreSQL)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

_COUNT_SQL = sa.text(
    """
    INSERT INTO rate_limit_buckets (key, window_start, count, expires_at)
    VALUES (:key, to_timestamp(:window), 1, to_timestamp(:window + :seconds))
    ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_buckets.count + 1
    RETURNING count
    """
)


# The clock the windows are cut from (replaced in tests, so that a window does not roll over).
clock = time.time


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after: int


async def hit(
    factory: async_sessionmaker[AsyncSession], key: str, limit: int, window_seconds: int = 60
) -> Verdict:
    """Count one request under ``key``; refuse it when the window already holds ``limit``.

    The count is committed in its own short transaction, so refused and failed requests count
    too, whatever becomes of the request itself.
    """
    now = clock()
    window = math.floor(now / window_seconds) * window_seconds
    async with factory() as session, session.begin():
        count = await session.scalar(
            _COUNT_SQL, {"key": key, "window": window, "seconds": window_seconds}
        )
    retry_after = max(1, math.ceil(window + window_seconds - now))
    return Verdict(allowed=int(count or 0) <= limit, retry_after=retry_after)


async def purge_expired(session: AsyncSession) -> int:
    """Delete the counters of windows that are over; the number deleted."""
    result = await session.execute(
        sa.text("DELETE FROM rate_limit_buckets WHERE expires_at < now() RETURNING 1")
    )
    return len(result.all())
