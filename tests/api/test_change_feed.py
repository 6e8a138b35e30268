"""The change feed: every writer's changes of airport data, oldest first after a cursor, paged,
without weather or site-wide rows; 410 for a cursor older than what is kept."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from api.core.changes import ChangeKind, purge_changes, record_changes
from api.state import state_of
from tests.api.conftest import MakePerson

EMPTY_VERSION = "37a6259cc0c1dae2"  # the version of an empty field


async def _feed(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    answer = await client.get("/api/v1/changes", params=params)
    assert answer.status_code == 200, answer.text
    page: dict[str, Any] = answer.json()
    return page


async def _newest(connection: AsyncConnection) -> int:
    return int(await connection.scalar(sa.text("SELECT coalesce(max(id), 0) FROM data_changes")))


async def test_every_writer_appears_oldest_first_and_weather_does_not(
    app: FastAPI, client: httpx.AsyncClient, connection: AsyncConnection, make_person: MakePerson
) -> None:
    start = await _newest(connection)
    pilot = await make_person("known")
    async with pilot.client(app) as http:
        edited = await http.patch(
            "/api/v1/airports/PAE",
            json={"description": {"text": "Fuel at the south ramp.", "base": EMPTY_VERSION}},
        )
        assert edited.status_code == 200, edited.text
        commented = await http.post(
            "/api/v1/airports/BFI/comments", json={"body": "Busy on weekends."}
        )
        assert commented.status_code == 201, commented.text
    await record_changes(connection, ChangeKind.WEATHER, {"SEA": ["weather"]})
    await record_changes(connection, ChangeKind.SITE, {None: ["charts_cycle"]})
    await record_changes(connection, ChangeKind.IMPORT, {"AWO": ["runways", "frequencies"]})

    page = await _feed(client, after=start)

    assert [(c["airport"], c["kind"], sorted(c["fields"])) for c in page["changes"]] == [
        ("PAE", "edit", ["description", "tags"]),
        ("BFI", "comment", ["comments", "tags"]),
        ("AWO", "import", ["frequencies", "runways"]),
    ]
    cursors = [change["cursor"] for change in page["changes"]]
    assert cursors == sorted(cursors)
    assert cursors[0] > start
    rows = await connection.execute(
        sa.text("SELECT id, at FROM data_changes WHERE id = ANY(:ids) ORDER BY id"),
        {"ids": cursors},
    )
    assert [
        (change["cursor"], datetime.fromisoformat(change["at"])) for change in page["changes"]
    ] == [(row.id, row.at) for row in rows]
    # Compressed for a client that accepts gzip (a page of 1,000 is about 130 kB).
    compressed = await client.get("/api/v1/changes", params={"after": start})
    assert compressed.headers["content-encoding"] == "gzip"
    assert compressed.json() == page
    # Up to date: the next cursor is the newest change, and nothing follows it yet.
    assert page["next"] == await _newest(connection)
    assert await _feed(client, after=page["next"]) == {"changes": [], "next": page["next"]}


async def test_pages_follow_one_another_without_gap_or_repeat(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    start = await _newest(connection)
    codes = ["PAE", "BFI", "SEA", "RNT", "AWO"]
    for code in codes:
        await record_changes(connection, ChangeKind.TAGS, {code: ["tags"]})
        await record_changes(connection, ChangeKind.WEATHER, {code: ["weather"]})
    seen: list[str] = []
    cursor = start
    for _ in range(10):
        page = await _feed(client, after=cursor, limit=2)
        seen += [change["airport"] for change in page["changes"]]
        if not page["changes"]:
            break
        assert len(page["changes"]) <= 2
        cursor = page["next"]
    assert seen == codes


async def test_full_pages_are_kept_in_memory_and_the_last_page_is_read_again(
    app: FastAPI, client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    start = await _newest(connection)
    for code in ("PAE", "BFI", "SEA"):
        await record_changes(connection, ChangeKind.TAGS, {code: ["tags"]})
    first = await _feed(client, after=start, limit=2)
    pages = state_of(app).feed_pages
    assert (start, 2) in pages.pages  # full: it cannot change any more
    # Served from memory: a change made behind the feed's back is not in it (it never is).
    await connection.execute(
        sa.text("UPDATE data_changes SET feed = NULL WHERE id = :id"),
        {"id": first["changes"][0]["cursor"]},
    )
    assert await _feed(client, after=start, limit=2) == first

    last = await _feed(client, after=first["next"], limit=2)
    assert [change["airport"] for change in last["changes"]] == ["SEA"]
    assert (first["next"], 2) not in pages.pages  # not full: read again next time
    await record_changes(connection, ChangeKind.TAGS, {"AWO": ["tags"]})
    again = await _feed(client, after=first["next"], limit=2)
    assert [change["airport"] for change in again["changes"]] == ["SEA", "AWO"]

    pages.kept_seconds = 0
    assert pages.get(start, 2) is None


async def test_without_a_cursor_the_feed_starts_at_the_oldest_change_kept(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    oldest = await connection.scalar(
        sa.text(
            "SELECT min(id) FROM data_changes WHERE airport_code IS NOT NULL AND kind <> 'weather'"
        )
    )
    page = await _feed(client, limit=1)
    assert [change["cursor"] for change in page["changes"]] == [oldest]


async def test_a_cursor_older_than_the_changes_kept_is_gone(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    await record_changes(connection, ChangeKind.TAGS, {"PAE": ["tags"]})
    await record_changes(connection, ChangeKind.WEATHER, {"BFI": ["weather"]})
    await record_changes(connection, ChangeKind.TAGS, {"SEA": ["tags"]})
    newest = await _newest(connection)
    # Everything but SEA's change is 91 days old; BFI's weather two days.
    await connection.execute(
        sa.text("UPDATE data_changes SET at = now() - interval '91 days' WHERE id < :id - 1"),
        {"id": newest},
    )
    await connection.execute(
        sa.text("UPDATE data_changes SET at = now() - interval '2 days' WHERE id = :id - 1"),
        {"id": newest},
    )
    assert await purge_changes(connection) > 1
    kept = await connection.scalar(sa.text("SELECT changes_kept_after FROM site_settings"))
    assert kept == newest - 2  # the weather row does not move the feed's start
    assert await connection.scalar(sa.text("SELECT count(*) FROM data_changes")) == 1

    gone = await client.get("/api/v1/changes", params={"after": kept - 1})
    assert gone.status_code == 410
    assert gone.json()["error"] == "Gone"
    assert "export" in gone.json()["detail"]
    page = await _feed(client)
    assert [change["airport"] for change in page["changes"]] == ["SEA"]
    assert (await _feed(client, after=kept))["changes"] == page["changes"]


async def test_a_bad_cursor_or_limit_is_refused_with_the_field_named(
    client: httpx.AsyncClient,
) -> None:
    for params, field in (
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"after": -1}, "after"),
        ({"after": "yesterday"}, "after"),
    ):
        answer = await client.get("/api/v1/changes", params=params)
        assert answer.status_code == 422, params
        assert [error["field"] for error in answer.json()["fields"]] == [field]
