"""Writes per address and minute, counted in PostgreSQL for every web process together."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from api.app import create_app
from api.core import ratelimit
from api.core.ratelimit import purge_expired
from api.core.settings import Settings
from api.state import state_of


def limited_app(app: FastAPI, settings: Settings, limit: int) -> FastAPI:
    """An app like the test's, but with a small write limit."""
    limited = create_app(
        settings.model_copy(update={"write_limit_per_minute": limit}), engine=state_of(app).engine
    )
    state_of(limited).session_factory = state_of(app).session_factory
    return limited


async def test_a_brute_force_login_loop_is_cut_off_with_429(
    app: FastAPI,
    settings: Settings,
    connection: AsyncConnection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Twenty seconds into a window, whenever the test runs.
    monkeypatch.setattr(ratelimit, "clock", lambda: 1_800_000_000.0 + 20)
    limited = limited_app(app, settings, limit=10)
    attacker = httpx.ASGITransport(limited, client=("203.0.113.66", 4000))
    bystander = httpx.ASGITransport(limited, client=("198.51.100.20", 4000))
    guess = {"email": "pilot@example.com", "password": "guess number x"}
    async with httpx.AsyncClient(transport=attacker, base_url="http://t") as http:
        answers = [(await http.post("/api/v1/sessions", json=guess)).status_code for _ in range(12)]
        refused = await http.post("/api/v1/sessions", json=guess)
        reads = await http.get("/api/v1/airports/PAE")
    assert answers == [401] * 10 + [429, 429]
    assert refused.status_code == 429
    assert refused.json()["error"] == "TooManyRequests"
    assert refused.headers["retry-after"] == "40"
    assert reads.status_code == 200  # reads are not writes
    async with httpx.AsyncClient(transport=bystander, base_url="http://t") as http:
        assert (await http.post("/api/v1/sessions", json=guess)).status_code == 401

    counted = await connection.scalar(
        sa.text("SELECT count FROM rate_limit_buckets WHERE key = 'write:203.0.113.66'")
    )
    assert counted == 13


async def test_expired_counters_are_purged(db, connection: AsyncConnection) -> None:  # type: ignore[no-untyped-def]
    await connection.execute(
        sa.text(
            "INSERT INTO rate_limit_buckets (key, window_start, count, expires_at) VALUES"
            " ('write:old', now() - interval '2 minutes', 3, now() - interval '1 minute'),"
            " ('write:new', now(), 1, now() + interval '1 minute')"
        )
    )
    assert await purge_expired(db) == 1
    keys = (await connection.execute(sa.text("SELECT key FROM rate_limit_buckets"))).scalars()
    assert "write:old" not in set(keys)


async def test_airport_page_reads_are_limited_across_processes(
    app: FastAPI,
    settings: Settings,
    connection: AsyncConnection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ratelimit, "clock", lambda: 1_800_000_000.0 + 45)
    limited = settings.model_copy(update={"read_limit_per_minute": 6})
    first, second = (create_app(limited, engine=state_of(app).engine) for _ in range(2))
    for process in (first, second):
        state_of(process).session_factory = state_of(app).session_factory
    reader = ("203.0.113.7", 4000)

    async def read(process: FastAPI, path: str = "/api/v1/airports/PAE") -> httpx.Response:
        transport = httpx.ASGITransport(process, client=reader)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            return await http.get(path)

    answers = [await read(first) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200] * 4
    # Each answer says where the reader stands: the limit, what is left, when it starts again.
    assert [answer.headers["ratelimit-remaining"] for answer in answers] == ["5", "4", "3", "2"]
    assert {answer.headers["ratelimit-limit"] for answer in answers} == {"6"}
    assert {answer.headers["ratelimit-reset"] for answer in answers} == {"15"}
    assert {answer.headers["ratelimit-policy"] for answer in answers} == {"6;w=60"}
    # The first process adds its counts to the shared ones (it does so about every second).
    await state_of(first).read_limiter.flush(state_of(app).session_factory)
    shared = "SELECT count FROM rate_limit_buckets WHERE key = 'read:203.0.113.7'"
    assert await connection.scalar(sa.text(shared)) == 4

    answers = [(await read(second)).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    refused = await read(second)
    assert refused.json()["error"] == "TooManyRequests"
    assert refused.headers["retry-after"] == "15"
    assert refused.headers["ratelimit-remaining"] == "0"
    # A read under no limit carries no such fields.
    assert "ratelimit-limit" not in (await read(second, "/api/v1/meta")).headers
    # Only airport pages are limited this way; other reads and other addresses are not.
    assert (await read(second, "/api/v1/meta")).status_code == 200
    transport = httpx.ASGITransport(second, client=("198.51.100.1", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        assert (await http.get("/api/v1/airports/PAE")).status_code == 200


async def test_reads_go_on_when_the_counters_cannot_be_written(
    app: FastAPI, settings: Settings
) -> None:
    limiter = ratelimit.BatchedLimiter(2)

    def broken_factory() -> object:
        raise ConnectionRefusedError("database down")

    verdicts = [await limiter.hit(broken_factory, "read:x") for _ in range(2)]  # type: ignore[arg-type]
    assert [verdict.allowed for verdict in verdicts] == [True, True]
    # Nothing counted is lost: the unflushed counts still refuse the third read.
    assert limiter.pending == {"read:x": 2}
    assert not (await limiter.hit(broken_factory, "read:x")).allowed  # type: ignore[arg-type]
