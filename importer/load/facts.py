"""Facts of an airport computed offline while loading: its time zone and its outline.

Only airports that are new or moved are computed: the time zone from the coordinates (with
timezonefinder's bundled data), the outline (the box a map fits to show the whole airport)
from the runway ends with a margin, or around the reference point by the longest runway, or by
a radius for the facility type. The Overpass job refines outlines later, when online.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from api.core.geo import (
    DEFAULT_OUTLINE_RADIUS_M,
    METERS_PER_DEGREE_LATITUDE,
    OUTLINE_MARGIN_M,
    OUTLINE_RADIUS_M,
    timezone_at,
)
from importer.load.bulk import copy_rows

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

_OUTLINE_SQL = sa.text(
    f"""
    UPDATE stage_facts f
    SET sw_latitude = greatest(-90, o.south - o.margin / {METRES_PER_DEGREE}),
        ne_latitude = least(90, o.north + o.margin / {METRES_PER_DEGREE}),
        sw_longitude = greatest(-180, o.west - o.margin / o.metres_per_degree_lon),
        ne_longitude = least(180, o.east + o.margin / o.metres_per_degree_lon)
    FROM (
        SELECT s.code,
               coalesce(e.south, s.latitude) AS south, coalesce(e.north, s.latitude) AS north,
               coalesce(e.west, s.longitude) AS west, coalesce(e.east, s.longitude) AS east,
               CASE WHEN e.south IS NOT NULL THEN {MARGIN_M}
                    WHEN r.longest > 0 THEN r.longest * 0.3048 / 2 + {MARGIN_M}
                    ELSE CASE s.facility_type::text {_RADIUS_CASES}
                         ELSE {DEFAULT_OUTLINE_RADIUS_M} END
               END AS margin,
               {METRES_PER_DEGREE} * greatest(cos(radians(s.latitude)), 0.01)
                   AS metres_per_degree_lon
        FROM stage_facts f0
        JOIN stage_airports s ON s.code = f0.code
        LEFT JOIN LATERAL (
            SELECT min(latitude) AS south, max(latitude) AS north,
                   min(longitude) AS west, max(longitude) AS east
            FROM stage_runway_ends e
            WHERE e.airport_code = s.code AND e.latitude IS NOT NULL AND e.longitude IS NOT NULL
        ) e ON true
        LEFT JOIN LATERAL (
            SELECT max(length_ft) AS longest FROM stage_runways r WHERE r.airport_code = s.code
        ) r ON true
    ) o
    WHERE f.code = o.code
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
            "CREATE TEMP TABLE stage_facts (code text PRIMARY KEY, new boolean, timezone text,"
            " sw_latitude double precision, sw_longitude double precision,"
            " ne_latitude double precision, ne_longitude double precision) ON COMMIT DROP"
        )
    )
    placed = (await connection.execute(_PLACED_SQL)).all()
    if not placed:
        return 0
    rows: list[tuple[Any, ...]] = [
        (code, new, timezone_at(latitude, longitude)) for code, latitude, longitude, new in placed
    ]
    await copy_rows(connection, "stage_facts", ("code", "new", "timezone"), rows)
    await connection.execute(sa.text("ANALYZE stage_facts"))
    await connection.execute(_OUTLINE_SQL)
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
