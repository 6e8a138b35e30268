"""/health and /api/v1/meta."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest
import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.airports.schemas import NewAirport
from api.app import create_app
from api.comments.schemas import CommentIn
from api.core.documents.geojson import DOCUMENT_NAME
from api.core.settings import Settings
from api.events.schemas import EventIn
from api.meta.repository import CONTENT_PACKS_INDEX
from api.meta.service import max_length
from api.users.schemas import AccountChanges, PasswordReset, Registration, TokenRequest


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
        "terrain_elevation": settings.jobs_use_internet,
    }

    configured = settings.model_copy(
        update={
            "jobs_use_internet": False,
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
    # Offline, the form that adds an airport asks for its elevation.
    assert production["terrain_elevation"] is False


def refused(model: type[BaseModel], **values: object) -> bool:
    try:
        model.model_validate(values)
    except ValidationError:
        return True
    return False


async def test_meta_gives_the_limits_the_api_validates_with(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    limits = (await client.get("/api/v1/meta")).json()["limits"]

    assert limits["password_min_length"] == 12
    assert limits["password_max_length"] == 128
    assert limits["photo_max_bytes"] == settings.max_photo_bytes
    shortest, longest = limits["password_min_length"], limits["password_max_length"]
    others = {Registration: {"email": "pilot@example.com"}, PasswordReset: {"token": "t"}}
    for model, base in others.items():
        assert refused(model, **base, password="p" * (shortest - 1))
        assert not refused(model, **base, password="p" * shortest)
        assert not refused(model, **base, password="p" * longest)
        assert refused(model, **base, password="p" * (longest + 1))
    assert refused(AccountChanges, password="p" * (shortest - 1))
    at_most = {
        "display_name_max_length": [
            (Registration, "display_name"),
            (AccountChanges, "display_name"),
        ],
        "token_name_max_length": [(TokenRequest, "name")],
        "comment_max_length": [(CommentIn, "body")],
        "event_name_max_length": [(EventIn, "name")],
        "event_location_max_length": [(EventIn, "location")],
        "event_host_max_length": [(EventIn, "host")],
        "event_description_max_length": [(EventIn, "description")],
        "airport_name_max_length": [(NewAirport, "name")],
    }
    assert set(at_most) | {"password_min_length", "password_max_length", "photo_max_bytes"} == set(
        limits
    )
    for name, fields in at_most.items():
        for model, field in fields:
            assert max_length(model, field) == limits[name], (name, model.__name__)


def test_a_field_without_a_maximum_length_is_named() -> None:
    with pytest.raises(LookupError, match=r"EventIn\.starts_at"):
        max_length(EventIn, "starts_at")


async def test_content_packs_are_listed_from_the_published_index(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    assert (await client.get("/api/v1/content-packs")).json() == []
    pack = {
        "id": "golfing",
        "name": "Pirep - Golfing",
        "airports": 2,
        "size_bytes": 1234,
        "version": "2026-12-01T00:00:05+00:00",
        "key": "content-packs/2026-12/golfing.zip",
    }
    document = json.dumps([pack]).encode()
    await connection.execute(
        sa.text(
            "INSERT INTO cached_documents (name, etag, content_type, body_gzip, size_bytes, "
            "built_at) VALUES (:name, '\"1\"', 'application/json', :body, :size, now())"
        ),
        {"name": CONTENT_PACKS_INDEX, "body": gzip.compress(document), "size": len(document)},
    )

    listed = (await client.get("/api/v1/content-packs")).json()

    assert listed == [
        {
            "id": "golfing",
            "name": "Pirep - Golfing",
            "airports": 2,
            "size_bytes": 1234,
            "version": "2026-12-01T00:00:05+00:00",
            "url": "/assets/content-packs/2026-12/golfing.zip",
        }
    ]
