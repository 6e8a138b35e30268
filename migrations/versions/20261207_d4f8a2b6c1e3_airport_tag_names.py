"""Each airport's tag names, sorted, on its row, kept by triggers on ``tags``: the map's vector
tiles and GeoJSON read them with the airport instead of one lookup in ``tags`` per airport.

Revision ID: d4f8a2b6c1e3
Revises: b3e7c1d9f402
Create Date: 2026-12-07 13:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "d4f8a2b6c1e3"
down_revision: str | None = "b3e7c1d9f402"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One UPDATE per statement on tags (an import adds thousands at once), for the airports it
# touched; a statement trigger with a transition table serves one kind of event.
_FUNCTION = """
CREATE FUNCTION airports_sync_tag_names() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE airports a
    SET tag_names = coalesce(
        (SELECT array_agg(t.name::text ORDER BY t.name) FROM tags t WHERE t.airport_id = a.id),
        '{}'
    )
    WHERE a.id IN (SELECT airport_id FROM changed_tags);
    RETURN NULL;
END $$
"""
_EVENTS = {"insert": "NEW", "delete": "OLD", "update": "NEW"}


def upgrade() -> None:
    op.execute("ALTER TABLE airports ADD COLUMN tag_names text[] NOT NULL DEFAULT '{}'")
    op.execute(
        "UPDATE airports a SET tag_names = t.names FROM ("
        "SELECT airport_id, array_agg(name::text ORDER BY name) AS names "
        "FROM tags GROUP BY airport_id) t WHERE t.airport_id = a.id"
    )
    op.execute(_FUNCTION)
    for event, table in _EVENTS.items():
        op.execute(
            f"CREATE TRIGGER tags_sync_airport_{event} AFTER {event.upper()} ON tags "
            f"REFERENCING {table} TABLE AS changed_tags FOR EACH STATEMENT "
            "EXECUTE FUNCTION airports_sync_tag_names()"
        )


def downgrade() -> None:
    for event in _EVENTS:
        op.execute(f"DROP TRIGGER tags_sync_airport_{event} ON tags")
    op.execute("DROP FUNCTION airports_sync_tag_names()")
    op.execute("ALTER TABLE airports DROP COLUMN tag_names")
