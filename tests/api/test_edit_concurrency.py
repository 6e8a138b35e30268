"""Many editors at once, on a database of their own (real concurrent transactions)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from api.app import create_app
from api.core.documents import geojson
from api.core.settings import Settings
from api.models.airports import WIKI_FIELDS
from tests.api.conftest import Person, make_person_in

EMPTY_VERSION = "37a6259cc0c1dae2"


@pytest.fixture
async def engine_of(fresh_database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(fresh_database, pool_size=20)
    async with engine.begin() as connection:
        await connection.execute(
            sa.text(
                "INSERT INTO airports (code, name, latitude, longitude, facility_type, "
                "landing_rights, data_source) VALUES "
                "('X50', 'Busy Field', 47.5, -121.5, 'airport', 'public', 'user_contributed')"
            )
        )
    yield engine
    await engine.dispose()


async def people(engine: AsyncEngine, count: int, password_hash: str) -> list[Person]:
    async with engine.begin() as connection:
        return [
            await make_person_in(connection, "known", f"198.51.100.{n + 1}", password_hash)
            for n in range(count)
        ]


async def edit_all(
    app: Any, editors: list[Person], body: Callable[[int], dict[str, Any]]
) -> list[httpx.Response]:
    async def one(number: int, person: Person) -> httpx.Response:
        async with person.client(app) as http:
            return await http.patch("/api/v1/airports/X50", json=body(number))

    return list(await asyncio.gather(*(one(n, p) for n, p in enumerate(editors))))


async def test_fifty_editors_of_one_field_one_wins_and_nothing_is_lost(
    engine_of: AsyncEngine, settings_for: Callable[..., Settings], password_hash: str
) -> None:
    settings = settings_for(
        engine_of.url.render_as_string(hide_password=False), write_limit_per_minute=10_000
    )
    app = create_app(settings, engine=engine_of)
    editors = await people(engine_of, 50, password_hash)

    answers = await edit_all(
        app, editors, lambda n: {"description": {"text": f"Text {n}", "base": EMPTY_VERSION}}
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [409] * 49
    [winner] = [n for n, answer in enumerate(answers) if answer.status_code == 200]
    async with engine_of.connect() as connection:
        text = await connection.scalar(
            sa.text("SELECT description FROM airports WHERE code = 'X50'")
        )
        versions = (
            (await connection.execute(sa.text("SELECT object_changes FROM versions")))
            .scalars()
            .all()
        )
    assert text == f"Text {winner}"
    assert versions == [{"description": [None, f"Text {winner}"]}]
    for answer in answers:
        if answer.status_code == 409:
            assert answer.json()["conflicts"][0]["current"] == f"Text {winner}"


async def test_editors_of_different_fields_all_succeed_at_once(
    engine_of: AsyncEngine, settings_for: Callable[..., Settings], password_hash: str
) -> None:
    settings = settings_for(
        engine_of.url.render_as_string(hide_password=False), write_limit_per_minute=10_000
    )
    app = create_app(settings, engine=engine_of)
    editors = await people(engine_of, len(WIKI_FIELDS), password_hash)

    answers = await edit_all(
        app,
        editors,
        lambda n: {WIKI_FIELDS[n]: {"text": f"About {WIKI_FIELDS[n]}", "base": EMPTY_VERSION}},
    )

    assert [answer.status_code for answer in answers] == [200] * len(WIKI_FIELDS)
    async with engine_of.connect() as connection:
        row = (await connection.execute(sa.text("SELECT * FROM airports WHERE code = 'X50'"))).one()
        count = await connection.scalar(sa.text("SELECT count(*) FROM versions"))
    assert [getattr(row, field) for field in WIKI_FIELDS] == [
        f"About {field}" for field in WIKI_FIELDS
    ]
    assert count == len(WIKI_FIELDS)


async def test_one_pilots_writes_at_once_each_earn_their_points(
    engine_of: AsyncEngine, settings_for: Callable[..., Settings], password_hash: str
) -> None:
    """Points grow by each action's own as it is written: writes of one pilot at once all
    count, and the total is the sum of the pilot's actions."""
    settings = settings_for(
        engine_of.url.render_as_string(hide_password=False), write_limit_per_minute=10_000
    )
    app = create_app(settings, engine=engine_of)
    [pilot] = await people(engine_of, 1, password_hash)

    async def comment(number: int) -> httpx.Response:
        async with pilot.client(app) as http:
            return await http.post(
                "/api/v1/airports/X50/comments", json={"body": f"Fuel note {number}"}
            )

    answers = await asyncio.gather(*(comment(n) for n in range(12)))

    assert [answer.status_code for answer in answers] == [201] * 12
    async with engine_of.connect() as connection:
        points = await connection.scalar(
            sa.text("SELECT points FROM users WHERE id = :id"), {"id": pilot.user_id}
        )
        earned = await connection.scalar(
            sa.text("SELECT sum(points) FROM actions WHERE user_id = :id"), {"id": pilot.user_id}
        )
    assert points == earned == 12 * 50


async def test_a_tokens_last_use_is_kept_when_its_write_is_refused(
    engine_of: AsyncEngine, settings_for: Callable[..., Settings], password_hash: str
) -> None:
    """A token's last use is written apart from the request (a refused edit rolls back), once
    a minute at most."""
    settings = settings_for(engine_of.url.render_as_string(hide_password=False))
    app = create_app(settings, engine=engine_of)
    [pilot] = await people(engine_of, 1, password_hash)
    async with pilot.client(app) as http:
        made = await http.post(
            "/api/v1/users/me/tokens", json={"name": "script", "scopes": ["read", "write"]}
        )
    token = {"Authorization": f"Bearer {made.json()['token']}"}

    async def last_used() -> object:
        async with engine_of.connect() as connection:
            return await connection.scalar(sa.text("SELECT last_used_at FROM api_tokens"))

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app, client=(pilot.address, 4000)),
        base_url="http://test",
        headers=token,
    ) as http:
        stale = {"description": {"text": "Fuel", "base": "0000000000000000"}}
        refused = await http.patch("/api/v1/airports/X50", json=stale)
        assert refused.status_code == 409
        used = await last_used()
        assert used is not None
        assert (await http.patch("/api/v1/airports/X50", json=stale)).status_code == 409
        assert await last_used() == used


async def test_map_changes_at_once_cost_few_rebuilds_and_the_map_shows_them_all(
    engine_of: AsyncEngine,
    settings_for: Callable[..., Settings],
    password_hash: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The GeoJSON is rebuilt after the writes commit, not by each of them: twenty tags added
    at once lead to fewer rebuilds than writes, and the next read of the map has all twenty."""
    codes = [f"X{number:02d}" for number in range(60, 80)]
    async with engine_of.begin() as connection:
        for number, code in enumerate(codes):
            await connection.execute(
                sa.text(
                    "INSERT INTO airports (code, name, latitude, longitude, facility_type, "
                    "landing_rights, data_source) VALUES (:code, 'Field', :lat, -121.5, "
                    "'airport', 'public', 'user_contributed')"
                ),
                {"code": code, "lat": 46 + number / 10},
            )
    settings = settings_for(
        engine_of.url.render_as_string(hide_password=False), write_limit_per_minute=10_000
    )
    app = create_app(settings, engine=engine_of)
    editors = await people(engine_of, len(codes), password_hash)
    rebuilds: list[int] = []
    real_rebuild = geojson.rebuild

    async def counted(connection: Any) -> Any:
        rebuilds.append(1)
        return await real_rebuild(connection)

    monkeypatch.setattr(geojson, "rebuild", counted)

    async def tag(code: str, person: Person) -> int:
        async with person.client(app) as http:
            return (await http.put(f"/api/v1/airports/{code}/tags/camping")).status_code

    statuses = await asyncio.gather(*(tag(c, p) for c, p in zip(codes, editors, strict=True)))
    assert statuses == [204] * len(codes)
    async with editors[0].client(app) as http:
        document = (await http.get("/api/v1/airports.geojson")).json()
    tagged = {
        feature["properties"]["code"]
        for feature in document["features"]
        if "camping" in feature["properties"]["tags"]
    }
    assert tagged == set(codes)
    assert 1 <= len(rebuilds) < len(codes), f"{len(rebuilds)} rebuilds for {len(codes)} writes"


async def test_requests_during_a_rebuild_make_one_more(
    engine_of: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.airports.caches import GeojsonCache, MapRebuilder
    from api.core.db import session_factory

    release = asyncio.Event()
    rebuilds: list[int] = []

    async def slow(connection: Any) -> None:
        rebuilds.append(1)
        await release.wait()

    monkeypatch.setattr(geojson, "rebuild", slow)
    rebuilder = MapRebuilder(GeojsonCache(revalidate_seconds=2), delay=0.5)
    rebuilder.bind(session_factory(engine_of))
    for number in range(5):  # gathered for half a second
        rebuilder.request(f"192.0.2.{number}")
    await asyncio.sleep(0.7)  # the first rebuild is running
    assert len(rebuilds) == 1
    for number in range(20):
        rebuilder.request(f"198.51.100.{number}")
    # Writers wait for the rebuild that shows their change; nobody else does.
    assert rebuilder.owes("192.0.2.3")
    assert rebuilder.owes("198.51.100.7")
    assert not rebuilder.owes("203.0.113.1")
    release.set()
    await rebuilder.idle()
    assert len(rebuilds) == 2  # the one running, and one for all that came meanwhile
    assert not rebuilder.busy
    assert not rebuilder.owes("198.51.100.7")
