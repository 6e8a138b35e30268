"""Visits of airport pages: counted once per visitor and half hour, never for crawlers, with
the browser and, when a GeoIP database is installed, the rough position."""

from __future__ import annotations

from pathlib import Path

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from mmdb_writer import MMDBWriter
from netaddr import IPSet
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.app import bind_sessions, create_app
from api.core.settings import Settings

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
SEATTLE_NETWORK, SEATTLE = "203.0.113.0/24", (47.6062, -122.3321)


def geoip_database(path: Path) -> Path:
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City")
    writer.insert_network(
        IPSet([SEATTLE_NETWORK]),
        {"location": {"latitude": SEATTLE[0], "longitude": SEATTLE[1]}},
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    writer.to_db_file(str(path))
    return path


def app_for(settings: Settings, engine: AsyncEngine, connection: AsyncConnection) -> FastAPI:
    app = create_app(settings, engine=engine)
    bind_sessions(app, connection, map_follows=False, join_transaction_mode="create_savepoint")
    return app


async def views(connection: AsyncConnection) -> list[sa.Row[tuple[object, ...]]]:
    return list(
        (
            await connection.execute(
                sa.text(
                    "SELECT a.code, host(p.ip_address) AS ip, p.browser, p.operating_system, "
                    "p.latitude, p.longitude FROM pageviews p JOIN airports a ON a.id = "
                    "p.airport_id ORDER BY p.created_at"
                )
            )
        ).all()
    )


async def visit(app: FastAPI, code: str, agent: str | None, address: str) -> httpx.Response:
    transport = httpx.ASGITransport(app, client=(address, 5000))
    headers = {"User-Agent": agent} if agent else {}
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        if agent is None:
            http.headers.pop("User-Agent")
        return await http.post(f"/api/v1/airports/{code}/views", headers=headers)


async def test_a_visit_is_counted_once_per_visitor_and_never_for_crawlers(
    app: FastAPI, connection: AsyncConnection
) -> None:
    answers = [
        await visit(app, "KPAE", FIREFOX, "198.51.100.7"),
        await visit(app, "PAE", FIREFOX, "198.51.100.7"),  # the same visitor again
        await visit(app, "PAE", IPHONE, "198.51.100.8"),
        await visit(app, "PAE", GOOGLEBOT, "198.51.100.9"),
        await visit(app, "PAE", None, "198.51.100.10"),
    ]
    assert [answer.status_code for answer in answers] == [204] * 5
    assert [tuple(row) for row in await views(connection)] == [
        ("PAE", "198.51.100.7", "Firefox", "Linux", None, None),
        ("PAE", "198.51.100.8", "Mobile Safari", "iOS", None, None),
    ]
    missing = await visit(app, "ZZZZ", FIREFOX, "198.51.100.7")
    assert missing.status_code == 404
    assert missing.json()["error"] == "NotFound"


async def test_visits_are_not_limited_like_changes_and_count_in_read_only_mode(
    settings: Settings, engine: AsyncEngine, connection: AsyncConnection
) -> None:
    app = app_for(settings.model_copy(update={"write_limit_per_minute": 2}), engine, connection)
    await connection.execute(sa.text("UPDATE site_settings SET read_only = true"))
    answers = [
        (await visit(app, code, FIREFOX, "198.51.100.20")).status_code
        for code in ("PAE", "BFI", "SEA", "RNT", "AWO")
    ]
    assert answers == [204] * 5
    assert len(await views(connection)) == 5


async def test_the_position_comes_from_the_geoip_database(
    tmp_path: Path, settings: Settings, engine: AsyncEngine, connection: AsyncConnection
) -> None:
    database = geoip_database(tmp_path / "geoip" / "GeoLite2-City.mmdb")
    app = app_for(settings.model_copy(update={"geoip_database": database}), engine, connection)
    await visit(app, "PAE", FIREFOX, "203.0.113.9")
    await visit(app, "PAE", FIREFOX, "192.0.2.1")  # not in the database
    rows = await views(connection)
    assert [(row.latitude, row.longitude) for row in rows] == [SEATTLE, (None, None)]

    # The map opens around a visitor it can place, at zoom 7.5; elsewhere as configured.
    for address, expected in (
        ("203.0.113.9", {"latitude": SEATTLE[0], "longitude": SEATTLE[1], "zoom": 7.5}),
        ("192.0.2.1", {"latitude": 39.82834557323, "longitude": -98.57944574225633, "zoom": 4}),
    ):
        transport = httpx.ASGITransport(app, client=(address, 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            meta = (await http.get("/api/v1/meta")).json()
        assert meta["client"]["initial_view"] == expected
