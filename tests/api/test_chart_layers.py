"""Chart layers in the metadata, and the archives the API serves itself in the embedded
default, by byte ranges as maps read them."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from api.app import create_app
from api.core.changes import ChangeKind, record_changes
from api.core.settings import Settings
from api.state import state_of

LAYER = {
    "min_zoom": 0,
    "max_zoom": 12,
    "bounds": [-122.39, 47.83, -122.15, 47.99],
    "title": "Sectional",
    "attribution": "FAA VFR charts, not for navigation",
    "archive": "tiles/2024-12-26/sectional.pmtiles",
}


async def activate_charts(connection: AsyncConnection) -> None:
    await connection.execute(
        sa.text(
            "INSERT INTO faa_data_cycles (product, cycle, details) VALUES "
            "('charts', '2024-12-26', CAST(:details AS jsonb))"
        ),
        {"details": json.dumps({"layers": {"sectional": LAYER}})},
    )


async def test_meta_lists_the_layers_of_the_active_chart_cycle(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    assert (await client.get("/api/v1/meta")).json()["chart_layers"] == []
    await activate_charts(connection)
    layers = (await client.get("/api/v1/meta")).json()["chart_layers"]
    assert layers == [
        {
            "name": "sectional",
            "title": "Sectional",
            "cycle": "2024-12-26",
            "archive_url": "/assets/tiles/2024-12-26/sectional.pmtiles",
            "min_zoom": 0,
            "max_zoom": 12,
            "bounds": [-122.39, 47.83, -122.15, 47.99],
            "attribution": "FAA VFR charts, not for navigation",
        }
    ]


async def test_a_layer_tiled_before_the_archives_is_not_listed(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    old = {key: value for key, value in LAYER.items() if key != "archive"}
    await connection.execute(
        sa.text(
            "INSERT INTO faa_data_cycles (product, cycle, details) VALUES "
            "('charts', '2024-12-26', CAST(:details AS jsonb))"
        ),
        {"details": json.dumps({"layers": {"sectional": old}})},
    )
    assert (await client.get("/api/v1/meta")).json()["chart_layers"] == []


async def test_the_api_serves_an_archive_by_byte_ranges(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    stored = settings.storage_root / "tiles/2024-12-26/sectional.pmtiles"
    stored.parent.mkdir(parents=True, exist_ok=True)
    body = bytes(range(256)) * 40
    stored.write_bytes(body)
    url = "/assets/tiles/2024-12-26/sectional.pmtiles"

    whole = await client.get(url)
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "application/vnd.pmtiles"
    assert whole.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.content == body

    # The header, as a PMTiles reader asks for it first, then a tile further in.
    for first, last in ((0, 126), (5000, 5099)):
        part = await client.get(url, headers={"Range": f"bytes={first}-{last}"})
        assert part.status_code == 206
        assert part.headers["content-range"] == f"bytes {first}-{last}/{len(body)}"
        assert "content-encoding" not in part.headers  # those bytes, not a compression of them
        assert part.content == body[first : last + 1]
    suffix = await client.get(url, headers={"Range": "bytes=-10"})
    assert (suffix.status_code, suffix.content) == (206, body[-10:])
    beyond = await client.get(url, headers={"Range": f"bytes={len(body) + 5}-"})
    assert beyond.status_code == 416

    missing = await client.get("/assets/tiles/2024-12-26/terminal.pmtiles")
    assert missing.status_code == 404
    assert missing.json()["error"] == "NotFound"
    for bad in ("tiles/../../../etc/passwd.png", "tiles/a/b.exe", "secrets.txt"):
        answer = await client.get(f"/assets/{bad}")
        assert answer.status_code == 404, bad
    manifest = settings.storage_root / "tiles/2024-12-26/sectional.pmtiles.json"
    manifest.write_text("{}")
    assert (await client.get(f"{url}.json")).status_code == 404  # the importer's, not readers'
    diagram = await client.get("/assets/diagrams/2024-12-26/00142AD.png")
    assert diagram.status_code == 404
    assert diagram.json()["error"] == "NotFound"


async def test_with_a_cdn_the_archive_urls_point_at_it(
    app: FastAPI, settings: Settings, connection: AsyncConnection, tmp_path: Path
) -> None:
    await activate_charts(connection)
    cdn = create_app(
        settings.model_copy(update={"assets_url": "https://tiles.pirep.io/content"}),
        engine=state_of(app).engine,
    )
    state_of(cdn).session_factory = state_of(app).session_factory
    async with httpx.AsyncClient(transport=httpx.ASGITransport(cdn), base_url="http://t") as http:
        [layer] = (await http.get("/api/v1/meta")).json()["chart_layers"]
        served = await http.get("/assets/tiles/2024-12-26/sectional.pmtiles")
    assert layer["archive_url"] == (
        "https://tiles.pirep.io/content/tiles/2024-12-26/sectional.pmtiles"
    )
    assert served.status_code == 404  # the CDN serves them, not the API


async def test_an_airport_shows_its_diagram_of_the_active_cycle(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    await connection.execute(
        sa.text("UPDATE airports SET diagram = '00142AD.png' WHERE code = 'PAE'")
    )
    # Not shown before the diagrams cycle is active: its files would not be there yet.
    assert (await client.get("/api/v1/airports/PAE")).json()["diagram"] is None
    await connection.execute(
        sa.text("INSERT INTO faa_data_cycles (product, cycle) VALUES ('diagrams', '2020-11-05')")
    )
    # Activating a cycle is a change of the whole site: every cached detail goes.
    await record_changes(connection, ChangeKind.SITE, {None: ["diagrams_cycle"]})
    detail = (await client.get("/api/v1/airports/PAE")).json()
    assert detail["diagram"] == {
        "png": "/assets/diagrams/2020-11-05/00142AD.png",
        "png_2x": "/assets/diagrams/2020-11-05/00142AD@2x.png",
        "pdf": "/assets/diagrams/2020-11-05/00142AD.pdf",
    }
    assert (await client.get("/api/v1/airports/BFI")).json()["diagram"] is None
