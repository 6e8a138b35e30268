"""Fixed-window request counters shared by every web process (rows in PostgreSQL, see
`api.core.repositories`)."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core import repositories

logger = logging.getLogger("api.ratelimit")

# The clock the windows are cut from (replaced in tests, so that a window does not roll over).
clock = time.time


# Where a rate limit leaves its verdict in the request's state, for the answer's fields.
RATE_LIMIT_STATE = "rate_limit"


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    # Seconds until the window starts again.
    retry_after: int
    limit: int = 0
    remaining: int = 0
    window_seconds: int = 60


async def hit(
    factory: async_sessionmaker[AsyncSession], key: str, limit: int, window_seconds: int = 60
) -> Verdict:
    """Count one request under ``key``; refuse it when the window already holds ``limit``.

    The count is committed at once, apart from the request's transaction (one statement, so
    ``factory``'s sessions may well run without BEGIN and COMMIT): refused and failed requests
    count too, whatever becomes of the request itself, and no request holds the counter's row
    while it works.
    """
    now = clock()
    window = math.floor(now / window_seconds) * window_seconds
    async with factory() as session, session.begin():
        count = await repositories.count_request(session, key, window, window_seconds)
    retry_after = max(1, math.ceil(window + window_seconds - now))
    return Verdict(count <= limit, retry_after, limit, max(0, limit - count), window_seconds)


async def purge_expired(session: AsyncSession) -> int:
    """Delete the counters of windows that are over; the number deleted."""
    return await repositories.purge_expired_counters(session)


class BatchedLimiter:
    """A limit for frequent, cheap requests (reads): counted in memory, and added to the shared
    counters of every process in one statement at most every ``flush_seconds``.

    A request is refused when the shared count seen at the last flush plus this process's
    unflushed count passes the limit, so all processes together let through at most the limit
    plus what the others counted since their last flush. A failed flush lets requests through
    (reads must not fail because the limiter could not count) and is retried on the next one.
    """

    def __init__(self, limit: int, *, window_seconds: int = 60, flush_seconds: float = 1.0):
        self.limit = limit
        self.window_seconds = window_seconds
        self.flush_seconds = flush_seconds
        self.window = -1
        self.pending: dict[str, int] = {}
        self.shared: dict[str, int] = {}
        self.flushed_at = float("-inf")
        self.flushing = False

    async def hit(
        self, factory: async_sessionmaker[AsyncSession], key: str, limit: int | None = None
    ) -> Verdict:
        """Count one request under ``key``, allowed up to ``limit`` a window (default: the
        limiter's)."""
        limit = self.limit if limit is None else limit
        now = clock()
        window = math.floor(now / self.window_seconds) * self.window_seconds
        if window != self.window:
            self.window, self.pending, self.shared = window, {}, {}
        self.pending[key] = self.pending.get(key, 0) + 1
        if not self.flushing and time.monotonic() - self.flushed_at >= self.flush_seconds:
            await self.flush(factory)
        count = self.shared.get(key, 0) + self.pending.get(key, 0)
        retry_after = max(1, math.ceil(window + self.window_seconds - now))
        return Verdict(
            count <= limit, retry_after, limit, max(0, limit - count), self.window_seconds
        )

    async def flush(self, factory: async_sessionmaker[AsyncSession]) -> None:
        """Add the counts of this process to the shared ones and read back the totals."""
        window, pending = self.window, self.pending
        if not pending:
            return
        self.flushing, self.pending = True, {}
        try:
            async with factory() as session, session.begin():
                totals = await repositories.add_request_counts(
                    session, window, self.window_seconds, pending
                )
        except Exception:
            logger.warning("Could not count reads in the database; retrying later.", exc_info=True)
            if window == self.window:
                for key, count in pending.items():
                    self.pending[key] = self.pending.get(key, 0) + count
            totals = {}
        finally:
            self.flushing = False
            self.flushed_at = time.monotonic()
        if window == self.window:
            self.shared.update(totals)
