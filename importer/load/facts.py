"""Facts of an airport computed offline while loading: its time zone and its outline.

Only airports that are new or moved are computed: the time zone from the coordinates (with
tzfpy's bundled zone outlines), the outline (the box a map fits to show the whole airport)
from the runway ends with a margin, or around the reference point by the longest runway, or by
a radius for the facility type. The Overpass job refines outlines later, when online.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from api.core.bulk import copy_rows
from api.core.geo import (
    DEFAULT_OUTLINE_RADIUS_M,
    METERS_PER_DEGREE_LATITUDE,
    OUTLINE_MARGIN_M,
    OUTLINE_RADIUS_M,
    timezone_at,
)

METRES_PER_DEGREE = METERS_PER_DEGREE_LATITUDE
# Around the runway ends, and beyond half the longest runway around the reference point.
MARGIN_M = OUTLINE_MARGIN_M

# The airports of the cycle that are new, or whose position changed.
_PLACED_SQL = sa.text(
    """
    SELECT s.code, s.latitude, s.longitude, a.id IS NULL AS new
    FROM stage_airports s
    LEFT JOIN airports a ON a.code = s.code
    WHERE a.id IS NULL
       OR (a.data_source = s.data_source
           AND (a.latitude, a.longitude) IS DISTINCT FROM (s.latitude, s.longitude))
    """
)

_RADIUS_CASES = " ".join(
    f"WHEN '{kind}' THEN {metres}" for kind, metres in OUTLINE_RADIUS_M.items()
)

# The facts table: each placed airport's zone and outline, in one pass over the staged runways.
_FACTS_SQL = sa.text(
    f"""
    CREATE TEMP TABLE stage_facts ON COMMIT DROP AS
    WITH ends AS (
        SELECT airport_code, min(latitude) AS south, max(latitude) AS north,
               min(longitude) AS west, max(longitude) AS east
        FROM stage_runway_ends
        WHERE latitude IS NOT NULL AND longitude IS NOT NULL
        GROUP BY airport_code
    ), longest AS (
        SELECT airport_code, max(length_ft) AS length_ft FROM stage_runways GROUP BY airport_code
    ), outline AS (
        SELECT z.code, z.new, z.timezone,
               coalesce(e.south, s.latitude) AS south, coalesce(e.north, s.latitude) AS north,
               coalesce(e.west, s.longitude) AS west, coalesce(e.east, s.longitude) AS east,
               CASE WHEN e.south IS NOT NULL THEN {MARGIN_M}
                    WHEN r.length_ft > 0 THEN r.length_ft * 0.3048 / 2 + {MARGIN_M}
                    ELSE CASE s.facility_type::text {_RADIUS_CASES}
                         ELSE {DEFAULT_OUTLINE_RADIUS_M} END
               END AS margin,
               {METRES_PER_DEGREE} * greatest(cos(radians(s.latitude)), 0.01)
                   AS metres_per_degree_lon
        FROM stage_zones z
        JOIN stage_airports s ON s.code = z.code
        LEFT JOIN ends e ON e.airport_code = z.code
        LEFT JOIN longest r ON r.airport_code = z.code
    )
    SELECT code, new, timezone,
           greatest(-90, south - margin / {METRES_PER_DEGREE}) AS sw_latitude,
           least(90, north + margin / {METRES_PER_DEGREE}) AS ne_latitude,
           greatest(-180, west - margin / metres_per_degree_lon) AS sw_longitude,
           least(180, east + margin / metres_per_degree_lon) AS ne_longitude
    FROM outline
    """
)

# The columns the facts fill, as the merges write them from ``stage_facts f``.
FACT_COLUMNS = (
    "timezone",
    "timezone_checked_at",
    "bbox_sw_latitude",
    "bbox_sw_longitude",
    "bbox_ne_latitude",
    "bbox_ne_longitude",
)
FACT_VALUES = (
    "f.timezone",
    "now()",
    "f.sw_latitude",
    "f.sw_longitude",
    "f.ne_latitude",
    "f.ne_longitude",
)


async def stage(connection: AsyncConnection) -> int:
    """Compute the facts of the staged airports that are new or moved into ``stage_facts``;
    the number of airports computed."""
    await connection.execute(
        sa.text(
            "CREATE TEMP TABLE stage_zones (code text, new boolean, timezone text) ON COMMIT DROP"
        )
    )
    placed = (await connection.execute(_PLACED_SQL)).all()
    rows: list[tuple[Any, ...]] = [
        (code, new, timezone_at(latitude, longitude)) for code, latitude, longitude, new in placed
    ]
    await copy_rows(connection, "stage_zones", ("code", "new", "timezone"), rows)
    await connection.execute(_FACTS_SQL)
    await connection.execute(sa.text("CREATE UNIQUE INDEX ON stage_facts (code)"))
    await connection.execute(sa.text("ANALYZE stage_facts"))
    return len(rows)


async def apply_to_moved(connection: AsyncConnection) -> None:
    """Give airports that moved the facts of their new position (new airports got theirs when
    inserted); the outline is looked up online again."""
    assignments = ", ".join(
        f"{column} = {value}" for column, value in zip(FACT_COLUMNS, FACT_VALUES, strict=True)
    )
    await connection.execute(
        sa.text(
            f"UPDATE airports a SET {assignments}, bbox_checked = false"
            " FROM stage_facts f JOIN stage_airports s ON s.code = f.code"
            " WHERE a.code = f.code AND a.data_source = s.data_source AND NOT f.new"
        )
    )
