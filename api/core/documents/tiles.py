"""The map's airports as Mapbox vector tiles, cut by PostGIS (`ST_AsMVT`) from
``airport_markers``: what a tile holds of each airport, kept ready by triggers on ``airports``
(`models.AirportMarker`), so a tile computes nothing per airport.

One layer, ``airports``, with what the map draws, filters and labels: ``code``, ``name`` (from
zoom `NAMES_FROM_ZOOM`), ``facility_type``, ``facility_use``, ``importance`` and ``tags``. Tags
are one string with a comma before and after each (``,fuel,populated,``): vector tiles have no
lists, and a filter looks for ``,fuel,`` in it. A feature's id is the GeoJSON's
(`geojson.feature_id`).

Zoomed out, a tile keeps the airports pilots mean most (`LEAST_IMPORTANCE`), and of those the
most important in each square where markers would overlap (`CELL`), so that a view of the world
draws a readable map rather than every strip.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

LAYER = "airports"
MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
EXTENT = 4096
# Pixels of the tile's extent drawn beyond its edges, so a marker on an edge is not cut.
BUFFER = 64
# Deeper zooms are drawn from this one's tiles (MapLibre overzooms them).
MAX_ZOOM = 12
# The least importance (0 a private heliport … 5 a large airport) a tile of each zoom shows:
# views of a continent or the world keep the airports pilots mean most. From zoom 5, a
# country's view, every airport is in its tiles, so that the map's filters (private fields,
# heliports) find them; the map thins the markers that would overlap there.
# These zooms read the partial index of importance 3 and more (`AirportMarker`): keep them there.
LEAST_IMPORTANCE = {0: 4, 1: 4, 2: 4, 3: 3, 4: 3}
# Names from this zoom on (the map labels airports by code; names would double the size of a
# country's tiles).
NAMES_FROM_ZOOM = 8


# Zoomed out, a tile also keeps only the most important airport of each square of `CELL`
# units (16 px as MapLibre draws a vector tile, 512 px): two markers that close always overlap
# there (the smallest is 16 px across, with 3 px of padding around it), so the map would have
# hidden all but the most important anyway; the tile has a third fewer airports to send,
# read and place. The squares line up across tiles (`EXTENT` is a multiple of `CELL`).
CELL = 128


def _tile_sql(least_importance: int, thinned: bool, names: bool) -> sa.TextClause:
    # The least importance is written into the statement, not bound: a continent's tile then
    # reads the index of the important airports alone (its predicate must be seen at planning).
    square = f"floor(ST_X(geometry) / {CELL}), floor(ST_Y(geometry) / {CELL})"
    return sa.text(
        f"""
        SELECT ST_AsMVT(features, '{LAYER}', {EXTENT}, 'geometry', 'id')
        FROM (
            SELECT {f"DISTINCT ON ({square})" if thinned else ""} *
            FROM (
                SELECT m.feature_id AS id,
                       ST_AsMVTGeom(m.mercator, ST_TileEnvelope(:z, :x, :y), {EXTENT}, {BUFFER},
                                    true) AS geometry,
                       m.code, {"m.name, " if names else ""}m.facility_type, m.facility_use,
                       m.importance, m.tags
                FROM airport_markers m
                WHERE m.mercator && ST_TileEnvelope(:z, :x, :y, margin => {BUFFER / EXTENT})
                  AND m.importance >= {least_importance:d}
            ) placed
            {f"ORDER BY {square}, importance DESC, id" if thinned else ""}
        ) features
        """
    )


_TILE_SQL = {
    z: _tile_sql(LEAST_IMPORTANCE.get(z, 0), z in LEAST_IMPORTANCE, z >= NAMES_FROM_ZOOM)
    for z in range(MAX_ZOOM + 1)
}


def exists(z: int, x: int, y: int) -> bool:
    """Whether the tile is one of the map's (zoom 0 to `MAX_ZOOM`, x and y on the grid)."""
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


async def tile(connection: AsyncConnection | AsyncSession, z: int, x: int, y: int) -> bytes:
    """The tile's bytes (empty where it holds no airport)."""
    found = await connection.execute(_TILE_SQL[z], {"z": z, "x": x, "y": y})
    return bytes(found.scalar_one() or b"")
