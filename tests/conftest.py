"""Test harness: one throwaway PostgreSQL cluster per run, migrated once.

Each test runs inside a transaction that is rolled back. Tests that need commits (a whole
import run, the CLI) get a database of their own, cloned from the migrated template.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from moto.server import ThreadedMotoServer
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from api.core.embedded_pg import EmbeddedPostgres
from api.core.settings import PROJECT_ROOT, Settings, normalise_database_url
from tests.aws import AWS_ENVIRONMENT, Aws, build_ecs

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_DATA = PROJECT_ROOT / "importer" / "sample_data"
TEMPLATE = "pirep_template"


class Cluster:
    """The server the tests use: its own embedded cluster unless PIREP_TEST_DATABASE_URL is set."""

    def __init__(self) -> None:
        self._embedded: EmbeddedPostgres | None = None
        self._directory: str | None = None
        external = os.environ.get("PIREP_TEST_DATABASE_URL")
        if external:
            self.server_url = normalise_database_url(external).rsplit("/", 1)[0]
        else:
            self._directory = tempfile.mkdtemp(prefix="pirep-test-pg-")
            self._embedded = EmbeddedPostgres(Path(self._directory))
            self._embedded.initialise()
            self._embedded.start(fast=True)
            self.server_url = self._embedded.url("postgres").rsplit("/", 1)[0]

    def url(self, database: str) -> str:
        return f"{self.server_url}/{database}"

    async def execute(self, sql: str) -> None:
        engine = create_async_engine(
            self.url("postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT"
        )
        async with engine.connect() as connection:
            await connection.exec_driver_sql(sql)
        await engine.dispose()

    def stop(self) -> None:
        if self._embedded is not None:
            self._embedded.stop()
        if self._directory is not None:
            shutil.rmtree(self._directory, ignore_errors=True)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    server = Cluster()
    yield server
    server.stop()


@pytest.fixture(scope="session")
async def template_url(cluster: Cluster) -> str:
    """A database migrated to head once per run, used as the template of every test database."""
    await cluster.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
    await cluster.execute(f'CREATE DATABASE "{TEMPLATE}"')
    url = cluster.url(TEMPLATE)
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    import asyncio

    await asyncio.to_thread(command.upgrade, config, "head")
    return url


async def _clone(cluster: Cluster, name: str) -> str:
    await cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await cluster.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    return cluster.url(name)


@pytest.fixture(scope="session")
def clone_template(cluster: Cluster, template_url: str) -> Callable[[str], Awaitable[str]]:
    """Create a migrated database of that name from the template (for data kept a whole run)."""

    async def clone(name: str) -> str:
        return await _clone(cluster, name)

    return clone


@pytest.fixture(scope="session")
async def engine(cluster: Cluster, template_url: str) -> AsyncIterator[AsyncEngine]:
    url = await _clone(cluster, "pirep_test")
    test_engine = create_async_engine(url, pool_size=5)
    yield test_engine
    await test_engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside a transaction that is rolled back after the test."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        yield conn
        await transaction.rollback()


@pytest.fixture
async def db(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """An ORM session in the test's transaction; its commits become savepoints."""
    session = AsyncSession(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield session
    await session.close()


@pytest.fixture
async def fresh_database(cluster: Cluster, template_url: str) -> AsyncIterator[str]:
    """The URL of a new, migrated, empty database of this test's own (for committed work)."""
    name = f"pirep_{uuid.uuid4().hex[:12]}"
    url = await _clone(cluster, name)
    yield url
    await cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings_for(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Settings pointing at ``url``, with caches in the test's temporary directory."""

    def make(url: str, **overrides: object) -> Settings:
        return Settings(
            database_url=url, environment="test", data_dir=tmp_path / "data", **overrides
        )

    return make


def pytest_configure(config: pytest.Config) -> None:
    # Dummy AWS credentials for the local moto server, set before any process is started
    # (tiling workers come from a fork server that keeps the environment it started with).
    for name, value in AWS_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


@pytest.fixture(scope="session")
def aws() -> Iterator[Aws]:
    """A moto server holding an ECS cluster, its jobs service and the importer's task
    definitions (see tests/aws.py)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in AWS_ENVIRONMENT.items():
            patch.setenv(name, value)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            aws = build_ecs(f"http://{host}:{port}")
            aws.task_steps_every(1_000_000)  # tasks stay RUNNING until stopped
            yield aws
            aws.task_steps_every(None)
        finally:
            server.stop()
