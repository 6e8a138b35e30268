"""GET /api/v1/tiles/airports/{z}/{x}/{y}.mvt: the map's airports as vector tiles, read back
with an independent decoder (mapbox-vector-tile)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import mapbox_vector_tile
import morecantile
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from api.airports.caches import TileCache
from api.core.catalogue import POPULATED
from api.core.documents import geojson, tiles
from api.state import state_of

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=60, must-revalidate"
WEB_MERCATOR = morecantile.tms.get("WebMercatorQuad")

SetTags = Callable[..., Awaitable[None]]


def url(z: int, x: int, y: int) -> str:
    return f"/api/v1/tiles/airports/{z}/{x}/{y}.mvt"


async def position(connection: AsyncConnection, code: str) -> tuple[float, float]:
    row = (
        await connection.execute(
            sa.text("SELECT longitude, latitude FROM airports WHERE code = :code"), {"code": code}
        )
    ).one()
    return row.longitude, row.latitude


async def features(client: httpx.AsyncClient, z: int, x: int, y: int) -> dict[str, Any]:
    response = await client.get(url(z, x, y))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    layers = mapbox_vector_tile.decode(response.content)
    if not layers:
        return {}
    assert set(layers) == {"airports"}
    assert layers["airports"]["extent"] == 4096
    return {feature["properties"]["code"]: feature for feature in layers["airports"]["features"]}


async def test_an_airport_is_in_its_tile_with_what_the_map_needs(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    longitude, latitude = await position(connection, "PAE")
    tile = WEB_MERCATOR.tile(longitude, latitude, 8)
    found = await features(client, 8, tile.x, tile.y)

    pae = found["PAE"]
    assert pae["id"] == geojson.feature_id("PAE")
    assert pae["geometry"]["type"] == "Point"
    assert pae["properties"]["name"] == "SEATTLE PAINE FIELD INTERNATIONAL AIRPORT"  # as filed
    assert pae["properties"]["facility_type"] == "airport"
    assert pae["properties"]["facility_use"] == "PU"
    assert pae["properties"]["importance"] == 5
    assert pae["properties"]["tags"].startswith(",")
    assert ",public," in pae["properties"]["tags"]
    # Where in the tile: the airport's own position, on the tile's 4096 grid.
    x, y = pae["geometry"]["coordinates"]
    bounds = WEB_MERCATOR.xy_bounds(tile)
    mercator = WEB_MERCATOR.xy(longitude, latitude)
    expected_x = (mercator.x - bounds.left) / (bounds.right - bounds.left) * 4096
    expected_y = (mercator.y - bounds.bottom) / (bounds.top - bounds.bottom) * 4096
    assert abs(x - expected_x) <= 1
    assert abs(y - expected_y) <= 1
    # Every airport of the tile is one of the map's, and no other.
    west, south, east, north = WEB_MERCATOR.bounds(tile)
    inside = await connection.scalar(
        sa.text(
            "SELECT count(*) FROM airports WHERE longitude BETWEEN :w AND :e"
            " AND latitude BETWEEN :s AND :n"
        ),
        {"w": west, "e": east, "s": south, "n": north},
    )
    assert inside is not None
    assert 0 < inside <= len(found)


async def test_zoomed_out_tiles_keep_the_important_airports(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    longitude, latitude = await position(connection, "PAE")
    by_zoom = {}
    for zoom in (2, 4, 5):
        tile = WEB_MERCATOR.tile(longitude, latitude, zoom)
        by_zoom[zoom] = await features(client, zoom, tile.x, tile.y)
    least = {
        zoom: min(feature["properties"]["importance"] for feature in found.values())
        for zoom, found in by_zoom.items()
    }
    assert least[2] >= 4
    assert least[4] >= 3
    assert least[5] <= 1  # from a country's view every airport, private strips too
    # The world map has the large airports, one of each square (Seattle's three, PAE among
    # them, share one there); a country's map has PAE.
    assert sum(feature["properties"]["importance"] == 5 for feature in by_zoom[2].values()) > 5
    assert "PAE" in by_zoom[5]
    assert len(by_zoom[4]) < len(by_zoom[5])


async def test_a_tile_without_airports_is_empty(client: httpx.AsyncClient) -> None:
    response = await client.get(url(6, 0, 63))  # the South Pacific
    assert response.status_code == 200
    assert response.content == b""


async def test_tiles_are_immutable_with_the_map_version_and_revalidate_without_it(
    app: FastAPI, client: httpx.AsyncClient, connection: AsyncConnection, set_tags: SetTags
) -> None:
    meta = (await client.get("/api/v1/meta")).json()
    template = meta["airport_tiles_url"]
    assert template.startswith("/api/v1/tiles/airports/{z}/{x}/{y}.mvt?v=")
    versioned = await client.get(template.format(z=8, x=41, y=89))
    plain = await client.get(url(8, 41, 89))
    assert versioned.headers["cache-control"] == IMMUTABLE
    assert plain.headers["cache-control"] == REVALIDATE
    etag = plain.headers["etag"]
    assert versioned.headers["etag"] == etag
    assert etag != (await client.get(url(8, 41, 90))).headers["etag"]  # one per tile
    again = await client.get(url(8, 41, 89), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""

    # A change of the map moves every tile's version.
    await set_tags("PAE", add=("camping",))
    await geojson.rebuild(connection)
    state_of(app).geojson_cache.recheck()
    changed = await client.get(url(8, 41, 89), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert (await client.get(template.format(z=8, x=41, y=89))).headers["cache-control"] == (
        REVALIDATE
    )
    tags = {
        feature["properties"]["code"]: feature["properties"]["tags"]
        for feature in mapbox_vector_tile.decode(changed.content)["airports"]["features"]
    }
    assert ",camping," in tags["PAE"]


async def test_tiles_off_the_grid_are_refused(client: httpx.AsyncClient) -> None:
    missing = await client.get(url(3, 8, 0))
    assert missing.status_code == 404
    assert missing.json()["error"] == "NotFound"
    assert "x and y are below 8" in missing.json()["detail"]
    for path in (
        url(13, 0, 0),
        "/api/v1/tiles/airports/-1/0/0.mvt",
        "/api/v1/tiles/airports/a/0/0.mvt",
    ):
        refused = await client.get(path)
        assert refused.status_code == 422, path
        assert refused.json()["error"] == "ValidationFailed"


async def test_a_process_keeps_the_tiles_of_the_current_version(
    app: FastAPI,
    client: httpx.AsyncClient,
    connection: AsyncConnection,
    set_tags: SetTags,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cut = []
    original = tiles.tile

    async def counted(*args: Any) -> bytes:
        cut.append(args[1:])
        return await original(*args)

    monkeypatch.setattr(tiles, "tile", counted)
    first = await client.get(url(8, 41, 89))
    again = await client.get(url(8, 41, 89))
    assert again.content == first.content
    assert cut == [(8, 41, 89)]

    # A change of the map: the tiles are cut again, with the change.
    await set_tags("PAE", add=("camping",))
    await geojson.rebuild(connection)
    state_of(app).geojson_cache.recheck()
    changed = await client.get(url(8, 41, 89))
    assert cut == [(8, 41, 89)] * 2
    assert changed.content != first.content


def test_the_tile_cache_keeps_to_its_budget_dropping_the_least_recently_used() -> None:
    cache = TileCache(max_bytes=10)
    assert cache.get("v1", (1, 0, 0)) is None
    cache.put("v1", (1, 0, 0), b"aaaa")
    cache.put("v1", (1, 0, 1), b"bbbb")
    assert cache.get("v1", (1, 0, 0)) == b"aaaa"  # now the most recently used
    cache.put("v1", (1, 1, 0), b"cccc")
    assert cache.size == 8
    assert cache.get("v1", (1, 0, 1)) is None
    assert cache.get("v1", (1, 0, 0)) == b"aaaa"
    cache.put("v1", (1, 1, 1), b"x" * 11)  # bigger than the whole budget: not kept
    assert cache.get("v1", (1, 1, 1)) is None
    assert cache.get("v2", (1, 0, 0)) is None  # a new version starts afresh
    assert cache.size == 0
    cache.put("v1", (1, 0, 0), b"aaaa")  # a late answer for the old version is not kept
    assert cache.get("v2", (1, 0, 0)) is None


async def test_names_are_in_the_tiles_from_zoom_8(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    longitude, latitude = await position(connection, "PAE")
    for zoom, named in ((7, False), (8, True)):
        tile = WEB_MERCATOR.tile(longitude, latitude, zoom)
        pae = (await features(client, zoom, tile.x, tile.y))["PAE"]
        assert ("name" in pae["properties"]) is named, zoom


def decoded(data: bytes) -> dict[str, Any]:
    layers = mapbox_vector_tile.decode(data)
    return {f["properties"]["code"]: f for f in layers.get("airports", {}).get("features", [])}


async def test_tiles_follow_the_airports_edits_moves_additions_and_deletions(
    connection: AsyncConnection, set_tags: SetTags
) -> None:
    longitude, latitude = await position(connection, "PAE")
    here = WEB_MERCATOR.tile(longitude, latitude, 9)
    before = decoded(await tiles.tile(connection, 9, here.x, here.y))
    assert "PAE" in before

    await connection.execute(
        sa.text("UPDATE airports SET name = 'Paine Field', facility_use = 'PR' WHERE code = 'PAE'")
    )
    await set_tags("PAE", add=("camping",), remove=("public",))
    pae = decoded(await tiles.tile(connection, 9, here.x, here.y))["PAE"]["properties"]
    assert pae["name"] == "Paine Field"
    assert pae["facility_use"] == "PR"
    assert ",camping," in pae["tags"]
    assert ",public," not in pae["tags"]

    # Moved across the world: gone from its old tile, in its new one.
    await connection.execute(
        sa.text("UPDATE airports SET latitude = -33.9, longitude = 151.2 WHERE code = 'PAE'")
    )
    assert "PAE" not in decoded(await tiles.tile(connection, 9, here.x, here.y))
    sydney = WEB_MERCATOR.tile(151.2, -33.9, 9)
    assert "PAE" in decoded(await tiles.tile(connection, 9, sydney.x, sydney.y))

    await connection.execute(
        sa.text(
            "INSERT INTO airports (code, name, facility_type, latitude, longitude, data_source,"
            " landing_rights) VALUES ('NEW1', 'New Field', 'airport', :lat, :lon,"
            " 'user_contributed', 'public')"
        ),
        {"lat": latitude, "lon": longitude},
    )
    added = decoded(await tiles.tile(connection, 9, here.x, here.y))["NEW1"]
    assert added["id"] == geojson.feature_id("NEW1")
    assert added["properties"]["tags"] == ",populated,"

    await connection.execute(sa.text("DELETE FROM airports WHERE code = 'NEW1'"))
    assert "NEW1" not in decoded(await tiles.tile(connection, 9, here.x, here.y))


async def test_every_airports_marker_and_tag_names_are_what_the_geojson_says_of_it(
    connection: AsyncConnection, set_tags: SetTags
) -> None:
    # The sample's airports are all ``empty`` (no ``populated``) until someone writes of one.
    await set_tags("PAE", remove=("empty",))
    # The triggers' copy of the feature id and the map's tags, against the GeoJSON's own.
    differing = await connection.scalar(
        sa.text(
            f"""
            SELECT count(*) FROM airports a
            FULL JOIN airport_markers m ON m.airport_id = a.id
            WHERE m.airport_id IS NULL OR a.id IS NULL
               OR m.feature_id <> {geojson.FEATURE_ID_SQL}
               OR m.tags <> ',' || array_to_string({geojson.MAP_TAGS_SQL}, ',') || ','
               OR (m.code, m.name, m.facility_type, m.facility_use, m.importance)
                  IS DISTINCT FROM
                  (a.code, a.name, a.facility_type, a.facility_use, a.importance)
            """
        ),
        {"populated": POPULATED},
    )
    populated = await connection.scalar(
        sa.text("SELECT count(*) FILTER (WHERE tags LIKE '%,populated,%') FROM airport_markers")
    )
    total = await connection.scalar(sa.text("SELECT count(*) FROM airport_markers"))
    assert total is not None
    assert total > 100
    assert populated == 1
    assert differing == 0
    # The sample was a first load, whose triggers were off: its tag names were computed at its
    # end, like its markers.
    wrong_tag_names = await connection.scalar(
        sa.text(
            "SELECT count(*) FROM airports a WHERE a.tag_names IS DISTINCT FROM coalesce("
            "(SELECT array_agg(t.name::text ORDER BY t.name) FROM tags t"
            " WHERE t.airport_id = a.id), '{}')"
        )
    )
    assert wrong_tag_names == 0


async def test_zoomed_out_a_tile_keeps_the_most_important_airport_of_each_square(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    """Zoomed out, two airports closer than 16 px (as the map draws a tile, 512 px across)
    would overlap: a tile keeps the most important of each square of `tiles.CELL`."""
    longitude, latitude = await position(connection, "PAE")
    zoom = 4
    tile = WEB_MERCATOR.tile(longitude, latitude, zoom)
    response = await client.get(url(zoom, tile.x, tile.y))
    layer = mapbox_vector_tile.decode(response.content, default_options={"y_coord_down": True})
    kept = {
        feature["properties"]["code"]: feature["geometry"]["coordinates"]
        for feature in layer["airports"]["features"]
    }
    squares = {code: (x // tiles.CELL, y // tiles.CELL) for code, (x, y) in kept.items()}
    assert len(set(squares.values())) == len(squares), "two airports in one square"
    # Where each airport of the zoom's importance is in the tile, computed apart from PostGIS.
    bounds = WEB_MERCATOR.xy_bounds(tile)
    size = bounds.right - bounds.left
    rows = await connection.execute(
        sa.text(
            "SELECT m.code, a.longitude, a.latitude, m.importance FROM airports a "
            f"JOIN airport_markers m ON m.airport_id = a.id "
            f"WHERE m.importance >= {tiles.LEAST_IMPORTANCE[zoom]}"
        )
    )
    inside: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for code, lon, lat, importance in rows:
        x, y = WEB_MERCATOR.xy(lon, lat)
        column = (x - bounds.left) / size * tiles.EXTENT
        row = (bounds.top - y) / size * tiles.EXTENT
        # PostGIS rounds to whole units: a unit from a square's edge, it may go either way.
        offsets = (column % tiles.CELL, row % tiles.CELL)
        near_an_edge = min(offsets) < 1 or max(offsets) > tiles.CELL - 1
        if 0 <= column < tiles.EXTENT and 0 <= row < tiles.EXTENT and not near_an_edge:
            square = (int(column // tiles.CELL), int(row // tiles.CELL))
            inside.setdefault(square, []).append((importance, code))
    crowded = [square for square, found in inside.items() if len(found) > 1]
    assert crowded, "the sample has no two airports in one square to choose from"
    for square, found in inside.items():
        (code,) = [code for code, at in squares.items() if at == square]
        assert max(importance for importance, _ in found) == next(
            importance for importance, other in found if other == code
        ), (square, found, code)
    # From zoom 5, every airport again.
    tile = WEB_MERCATOR.tile(longitude, latitude, 5)
    assert len(await features(client, 5, tile.x, tile.y)) > len(kept)
