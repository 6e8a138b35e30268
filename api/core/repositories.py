"""SQL of the core's policy and rate limiter: the site's read-only switch and the request
counters shared by every web process (`api.core.policy`, `api.core.ratelimit`)."""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.system import SiteSettings

_COUNT_SQL = sa.text(
    """
    INSERT INTO rate_limit_buckets (key, window_start, count, expires_at)
    VALUES (:key, to_timestamp(:window), 1, to_timestamp(:window + :seconds))
    ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_buckets.count + 1
    RETURNING count
    """
)

_ADD_SQL = sa.text(
    """
    INSERT INTO rate_limit_buckets (key, window_start, count, expires_at)
    SELECT key, to_timestamp(:window), count, to_timestamp(:window + :seconds)
    FROM unnest(CAST(:keys AS text[]), CAST(:counts AS integer[])) AS added(key, count)
    ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_buckets.count + excluded.count
    RETURNING key, count
    """
)

_PURGE_SQL = sa.text("DELETE FROM rate_limit_buckets WHERE expires_at < now() RETURNING 1")


async def read_only(session: AsyncSession) -> bool:
    """Whether the site refuses every change right now (the site-wide switch)."""
    return bool(await session.scalar(sa.select(SiteSettings.read_only)))


async def count_request(session: AsyncSession, key: str, window: int, seconds: int) -> int:
    """Add one to the counter of ``key`` in the window starting at ``window`` (epoch seconds)
    and lasting ``seconds``; its count now."""
    count = await session.scalar(_COUNT_SQL, {"key": key, "window": window, "seconds": seconds})
    return int(count or 0)


async def add_request_counts(
    session: AsyncSession, window: int, seconds: int, counts: Mapping[str, int]
) -> dict[str, int]:
    """Add ``counts`` to the counters of their keys in one window, in one statement; the
    counts now, by key."""
    keys = sorted(counts)  # one order in every process: no deadlocks between them
    rows = await session.execute(
        _ADD_SQL,
        {
            "window": window,
            "seconds": seconds,
            "keys": keys,
            "counts": [counts[key] for key in keys],
        },
    )
    return {key: int(count) for key, count in rows}


async def purge_expired_counters(session: AsyncSession) -> int:
    """Delete the counters of windows that are over; the number deleted."""
    result = await session.execute(_PURGE_SQL)
    return len(result.all())
