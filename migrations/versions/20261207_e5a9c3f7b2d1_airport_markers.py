"""The map's airports as a narrow table of their own, kept by triggers on ``airports``: what a
vector tile holds of each airport, ready to encode, in rows a tenth of an airport's width, laid
out along a space-filling curve. A country's tile reads a few dozen pages instead of most of
the airports table, and computes nothing per airport. The web-map position moves here from
``airports``, which no longer keeps an index for it on every edit.

Revision ID: e5a9c3f7b2d1
Revises: d4f8a2b6c1e3
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "e5a9c3f7b2d1"
down_revision: str | None = "d4f8a2b6c1e3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What the map draws of an airport ``a``. The feature id is the GeoJSON's
# (api.core.documents.geojson.FEATURE_ID_SQL); the tags are one string with a comma before and
# after each, ``populated`` added unless the airport is ``empty`` (geojson.MAP_TAGS_SQL); the
# poles, which the projection cannot reach, are drawn at its edge.
_MARKER = """
    a.id,
    (('x' || lpad(left(md5(a.code), 8), 16, '0'))::bit(64)::bigint),
    ST_Transform(ST_SetSRID(ST_MakePoint(a.longitude,
        GREATEST(-85.05, LEAST(85.05, a.latitude))), 4326), 3857),
    a.code, a.name, a.facility_type, a.facility_use, a.importance,
    ',' || array_to_string(
        a.tag_names
        || CASE WHEN 'empty' = ANY(a.tag_names) THEN '{}'::text[] ELSE ARRAY['populated'] END,
        ','
    ) || ','
"""
_COLUMNS = (
    "airport_id, feature_id, mercator, code, name, facility_type, facility_use, importance, tags"
)


def _upsert(source: str) -> str:
    """Write the markers of the airports of ``source``, in curve order, so that a load lays
    neighbours on the same pages; a marker that is unchanged (most of an import's updates)
    is not written."""
    return f"""
    INSERT INTO airport_markers ({_COLUMNS})
    SELECT {_MARKER} FROM {source} a ORDER BY 3
    ON CONFLICT (airport_id) DO UPDATE
    SET ({_COLUMNS}) = ROW(EXCLUDED.*)
    WHERE ROW(airport_markers.*) IS DISTINCT FROM ROW(EXCLUDED.*)
    """


# One statement per statement on airports (an import writes thousands of rows at once).
_FUNCTION = f"""
CREATE FUNCTION airports_sync_markers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_upsert("changed_airports")};
    RETURN NULL;
END $$
"""
# Every airport's marker, and every airport's tag names: what a first load, which leaves the
# triggers off while it writes (importer.load.bulk), computes once at its end.
_REBUILDS = (
    f"CREATE FUNCTION airport_markers_rebuild() RETURNS void LANGUAGE sql AS $${_upsert('airports')}$$",
    """
    CREATE FUNCTION airports_tag_names_rebuild() RETURNS void LANGUAGE sql AS $$
    UPDATE airports a SET tag_names = t.names
    FROM (SELECT airport_id, array_agg(name::text ORDER BY name) AS names
          FROM tags GROUP BY airport_id) t
    WHERE t.airport_id = a.id AND a.tag_names IS DISTINCT FROM t.names
    $$
    """,
)


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE airport_markers (
            airport_id uuid PRIMARY KEY REFERENCES airports (id) ON DELETE CASCADE,
            feature_id bigint NOT NULL,
            mercator geometry(POINT, 3857) NOT NULL,
            code text NOT NULL,
            name text NOT NULL,
            facility_type text NOT NULL,
            facility_use text,
            importance smallint NOT NULL,
            tags text NOT NULL
        ) WITH (fillfactor = 90)
        """
    )
    for function in _REBUILDS:
        op.execute(function)
    op.execute("SELECT airport_markers_rebuild()")
    op.execute("CREATE INDEX ix_airport_markers_mercator ON airport_markers USING gist (mercator)")
    # Views of a continent or the world read only the airports they draw.
    op.execute(
        "CREATE INDEX ix_airport_markers_mercator_important ON airport_markers "
        "USING gist (mercator) WHERE importance >= 3"
    )
    op.execute(_FUNCTION)
    for event in ("insert", "update"):
        op.execute(
            f"CREATE TRIGGER airports_sync_markers_{event} AFTER {event.upper()} ON airports "
            "REFERENCING NEW TABLE AS changed_airports FOR EACH STATEMENT "
            "EXECUTE FUNCTION airports_sync_markers()"
        )
    op.execute("DROP INDEX ix_airports_mercator")
    op.execute("ALTER TABLE airports DROP COLUMN mercator")


def downgrade() -> None:
    op.execute(
        "ALTER TABLE airports ADD COLUMN mercator geometry(POINT, 3857) GENERATED ALWAYS AS "
        "(ST_Transform(ST_SetSRID(ST_MakePoint(longitude, "
        "GREATEST(-85.05, LEAST(85.05, latitude))), 4326), 3857)) STORED"
    )
    op.execute("CREATE INDEX ix_airports_mercator ON airports USING gist (mercator)")
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER airports_sync_markers_{event} ON airports")
    op.execute("DROP FUNCTION airports_sync_markers()")
    op.execute("DROP FUNCTION airport_markers_rebuild()")
    op.execute("DROP FUNCTION airports_tag_names_rebuild()")
    op.execute("DROP TABLE airport_markers")
