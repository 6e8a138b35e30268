"""The in-memory cache of airport details: served from memory, each document dropped when its
airport changes, everything when the whole site does."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.airports import caches
from api.airports.caches import DetailCache, Offered
from api.app import bind_sessions, create_app
from api.core.changes import ChangeKind, ChangeRow, record_changes
from api.core.cycles import Product
from api.core.documents import detail
from api.core.settings import Settings
from api.state import state_of
from importer import run as importer_run
from tests.api.conftest import MakePerson

EMPTY_VERSION = "37a6259cc0c1dae2"  # the version of an empty field: md5 of JSON null


async def _name(client: httpx.AsyncClient, code: str) -> str:
    response = await client.get(f"/api/v1/airports/{code}")
    assert response.status_code == 200
    return str(response.json()["name"])


async def test_a_cached_detail_is_served_without_asking_the_database(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = detail.detail_json

    async def counting(*args: object) -> str | None:
        calls.append(str(args[1]))
        return await real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(detail, "detail_json", counting)
    first = await client.get("/api/v1/airports/PAE")
    second = await client.get("/api/v1/airports/pae")
    assert first.content == second.content
    assert calls == ["PAE"]


async def _rename(connection: AsyncConnection, code: str, name: str) -> None:
    """Renames an airport behind the caches' back (no change recorded)."""
    await connection.execute(
        sa.text("UPDATE airports SET name = :name WHERE code = :code"), {"name": name, "code": code}
    )


async def test_a_change_of_one_airport_drops_only_its_detail(
    app: FastAPI, client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    state_of(app).detail_cache.revalidate_seconds = 0
    paine, arlington = await _name(client, "PAE"), await _name(client, "AWO")
    await _rename(connection, "PAE", "RENAMED PAINE")
    await _rename(connection, "AWO", "RENAMED ARLINGTON")

    # Without a recorded change the cached copies stand (the change came from elsewhere)…
    assert (await _name(client, "PAE"), await _name(client, "AWO")) == (paine, arlington)
    # …a change of PAE's wiki drops PAE's document, and only it…
    await record_changes(connection, ChangeKind.EDIT, {"PAE": ["description"]})
    assert (await _name(client, "PAE"), await _name(client, "AWO")) == ("Renamed Paine", arlington)
    # …and a change of the whole site (a cycle activated) drops every document.
    await record_changes(connection, ChangeKind.SITE, {None: ["airports_cycle"]})
    assert await _name(client, "AWO") == "Renamed Arlington"


async def test_a_change_of_a_field_shown_beside_other_airports_drops_every_detail(
    app: FastAPI, client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    state_of(app).detail_cache.revalidate_seconds = 0
    await _name(client, "AWO")
    await _rename(connection, "AWO", "RENAMED ARLINGTON")
    # PAE's name is shown among AWO's nearby airports: a new name drops AWO's detail too.
    await record_changes(connection, ChangeKind.ADMIN, {"PAE": ["name"]})
    assert await _name(client, "AWO") == "Renamed Arlington"


async def test_two_processes_drop_exactly_the_edited_airport(
    app: FastAPI,
    settings: Settings,
    engine: AsyncEngine,
    connection: AsyncConnection,
    make_person: MakePerson,
) -> None:
    other = create_app(settings, engine=engine)
    bind_sessions(other, connection, map_follows=False, join_transaction_mode="create_savepoint")
    apps = (app, other)
    for each in apps:
        state_of(each).detail_cache.revalidate_seconds = 0
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(each), base_url="http://test")
        for each in apps
    ]
    for http in clients:
        for code in ("PAE", "AWO"):
            assert (await http.get(f"/api/v1/airports/{code}")).status_code == 200
    arlington = [state_of(each).detail_cache.entries["AWO"] for each in apps]

    pilot = await make_person("known")
    async with pilot.client(app) as http:
        edited = await http.patch(
            "/api/v1/airports/PAE",
            json={"description": {"text": "Call the tower early.", "base": EMPTY_VERSION}},
        )
    assert edited.status_code == 200, edited.text

    for each, http, before in zip(apps, clients, arlington, strict=True):
        detail = (await http.get("/api/v1/airports/PAE")).json()
        assert detail["wiki"]["description"]["text"] == "Call the tower early."
        # B's document was not read again: the very same bytes are still held.
        assert state_of(each).detail_cache.entries["AWO"] is before

    # The importer activates a cycle: both processes drop every document.
    await _rename(connection, "AWO", "RENAMED ARLINGTON")
    run_id = (
        await connection.execute(
            sa.text(
                "INSERT INTO importer_runs (products, status, started_at) "
                "VALUES ('{airports}', 'running', now()) RETURNING id"
            )
        )
    ).scalar_one()
    await importer_run._activate(connection, {Product.AIRPORTS: date(2026, 12, 24)}, run_id, {})
    for each, http in zip(apps, clients, strict=True):
        assert (await http.get("/api/v1/airports/AWO")).json()["name"] == "Renamed Arlington"
        assert set(state_of(each).detail_cache.entries) == {"AWO"}
    for http in clients:
        await http.aclose()


async def test_the_editing_process_keeps_what_the_edit_rendered(
    app: FastAPI,
    settings: Settings,
    engine: AsyncEngine,
    connection: AsyncConnection,
    make_person: MakePerson,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = create_app(settings, engine=engine)
    bind_sessions(other, connection, map_follows=False, join_transaction_mode="create_savepoint")
    for each in (app, other):
        state_of(each).detail_cache.revalidate_seconds = 0
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(each), base_url="http://test")
        for each in (app, other)
    ]
    for http in clients:
        assert (await http.get("/api/v1/airports/PAE")).status_code == 200
    renders: list[str] = []
    real = detail.detail_json

    async def counting(*args: object) -> str | None:
        renders.append(str(args[1]))
        return await real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(detail, "detail_json", counting)
    pilot = await make_person("known")
    async with pilot.client(app) as http:
        edited = await http.patch(
            "/api/v1/airports/PAE",
            json={"description": {"text": "Self-serve fuel.", "base": EMPTY_VERSION}},
        )
    assert edited.status_code == 200, edited.text
    assert len(renders) == 1  # the edit's answer

    # The editing process serves what the edit rendered; the other renders it once.
    mine, theirs = [await http.get("/api/v1/airports/PAE") for http in clients]
    assert mine.content == edited.content
    assert theirs.json()["wiki"]["description"]["text"] == "Self-serve fuel."
    assert len(renders) == 2
    for http in clients:
        await http.aclose()


def _change(id_: int, generation: int, code: str | None) -> ChangeRow:
    return ChangeRow(id_, generation, None, code, "edit", ["description"])


@pytest.mark.parametrize(
    ("seen_when_rendered", "also_read", "kept"),
    [
        (10, [_change(12, 6, "AWO")], True),  # another airport's change: kept
        (9, [], False),  # the process had not applied change 10 when it rendered
        (10, [_change(12, 6, "PAE")], False),  # PAE changed again after the edit
        (10, [_change(12, 6, "BFI")], False),  # so did an airport the detail lists
        (10, [_change(12, 6, None)], False),  # the whole site changed
    ],
)
async def test_a_rendering_is_kept_only_when_nothing_else_changed_what_it_shows(
    seen_when_rendered: int,
    also_read: list[ChangeRow],
    kept: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = DetailCache(max_entries=10, revalidate_seconds=0, seen=10)
    cache.put("PAE", b"before", ["PAE", "BFI"], seen=10)
    # The edit of PAE (generation 5) rendered "after", and is then read as change 11.
    cache.offer(5, Offered("PAE", b"after", frozenset({"PAE", "BFI"}), None, seen_when_rendered))

    async def read(_: object, after: int, limit: int) -> list[ChangeRow]:
        assert after == 10
        return [_change(11, 5, "PAE"), *also_read]

    monkeypatch.setattr(caches, "changes_after", read)
    await cache.revalidate(None)  # type: ignore[arg-type]
    assert cache.get("PAE") == (b"after" if kept else None)
    assert cache._offers == {}


async def test_unknown_codes_are_not_cached(app: FastAPI, client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/airports/NOPE")).status_code == 404
    assert "NOPE" not in state_of(app).detail_cache.entries


def test_the_cache_keeps_the_most_recently_used_entries() -> None:
    cache = DetailCache(max_entries=2, revalidate_seconds=60, seen=0)
    cache.put("A", b"a", seen=0)
    cache.put("B", b"b", seen=0)
    assert cache.get("A") == b"a"
    cache.put("C", b"c", seen=0)
    assert cache.get("B") is None
    assert cache.get("A") == b"a"
    assert cache.get("C") == b"c"


def test_a_cache_of_size_zero_keeps_nothing() -> None:
    cache = DetailCache(max_entries=0, revalidate_seconds=60, seen=0)
    cache.put("A", b"a", seen=0)
    assert cache.get("A") is None


def test_a_dropped_entry_leaves_no_tag_behind() -> None:
    cache = DetailCache(max_entries=1, revalidate_seconds=60, seen=0)
    cache.put("PAE", b"a", ["id-a"], seen=0)
    cache.put("AWO", b"b", ["id-b"], seen=0)  # pushes PAE out
    assert list(cache.entries) == ["AWO"]
    assert cache._keys == {"id-b": {"AWO"}}


async def test_a_document_read_before_newer_changes_were_applied_is_not_kept(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache: DetailCache = state_of(app).detail_cache
    real = detail.detail_json

    async def read_then_see_a_newer_generation(*args: object) -> str | None:
        document = await real(*args)  # type: ignore[arg-type]
        # Meanwhile another request revalidated and applied newer changes.
        cache.seen = (cache.seen or 0) + 1
        return document

    monkeypatch.setattr(detail, "detail_json", read_then_see_a_newer_generation)
    assert (await client.get("/api/v1/airports/PAE")).status_code == 200
    assert cache.entries == {}


async def test_a_change_of_a_similar_airport_drops_the_details_that_list_it(
    app: FastAPI, client: httpx.AsyncClient, connection: AsyncConnection, set_tags: Any
) -> None:
    cache = state_of(app).detail_cache
    cache.revalidate_seconds = 0
    await set_tags("PAE", add=("food",))
    await set_tags("BFI", add=("food",))
    listed = (await client.get("/api/v1/airports/PAE")).json()["similar"]
    assert [airport["code"] for airport in listed] == ["BFI"]
    await _name(client, "AWO")

    await set_tags("BFI", remove=("food",))
    await record_changes(connection, ChangeKind.TAGS, {"BFI": ["tags"]})
    assert (await client.get("/api/v1/airports/PAE")).json()["similar"] == []
    assert "AWO" in cache.entries  # it does not list BFI
