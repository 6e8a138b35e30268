"""Reading the change feed from ``data_changes``."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.changes import CHANGES_KEPT_DAYS
from api.core.errors import Gone

# One statement, one snapshot: the page, and where the next one starts. A page that is not
# full reaches the newest change committed, weather or not, so the next read starts there.
# The changes are joined in the order the subquery reads them (by id).
# Rows of the whole site (a cycle activated, a setting) and weather are not in the feed: an
# activated cycle also names each airport it changed.
_PAGE_SQL = sa.text(
    """
    SELECT coalesce(string_agg(page.feed, ','), '') AS changes, count(page.id) AS taken,
           max(page.id) AS last,
           (SELECT max(id) FROM data_changes) AS newest, kept.after AS kept_after
    FROM (SELECT changes_kept_after AS after FROM site_settings) AS kept
    LEFT JOIN LATERAL (
        SELECT id, feed FROM data_changes
        WHERE id > greatest(CAST(:after AS bigint), kept.after)
          AND airport_code IS NOT NULL AND kind <> 'weather'
        ORDER BY id LIMIT :limit
    ) AS page ON true
    GROUP BY kept.after
    """
)


async def page(
    session: AsyncSession, after: int | None, limit: int, pages: FullPages | None = None
) -> bytes:
    """The changes after the cursor ``after`` (from the oldest kept without one), as JSON;
    a full page is kept in ``pages``."""
    if pages is not None and after is not None:
        kept = pages.get(after, limit)
        if kept is not None:
            return kept
    row = (await session.execute(_PAGE_SQL, {"after": after or 0, "limit": limit})).one()
    if after is not None and after < row.kept_after:
        raise Gone(
            f"The changes up to cursor {row.kept_after} were deleted (changes are kept "
            f"{CHANGES_KEPT_DAYS} days), so the feed cannot go on from {after}. Start again "
            "from an export (GET /api/v1/exports), which names the cursor to follow the feed "
            "from."
        )
    full = row.taken == limit
    following = row.last if full else max(after or 0, row.kept_after, row.newest or 0)
    changes: str = row.changes
    body = b'{"changes":[' + changes.encode() + b'],"next":' + orjson.dumps(following) + b"}"
    if pages is not None and full and after is not None:
        pages.put(after, limit, body)
    return body


@dataclass
class FullPages:
    """Full pages of the feed kept in memory. A full page never changes (the changes after a
    cursor are committed in order, and none comes between them later), so the mirrors that
    catch up from the same export read its pages from memory. Each is kept ``kept_seconds`` at
    most: a cursor that the daily purge passed answers 410 soon after."""

    max_entries: int = 256
    kept_seconds: float = 600.0
    pages: OrderedDict[tuple[int, int], tuple[float, bytes]] = field(default_factory=OrderedDict)

    def get(self, after: int, limit: int) -> bytes | None:
        kept = self.pages.get((after, limit))
        if kept is None:
            return None
        if time.monotonic() - kept[0] > self.kept_seconds:
            del self.pages[(after, limit)]
            return None
        self.pages.move_to_end((after, limit))
        return kept[1]

    def put(self, after: int, limit: int, body: bytes) -> None:
        self.pages[(after, limit)] = (time.monotonic(), body)
        self.pages.move_to_end((after, limit))
        while len(self.pages) > self.max_entries:
            self.pages.popitem(last=False)
