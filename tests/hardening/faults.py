"""Faults under load: a PostgreSQL cluster of its own (durable: fsync on) that can be crashed
and restarted, `pirep serve` in a process that can be killed, and editors that record every
edit the API acknowledged, so that what survived can be checked afterwards.

Used by tests/hardening/test_faults.py (short runs in `make test`) and bench/faults.py (the
long runs)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from api.core.cycles import Product
from api.core.embedded_pg import EmbeddedPostgres, find_free_port
from api.core.settings import Settings
from tests.api.conftest import import_sample

EDITORS = 8


@dataclass
class Database:
    """A cluster of its own, crashable: ``crash()`` is `pg_ctl stop -m immediate` (no
    checkpoint, as a power cut), ``start()`` brings it back on the same port."""

    server: EmbeddedPostgres
    url: str

    def crash(self) -> None:
        self.server._run("pg_ctl", "-D", str(self.server.data_dir), "-m", "immediate", "stop")

    def start(self) -> None:
        self.server.start()

    async def scalar(self, sql: str) -> object:
        engine = create_async_engine(self.url)
        try:
            async with engine.connect() as connection:
                return await connection.scalar(sa.text(sql))
        finally:
            await engine.dispose()


@asynccontextmanager
async def database() -> AsyncIterator[Database]:
    """A durable cluster holding the sample's airports, migrated as production is."""
    from api.cli import upgrade_database

    directory = Path(tempfile.mkdtemp(prefix="pirep-faults-"))
    os.chmod(directory, 0o755)  # noqa: S103 - the postgres user must reach the cluster inside
    server = EmbeddedPostgres(directory)
    await asyncio.to_thread(server.initialise)
    await asyncio.to_thread(server.start)  # fsync on: what was committed must survive a crash
    try:
        await asyncio.to_thread(server.create_database, "pirep")
        url = server.url("pirep")
        settings = Settings(database_url=url, environment="test", data_dir=directory / "data")
        await asyncio.to_thread(upgrade_database, settings)
        await import_sample(settings, (Product.AIRPORTS,))
        yield Database(server, url)
    finally:
        await asyncio.to_thread(server.stop)
        shutil.rmtree(directory, ignore_errors=True)


class Api:
    """`pirep serve` in a process of its own (one worker, as a web task runs, unless told),
    over ``database_url``; clients are told apart by X-Forwarded-For from this machine.
    ``settings`` are more PIREP_* variables (the rate limits are raised unless given)."""

    def __init__(
        self,
        database_url: str,
        data_dir: Path,
        *,
        workers: int = 1,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.port = find_free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / "serve.log"
        self.workers = workers
        self.environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PIREP_")},
            "PIREP_DATABASE_URL": database_url,
            "PIREP_ENVIRONMENT": "test",
            "PIREP_DATA_DIR": str(data_dir),
            "PIREP_WRITE_LIMIT_PER_MINUTE": "100000",
            "PIREP_READ_LIMIT_PER_MINUTE": "100000",
            "PIREP_TRUSTED_PROXIES": '["127.0.0.1/32"]',
            **(settings or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "api.cli", "serve", "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "--workers", str(self.workers)],
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_for_health(200, timeout=60)

    def kill(self) -> None:
        """SIGKILL: no shutdown, requests in flight are cut."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def health(self) -> int:
        try:
            return httpx.get(f"{self.url}/health", timeout=5).status_code
        except httpx.HTTPError:
            return 0

    def wait_for_health(self, status: int, timeout: float) -> float:
        """Seconds until /health answers ``status``."""
        started = time.monotonic()
        while (answer := self.health()) != status:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"pirep serve exited:\n{self.log.read_text()[-3000:]}")
            if time.monotonic() - started > timeout:
                raise AssertionError(f"/health answered {answer}, not {status}, for {timeout} s")
            time.sleep(0.1)
        return time.monotonic() - started


@dataclass
class Editors:
    """Editors of the description of one airport each, chaining versions: an edit is
    acknowledged when the API answered 200. Anything else (refused connections while the
    server or the database is down, 503s, cut requests) is counted and tried again."""

    base_url: str
    codes: list[str]
    acknowledged: dict[str, list[str]] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    stopping: bool = False

    async def run(self) -> None:
        await asyncio.gather(*(self._edit(code) for code in self.codes))

    async def _edit(self, code: str) -> None:
        texts = self.acknowledged.setdefault(code, [])
        number = 0
        async with httpx.AsyncClient(base_url=self.base_url, timeout=10) as http:
            while not self.stopping:
                try:
                    detail = await http.get(f"/api/v1/airports/{code}")
                    if detail.status_code != 200:
                        assert detail.status_code == 503, detail.text
                        self._failed(f"GET {detail.status_code}")
                        await asyncio.sleep(0.05)
                        continue
                    base = detail.json()["field_versions"]["description"]
                    number += 1
                    text = f"{code} edit {number}"
                    # A writer of its own per edit (anonymous writers are told apart by
                    # address), so that edits are not collated into one version.
                    address = f"10.{self.codes.index(code)}.{number // 250}.{number % 250 + 1}"
                    answer = await http.patch(
                        f"/api/v1/airports/{code}",
                        json={"description": {"text": text, "base": base}},
                        headers={"X-Forwarded-For": address},
                    )
                except httpx.HTTPError as error:
                    self._failed(type(error).__name__)
                    await asyncio.sleep(0.05)
                    continue
                if answer.status_code == 200:
                    texts.append(text)
                else:
                    self._failed(f"PATCH {answer.status_code}")
                    if answer.status_code >= 500:
                        # The database being away is a 503 to retry, in the API's shape.
                        assert answer.status_code == 503, answer.text
                        assert answer.json()["error"] == "ServiceUnavailable", answer.text
                    await asyncio.sleep(0.05)

    def _failed(self, what: str) -> None:
        self.failures[what] = self.failures.get(what, 0) + 1

    @property
    def count(self) -> int:
        return sum(len(texts) for texts in self.acknowledged.values())


async def sample_codes(url: str, count: int = EDITORS) -> list[str]:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            sa.text("SELECT code FROM airports WHERE facility_type = 'airport' ORDER BY code")
        )
        codes = list(rows.scalars())
    await engine.dispose()
    return codes[:: max(1, len(codes) // count)][:count]


async def check_nothing_lost(url: str, editors: Editors) -> dict[str, int]:
    """Every acknowledged edit is a version of its airport; each airport's text is that of its
    latest version (no half-written edit); versions of one airport are a single chain."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                sa.text(
                    "SELECT a.code, a.description, v.object_changes -> 'description' ->> 1 "
                    "FROM airports a JOIN versions v ON v.item_id = a.id "
                    "WHERE a.code = ANY(:codes) AND v.object_changes ? 'description' "
                    "ORDER BY a.code, v.created_at, v.id"
                ),
                {"codes": editors.codes},
            )
            history: dict[str, list[str]] = {}
            current: dict[str, str] = {}
            for code, description, text in rows:
                history.setdefault(code, []).append(text)
                current[code] = description
    finally:
        await engine.dispose()
    lost = 0
    for code, texts in editors.acknowledged.items():
        stored = history.get(code, [])
        lost += len(set(texts) - set(stored))
        if stored:
            assert current[code] == stored[-1], f"{code}: the text is not its latest version's"
        # A version per edit that committed: none twice, in the order they were made.
        assert len(stored) == len(set(stored)), f"{code}: a version was written twice"
        numbers = [int(text.rsplit(" ", 1)[1]) for text in stored]
        assert numbers == sorted(numbers), f"{code}: versions out of order"
    assert lost == 0, f"{lost} acknowledged edits are missing"
    return {"acknowledged": editors.count, "versions": sum(map(len, history.values()))}
