"""Chart layers in the metadata, and the tiles the API serves itself in the embedded default."""

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
            "tile_url": "/assets/tiles/2024-12-26/sectional/{z}/{x}/{y}.webp",
            "min_zoom": 0,
            "max_zoom": 12,
            "bounds": [-122.39, 47.83, -122.15, 47.99],
            "attribution": "FAA VFR charts, not for navigation",
        }
    ]


async def test_the_api_serves_stored_tiles_and_answers_missing_ones_with_204(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tile = settings.storage_root / "tiles/2024-12-26/sectional/12/656/1430.webp"
    tile.parent.mkdir(parents=True, exist_ok=True)
    tile.write_bytes(b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    found = await client.get("/assets/tiles/2024-12-26/sectional/12/656/1430.webp")
    assert found.status_code == 200
    assert found.headers["content-type"] == "image/webp"
    assert found.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert found.content == tile.read_bytes()

    missing = await client.get("/assets/tiles/2024-12-26/sectional/3/1/2.webp")
    assert (missing.status_code, missing.content) == (204, b"")
    assert missing.headers["cache-control"] == "public, max-age=86400"

    for bad in ("tiles/../../../etc/passwd.png", "tiles/a/b.exe", "secrets.txt"):
        answer = await client.get(f"/assets/{bad}")
        assert answer.status_code == 404, bad
    diagram = await client.get("/assets/diagrams/2024-12-26/00142AD.png")
    assert diagram.status_code == 404
    assert diagram.json()["error"] == "NotFound"


async def test_with_a_cdn_the_tile_urls_point_at_it(
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
        served = await http.get("/assets/tiles/2024-12-26/sectional/3/1/2.webp")
    assert layer["tile_url"] == (
        "https://tiles.pirep.io/content/tiles/2024-12-26/sectional/{z}/{x}/{y}.webp"
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
