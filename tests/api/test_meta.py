"""/health and /api/v1/meta."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.app import create_app
from api.core.documents.geojson import DOCUMENT_NAME
from api.core.settings import Settings


async def test_health_answers_ok_when_the_database_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_health_answers_503_when_the_database_is_unreachable(
    dead_client: httpx.AsyncClient,
) -> None:
    response = await dead_client.get("/health")

    assert response.status_code == 503
    assert response.json() == {
        "error": "ServiceUnavailable",
        "detail": "The database is unreachable.",
    }
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/meta",
        "/api/v1/airports/PAE",
        "/api/v1/airports.geojson",
        "/api/v1/airports/search?q=paine",
        "/api/v1/airports?near=PAE&within_miles=10",
    ],
)
async def test_data_routes_answer_503_when_the_database_is_unreachable(
    dead_client: httpx.AsyncClient, path: str
) -> None:
    response = await dead_client.get(path)

    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "ServiceUnavailable"
    assert body["detail"] == "The database is unreachable; try again."
    assert response.headers["retry-after"] == "5"
    assert "Traceback" not in response.text
    assert "127.0.0.1" not in response.text


async def test_meta_lists_the_active_cycle_and_the_catalogues(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/v1/meta")

    assert response.status_code == 200
    meta = response.json()
    assert meta["cycles"] == {"airports": "2024-12-26"}
    assert meta["read_only"] is False
    assert meta["chart_layers"] == []
    tags = {tag["name"]: tag for tag in meta["tags"]}
    assert tags["crew_car"] == {
        "name": "crew_car",
        "label": "Crew Car",
        "icon": "car-side",
        "colour": "teal",
        "addable": True,
        "searchable": True,
        "origin": True,
        "automatic": False,
        "scroll_target": "crew-car",
    }
    assert tags["populated"]["label"] == "Documented"
    assert tags["populated"]["automatic"] is True
    assert tags["populated"]["addable"] is False
    assert tags["empty"]["label"] == "Undocumented"
    kinds = {kind["name"]: kind for kind in meta["facility_types"]}
    assert [name for name, kind in kinds.items() if kind["default"]] == ["airport"]
    assert kinds["airport"]["label"] == "Airports"
    assert kinds["heliport"]["hidden"] is False
    assert kinds["balloonport"]["hidden"] is True
    assert [(rights["name"], rights["label"]) for rights in meta["landing_rights"]] == [
        ("public", "Public"),
        ("restricted", "Restricted"),
        ("private", "Private"),
    ]


async def test_meta_geojson_url_carries_the_current_document_version(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    stored = await connection.scalar(
        sa.text("SELECT etag FROM cached_documents WHERE name = :name"), {"name": DOCUMENT_NAME}
    )

    meta = (await client.get("/api/v1/meta")).json()
    geojson = await client.get(meta["airports_geojson_url"])

    assert stored is not None
    version = stored.strip('"')
    assert meta["airports_geojson_url"] == f"/api/v1/airports.geojson?v={version}"
    assert geojson.status_code == 200
    assert geojson.headers["etag"] == stored[:-1] + '-gzip"'  # httpx asks for gzip
    assert "immutable" in geojson.headers["cache-control"]


async def test_meta_reports_the_read_only_switch(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    await connection.execute(sa.text("UPDATE site_settings SET read_only = true"))

    meta = (await client.get("/api/v1/meta")).json()

    assert meta["read_only"] is True


async def test_meta_gives_the_browser_its_configuration(
    client: httpx.AsyncClient, settings: Settings, engine: AsyncEngine
) -> None:
    embedded = (await client.get("/api/v1/meta")).json()["client"]
    assert embedded == {
        "map_style_url": None,
        "initial_view": {"latitude": 39.82834557323, "longitude": -98.57944574225633, "zoom": 4},
        "captcha_site_key": None,
        "sentry_dsn": None,
    }

    configured = settings.model_copy(
        update={
            "map_style_url": "https://tiles.example.com/satellite.json",
            "frontend_sentry_dsn": "https://key@sentry.example.com/2",
            "turnstile_site_key": "site-key",
            "turnstile_secret_key": "secret",
        }
    )
    transport = httpx.ASGITransport(create_app(configured, engine=engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as other:
        production = (await other.get("/api/v1/meta")).json()["client"]
    assert production["map_style_url"] == "https://tiles.example.com/satellite.json"
    assert production["sentry_dsn"] == "https://key@sentry.example.com/2"
    assert production["captcha_site_key"] == "site-key"
