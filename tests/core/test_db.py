"""The engine's pool: a connection the server closed is replaced before a request uses it,
without a round trip on every checkout."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from api.core.db import create_engine
from api.core.settings import Settings


async def test_a_connection_the_server_closed_is_replaced_without_an_error(
    fresh_database: str, settings_for: Callable[..., Settings]
) -> None:
    engine = create_engine(settings_for(fresh_database), pool_size=1)
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    try:
        async with engine.connect() as connection:
            first = await connection.scalar(sa.text("SELECT pg_backend_pid()"))
        # The server ends the pooled connection (as a restart or a failover would).
        async with engine.connect() as connection:
            pid = await connection.scalar(sa.text("SELECT pg_backend_pid()"))
            assert pid == first  # the pooled one, reused
        other = create_engine(settings_for(fresh_database), pool_size=1)
        try:
            async with other.connect() as killer:
                await killer.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        finally:
            await other.dispose()
        await asyncio.sleep(0.2)  # asyncpg hears the connection close

        event.listen(engine.sync_engine, "before_cursor_execute", count)
        async with engine.connect() as connection:
            second = await connection.scalar(sa.text("SELECT pg_backend_pid()"))
        assert second != first  # a new connection, and no error
        # A checkout costs no statement of its own (no ping).
        assert statements == ["SELECT pg_backend_pid()"]
    finally:
        await engine.dispose()


async def test_the_api_engine_starts_no_parallel_workers(
    fresh_database: str, settings_for: Callable[..., Settings]
) -> None:
    settings = settings_for(fresh_database)
    for parallel, expected in ((False, "0"), (True, "2")):
        engine = create_engine(settings, pool_size=1, parallel=parallel)
        try:
            async with engine.connect() as connection:
                setting = await connection.scalar(sa.text("SHOW max_parallel_workers_per_gather"))
        finally:
            await engine.dispose()
        assert setting == expected


async def test_the_counters_commit_without_waiting_for_the_disk_and_edits_do(
    fresh_database: str, settings_for: Callable[..., Settings]
) -> None:
    """The application's own engines: the rate limits' counters may lose the last counts in a
    crash, an edit never."""
    from api.app import create_app
    from api.state import state_of

    app = create_app(settings_for(fresh_database))
    async with app.router.lifespan_context(app):
        state = state_of(app)
        assert state.counters_engine is not None
        asked = sa.text("SELECT setting, source FROM pg_settings WHERE name = 'synchronous_commit'")
        async with state.single_statements() as session:
            counters = (await session.execute(asked)).one()
        async with state.session_factory() as session:
            requests = (await session.execute(asked)).one()
    assert tuple(counters) == ("off", "client")  # asked for by the counters' engine
    assert requests.source != "client"  # the server's own (durable unless configured not to be)


async def test_a_served_app_keeps_what_it_started_with_out_of_the_collectors_way(
    fresh_database: str, settings_for: Callable[..., Settings]
) -> None:
    """A full collection went through every object of the process, 100 ms with every request
    waiting: a served app freezes what exists once it has started, and thaws it at shutdown."""
    import gc

    from api.app import create_app

    assert gc.get_freeze_count() == 0
    app = create_app(settings_for(fresh_database))
    async with app.router.lifespan_context(app):
        frozen = gc.get_freeze_count()
    assert frozen > 10_000
    assert gc.get_freeze_count() == 0
