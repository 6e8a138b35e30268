"""Database engine and sessions (SQLAlchemy async over asyncpg)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from api.core.errors import ServiceUnavailable
from api.core.settings import Settings


def create_engine(
    settings: Settings,
    *,
    pool_size: int | None = None,
    statement_timeout_ms: int | None = None,
    parallel: bool = True,
    durable: bool = True,
) -> AsyncEngine:
    """An engine for ``settings.database_url`` with sensible timeouts.

    JIT compilation is off: its start-up cost exceeds the run time of Pirep's queries. Without
    ``parallel`` (the API's engine), a query never starts parallel workers: that costs 20 ms
    or more a query (a vector tile of 3,500 airports took 33 ms with two workers, 7 ms
    without), and the requests beside it share the same cores anyway. Without ``durable``
    (the rate limits' counters), a commit does not wait for the disk: a crash may forget the
    last fraction of a second of counts, and a counter no longer holds its row for an fsync
    while every other write of the same address waits for it.
    """
    timeout = settings.database_statement_timeout_ms
    if statement_timeout_ms is not None:
        timeout = statement_timeout_ms
    if not settings.database_url:
        raise ServiceUnavailable(
            "No database is configured: set PIREP_DATABASE_URL, or use `pirep dev` "
            "to start the embedded PostgreSQL."
        )
    engine = create_async_engine(
        settings.database_url,
        pool_size=pool_size or settings.database_pool_size,
        # Connections beyond the pool would be opened and closed at every burst, each paying
        # for a new backend (and PostGIS loading in it): requests wait for a pooled one instead.
        max_overflow=0,
        pool_timeout=10,
        connect_args={
            "timeout": 10,
            # The statement timeout bounds queries on the server; without one, none here.
            "command_timeout": timeout / 1000 + 5 if timeout else None,
            "server_settings": {
                "application_name": "pirep",
                "statement_timeout": str(timeout),
                "jit": "off",
                **({} if parallel else {"max_parallel_workers_per_gather": "0"}),
                **({} if durable else {"synchronous_commit": "off"}),
            },
        },
    )
    event.listen(engine.sync_engine, "checkout", _drop_if_closed)
    return engine


def _drop_if_closed(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """A pooled connection the server closed (a restart, a failover) is replaced before use.

    asyncpg notices at once when the server closes a connection, so this costs no round trip,
    where SQLAlchemy's pre-ping costs three on every checkout (BEGIN, a query, ROLLBACK).
    """
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("The database closed this connection.")


def session_factory(
    engine: AsyncEngine, info: dict[str, Any] | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit; ``info`` is each one's
    ``Session.info`` to begin with (what the application lends its sessions)."""
    return async_sessionmaker(engine, expire_on_commit=False, info=info)


@asynccontextmanager
async def transaction(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session whose work is committed on success and rolled back on any error."""
    async with factory() as session, session.begin():
        yield session
