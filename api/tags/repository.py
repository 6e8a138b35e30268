"""SQL for tags."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.documents.content import (
    COMPLETION_SQL,
    CONTENT_COLUMNS_SQL,
    CONTRIBUTED_AIRPORT_IDS_SQL,
)


async def add_tag(session: AsyncSession, airport_id: uuid.UUID, name: str) -> uuid.UUID | None:
    """The new tag's id, or None when the airport already has it."""
    tag_id: uuid.UUID | None = await session.scalar(
        sa.text(
            "INSERT INTO tags (airport_id, name) VALUES (:airport, :name) "
            "ON CONFLICT DO NOTHING RETURNING id"
        ),
        {"airport": airport_id, "name": name},
    )
    return tag_id


async def remove_tag(session: AsyncSession, airport_id: uuid.UUID, name: str) -> uuid.UUID | None:
    tag_id: uuid.UUID | None = await session.scalar(
        sa.text("DELETE FROM tags WHERE airport_id = :airport AND name = :name RETURNING id"),
        {"airport": airport_id, "name": name},
    )
    return tag_id


# Tags present exactly while the airport has what they say.
_FOLLOWING_TAGS = {
    "webcam": "SELECT 1 FROM webcams WHERE airport_id = :id",
    "events": "SELECT 1 FROM events WHERE airport_id = :id "
    "AND (recurring_cadence IS NOT NULL OR ends_at > now())",
}


async def drop_finished_events_tags(session: AsyncSession) -> list[uuid.UUID]:
    """Take the `events` tag off every airport whose events are all over (time passes without
    any change that would sync the tag); the airports."""
    upcoming = _FOLLOWING_TAGS["events"].replace(":id", "t.airport_id")
    result = await session.execute(
        sa.text(
            f"DELETE FROM tags t WHERE t.name = 'events' AND NOT EXISTS ({upcoming}) "
            "RETURNING t.airport_id"
        )
    )
    return list(result.scalars())


def _following_sql(tag: str, exists: str) -> str:
    return (
        f"{tag}_has AS (SELECT EXISTS ({exists}) AS yes), "
        f"{tag}_gone AS (DELETE FROM tags WHERE airport_id = :id AND name = '{tag}' "
        f"AND NOT (SELECT yes FROM {tag}_has) RETURNING id), "
        f"{tag}_made AS (INSERT INTO tags (airport_id, name) SELECT :id, '{tag}' FROM {tag}_has "
        "WHERE yes ON CONFLICT DO NOTHING RETURNING id)"
    )


_SYNC_CHANGES = (
    "stale_gone",
    "rights_made",
    *(f"{tag}_{change}" for tag in _FOLLOWING_TAGS for change in ("gone", "made")),
    "featured_gone",
    "featured_made",
)
# Each part reads the airport and its other tags, and writes only tags of its own names (none
# of them addable, so no part reads what another writes): one statement does them all.
_SYNC_SQL = sa.text(
    # The landing rights tag; ``empty`` gone once the airport has content.
    "WITH stale_gone AS (DELETE FROM tags t USING airports a WHERE t.airport_id = a.id "
    "AND a.id = :id AND ((t.name IN ('public', 'restricted', 'private') AND t.name <> "
    "a.landing_rights::text) OR (t.name = 'empty' AND ("
    + CONTENT_COLUMNS_SQL
    + " OR a.id IN ("
    + CONTRIBUTED_AIRPORT_IDS_SQL
    + ")))) RETURNING t.id), "
    "rights_made AS (INSERT INTO tags (airport_id, name) SELECT a.id, a.landing_rights::text "
    "FROM airports a WHERE a.id = :id ON CONFLICT DO NOTHING RETURNING id), "
    # The webcam tag while the airport has webcams, the events tag while events are to come.
    + "".join(f"{_following_sql(tag, exists)}, " for tag, exists in _FOLLOWING_TAGS.items())
    # Featured while the page is complete.
    + "score AS (SELECT "
    + COMPLETION_SQL
    + " AS percent FROM airports a WHERE a.id = :id), "
    "featured_gone AS (DELETE FROM tags WHERE airport_id = :id AND name = 'featured' "
    "AND (SELECT percent FROM score) < 100 RETURNING id), "
    "featured_made AS (INSERT INTO tags (airport_id, name) SELECT :id, 'featured' FROM score "
    "WHERE percent >= 100 ON CONFLICT DO NOTHING RETURNING id) "
    "SELECT EXISTS (" + " UNION ALL ".join(f"SELECT id FROM {part}" for part in _SYNC_CHANGES) + ")"
)


async def sync_automatic_tags(session: AsyncSession, airport_id: uuid.UUID) -> bool:
    """Bring the tags that follow from an airport's content up to date (its landing rights
    tag; ``empty`` gone once it has content; webcam, events, featured), in one statement;
    whether any changed."""
    return bool(await session.scalar(_SYNC_SQL, {"id": airport_id}))
