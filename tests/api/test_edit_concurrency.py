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
