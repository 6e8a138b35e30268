"""The change pipeline: one row per airport that changed, the generation moved, in the writer's
transaction; ids in the order of the commits; the listener told only of what committed."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as make_engine

from api.core.changes import (
    AFTER_CHANGE,
    ChangeKind,
    RecordedChange,
    current_generation,
    record_changes,
)

INSERT_AIRPORT = sa.text(
    "INSERT INTO airports (code, name, facility_type, latitude, longitude, data_source,"
    " landing_rights) VALUES (:code, 'Test Field', 'airport', 47.5, -122, 'faa', 'public')"
    " RETURNING id"
)


async def _rows(db: AsyncConnection | AsyncSession) -> list[Any]:
    result = await db.execute(
        sa.text(
            "SELECT id, generation, airport_id, airport_code, kind, fields FROM data_changes"
            " ORDER BY id"
        )
    )
    return list(result.all())


async def test_a_change_is_a_row_per_airport_and_a_new_generation(
    connection: AsyncConnection,
) -> None:
    first = await connection.scalar(INSERT_AIRPORT, {"code": "ZC1"})
    await connection.scalar(INSERT_AIRPORT, {"code": "ZC2"})
    before = await current_generation(connection)

    recorded = await record_changes(
        connection,
        ChangeKind.EDIT,
        {first: ["description", "tags", "description"], "ZC2": ["crew_car"], "NOPE": ["x"]},
    )

    assert recorded.generation == before + 1 == await current_generation(connection)
    assert recorded.fields == {"description", "tags", "crew_car", "x"}
    assert recorded.map_changed  # tags are on the map
    rows = await _rows(connection)
    assert [(r.airport_id, r.airport_code, r.kind, r.fields, r.generation) for r in rows] == [
        (first, "ZC1", "edit", ["description", "tags"], recorded.generation),
        (rows[1].airport_id, "ZC2", "edit", ["crew_car"], recorded.generation),
    ]  # an airport that does not exist is not recorded


async def test_a_change_of_the_whole_site_has_no_airport(connection: AsyncConnection) -> None:
    recorded = await record_changes(connection, ChangeKind.SITE, {None: ["airports_cycle"]})

    assert recorded.site_wide
    assert recorded.map_changed
    [row] = await _rows(connection)
    assert (row.airport_id, row.airport_code, row.kind, row.fields) == (
        None,
        None,
        "site",
        ["airports_cycle"],
    )


async def test_text_alone_does_not_change_the_map(connection: AsyncConnection) -> None:
    airport = await connection.scalar(INSERT_AIRPORT, {"code": "ZC3"})

    recorded = await record_changes(connection, ChangeKind.EDIT, {airport: ["wifi"]})

    assert not recorded.map_changed


async def test_ids_follow_the_order_of_the_commits(fresh_database: str) -> None:
    """A writer that started recording first but commits last gets the later ids: the
    generation's lock holds the second writer back until the first commits."""
    engine = make_engine(fresh_database)
    try:
        async with engine.begin() as setup:
            airport = await setup.scalar(INSERT_AIRPORT, {"code": "ZC4"})
        first = await engine.connect()
        second = await engine.connect()
        await first.begin()
        await second.begin()
        await record_changes(first, ChangeKind.EDIT, {airport: ["wifi"]})
        # The second waits on the generation's row lock until the first commits.
        waiting = asyncio.create_task(record_changes(second, ChangeKind.TAGS, {airport: ["tags"]}))
        await asyncio.sleep(0.3)
        assert not waiting.done()
        await first.commit()
        await waiting
        await second.commit()
        await first.close()
        await second.close()
        async with engine.connect() as reader:
            rows = await _rows(reader)
    finally:
        await engine.dispose()
    assert [row.kind for row in rows] == ["edit", "tags"]
    assert rows[0].id < rows[1].id
    assert rows[0].generation < rows[1].generation


@pytest.mark.parametrize("commit", [True, False])
async def test_the_listener_hears_of_committed_changes_only(
    fresh_database: str, commit: bool
) -> None:
    heard: list[tuple[RecordedChange, Any]] = []
    engine = make_engine(fresh_database)
    try:
        sessions = async_sessionmaker(
            engine, info={AFTER_CHANGE: lambda change, info: heard.append((change, info))}
        )
        async with sessions() as session:
            airport = uuid.UUID(str(await session.scalar(INSERT_AIRPORT, {"code": "ZC5"})))
            session.info["client"] = "192.0.2.1"
            await record_changes(session, ChangeKind.EDIT, {airport: ["wifi"]})
            await record_changes(session, ChangeKind.TAGS, {airport: ["tags"]})
            assert heard == []  # nothing before the commit
            await (session.commit() if commit else session.rollback())
            # A later commit of the same session tells nothing again.
            await session.execute(sa.text("SELECT 1"))
            await session.commit()
    finally:
        await engine.dispose()
    if commit:
        assert [change.kind for change, _ in heard] == [ChangeKind.EDIT, ChangeKind.TAGS]
        assert heard[0][1]["client"] == "192.0.2.1"
    else:
        assert heard == []
