"""The in-memory cache of airport details: served from memory, dropped when data changes."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from api.airports.caches import DetailCache
from api.core.documents import detail
from api.state import state_of


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


async def test_a_change_of_data_generation_drops_the_cache(
    app: FastAPI, client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    state_of(app).detail_cache.revalidate_seconds = 0
    before = await _name(client, "PAE")
    await connection.execute(
        sa.text("UPDATE airports SET name = 'RENAMED FIELD' WHERE code = 'PAE'")
    )

    # Without a new generation the cached copy stands (the change came from elsewhere)…
    assert await _name(client, "PAE") == before
    # …and once the generation moves, every process drops what it holds.
    await connection.execute(
        sa.text("UPDATE site_settings SET data_generation = data_generation + 1")
    )
    assert await _name(client, "PAE") == "Renamed Field"


async def test_unknown_codes_are_not_cached(app: FastAPI, client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/airports/NOPE")).status_code == 404
    assert "NOPE" not in state_of(app).detail_cache.entries


def test_the_cache_keeps_the_most_recently_used_entries() -> None:
    cache = DetailCache(max_entries=2, revalidate_seconds=60)
    cache.put("A", b"a")
    cache.put("B", b"b")
    assert cache.get("A") == b"a"
    cache.put("C", b"c")
    assert cache.get("B") is None
    assert cache.get("A") == b"a"
    assert cache.get("C") == b"c"


def test_a_cache_of_size_zero_keeps_nothing() -> None:
    cache = DetailCache(max_entries=0, revalidate_seconds=60)
    cache.put("A", b"a")
    assert cache.get("A") is None


async def test_a_document_read_before_a_newer_generation_is_not_kept(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache: DetailCache = state_of(app).detail_cache
    real = detail.detail_json

    async def read_then_see_a_newer_generation(*args: object) -> str | None:
        document = await real(*args)  # type: ignore[arg-type]
        # Meanwhile another request revalidated and saw the importer's new generation.
        cache.generation = (cache.generation or 0) + 1
        return document

    monkeypatch.setattr(detail, "detail_json", read_then_see_a_newer_generation)
    assert (await client.get("/api/v1/airports/PAE")).status_code == 200
    assert cache.entries == {}
