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


def limited_app(app: FastAPI, settings: Settings, limit: int) -> FastAPI:
    """An app like the test's, but with a small write limit."""
    limited = create_app(
        settings.model_copy(update={"write_limit_per_minute": limit}), engine=app.state.engine
    )
    limited.state.session_factory = app.state.session_factory
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
