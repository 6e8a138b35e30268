"""The importer killed (SIGKILL) at chosen points of real runs: after each kill the active
cycles, the imported data, what users wrote and the stored tiles are exactly as before, and a
new run completes. Used by tests/hardening/test_importer_kills.py (three kills in `make test`)
and bench/importer_kills.py (twenty, at random points).

Two kinds of run are killed: the airports of a new NASR cycle (the sample's, with renamed
airports), so that anything written before activation would show; and the sample's diagrams
and charts imported again (forced, tiled to zoom 16 so that tiling lasts)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import signal
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from api.core.cycles import Product
from api.core.settings import PROJECT_ROOT, Settings
from importer.progress import PlainReporter
from importer.run import RunOptions, run_import
from tests.importer.conftest import read_archive_tables, write_archive
from tests.importer.test_run import database_state, query

SAMPLE = PROJECT_ROOT / "importer" / "sample_data"
SAMPLE_CYCLE = date(2024, 12, 26)
NEXT_CYCLE = date(2025, 1, 23)
NEXT_CHART_CYCLE = date(2025, 2, 20)
USER_TEXT = "Pilots say: the fuel truck answers on 122.95."


@dataclass
class Kills:
    url: str
    workdir: Path
    sources: Path = field(init=False)
    storage: Path = field(init=False)
    log: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sources = self.workdir / "sources"
        self.storage = self.workdir / "storage"

    def environment(self) -> dict[str, str]:
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith("PIREP_")},
            "PIREP_DATABASE_URL": self.url,
            "PIREP_DATA_DIR": str(self.workdir / "data"),
            "PIREP_STORAGE_DIR": str(self.storage),
            "PIREP_CHART_CATALOGUE": "sample",
            "PIREP_SECTIONAL_ZOOMS": "0-16",
            "PIREP_TILE_PROCESSES": "1",
        }

    def settings(self) -> Settings:
        return Settings(
            database_url=self.url,
            environment="test",
            data_dir=self.workdir / "data",
            storage_dir=self.storage,
            chart_catalogue="sample",
            sectional_zooms="0-16",
            tile_processes=1,
        )

    async def prepare(self) -> None:
        """The whole sample imported, a user's text on an airport, and the next NASR cycle's
        sources (the sample's airports, twenty of them renamed). The charts are tiled with the
        zooms the killed runs use, so that a forced run rewrites the same tiles."""
        options = RunOptions(
            products=(Product.AIRPORTS, Product.DIAGRAMS, Product.CHARTS),
            force=True,
            source_dir=SAMPLE,
            cycle=SAMPLE_CYCLE,
            countries=frozenset(),
        )
        await run_import(self.settings(), options, PlainReporter())
        await query(
            self.url, "UPDATE airports SET description = :text WHERE code = 'PAE'", text=USER_TEXT
        )
        shutil.copytree(SAMPLE, self.sources)
        archive = self.sources / "26_Dec_2024_APT_CSV.zip"
        tables = read_archive_tables(archive)
        for row in tables["APT_BASE.csv"].rows[:20]:
            row["ARPT_NAME"] = f"{row['ARPT_NAME']} RENAMED"
        archive.unlink()
        write_archive(self.sources / "23_Jan_2025_APT_CSV.zip", tables)

    def command(self, kind: str) -> list[str]:
        """The airports of the next NASR cycle, or the charts of the next chart cycle (the
        sample's chart, tiled again into a directory of that cycle)."""
        command = [sys.executable, "-m", "importer", "run", "--source-dir", str(self.sources)]
        if kind == "airports":
            cycle, products = NEXT_CYCLE, ["--products", "airports", "--countries", ""]
        else:
            cycle, products = NEXT_CHART_CYCLE, ["--products", "charts"]
        return [*command, *products, "--cycle", cycle.isoformat()]

    async def state(self) -> dict[str, Any]:
        """Everything a killed run must leave as it was."""
        state: dict[str, Any] = dict(await database_state(self.url))
        state["user_text"] = await query(
            self.url, "SELECT description FROM airports WHERE code = 'PAE'"
        )
        state["active"] = await query(
            self.url, "SELECT product, cycle, run_id FROM faa_data_cycles ORDER BY product"
        )
        state["storage"] = self._stored()
        return state

    def _stored(self) -> dict[str, str]:
        """Each stored file's digest (tiles, diagrams, manifests) but those of the chart cycle
        being imported, which nobody is shown until it is activated: a killed run leaves the
        tiles it wrote there, and the next run writes them again."""
        staging = self.storage / "tiles" / NEXT_CHART_CYCLE.isoformat()
        digests: dict[str, str] = {}
        for path in sorted(self.storage.rglob("*")):
            if path.is_file() and not path.is_relative_to(staging):
                digests[str(path.relative_to(self.storage))] = hashlib.md5(
                    path.read_bytes(), usedforsecurity=False
                ).hexdigest()
        return digests

    async def kill_at(self, kind: str, step: str, delay: float) -> dict[str, Any]:
        """Start a run of ``kind``; SIGKILL it ``delay`` seconds after its record names
        ``step``; check that either nothing changed or (the kill came after its last
        transaction) its new cycle is wholly there."""
        before = await self.state()
        engine = create_async_engine(self.url, poolclass=NullPool)
        process = await asyncio.create_subprocess_exec(
            *self.command(kind),
            env=self.environment(),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            async with engine.connect() as connection:
                while process.returncode is None:
                    seen = await connection.scalar(
                        sa.text(
                            "SELECT progress->>'step' FROM importer_runs "
                            "WHERE status = 'running' ORDER BY created_at DESC LIMIT 1"
                        )
                    )
                    await connection.commit()
                    if seen == step:
                        break
                    await asyncio.sleep(0.005)
        finally:
            await engine.dispose()
        try:
            await asyncio.wait_for(process.wait(), timeout=delay)
        except TimeoutError:
            os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
            finished = False
        else:
            finished = True
        rows = await query(
            self.url,
            "SELECT id, progress->>'step' FROM importer_runs ORDER BY created_at DESC LIMIT 1",
        )
        run_id, at = rows[0]
        activated = await query(
            self.url, "SELECT product FROM faa_data_cycles WHERE run_id = :id", id=run_id
        )
        outcome = {"kind": kind, "after": step, "delay": round(delay, 2), "step": at}
        if finished or activated:
            # Its last transaction committed before the kill: the new cycle is wholly there.
            await self._check_whole(kind)
            return {**outcome, "interrupted": False}
        after = await self.state()
        changed = sorted(name for name in before if before[name] != after[name])
        assert not changed, f"killed {delay:.2f} s after {step!r} ({at}): {changed} changed"
        # The killed run's record stays 'running' until it is old enough to be presumed dead.
        await query(
            self.url,
            "UPDATE importer_runs SET updated_at = now() - interval '1 hour' "
            "WHERE status = 'running'",
        )
        return {**outcome, "interrupted": True}

    async def _check_whole(self, kind: str) -> None:
        """A run that activated left all of its cycle; then the previous cycle is imported
        again (forced), so that the next kill has a new cycle to interrupt."""
        assert await query(self.url, "SELECT description FROM airports WHERE code = 'PAE'") == [
            (USER_TEXT,)
        ]
        await query(
            self.url,
            "UPDATE importer_runs SET updated_at = now() - interval '1 hour' "
            "WHERE status = 'running'",
        )
        if kind == "airports":
            renamed = await query(
                self.url, "SELECT count(*) FROM airports WHERE name LIKE '%RENAMED'"
            )
            assert renamed == [(20,)]
            products: tuple[Product, ...] = (Product.AIRPORTS,)
        else:
            tiles = self.storage / "tiles" / NEXT_CHART_CYCLE.isoformat() / "sectional"
            assert (tiles / "manifest.json").exists()
            products = (Product.CHARTS,)
        options = RunOptions(
            products=products,
            force=True,
            source_dir=SAMPLE,
            cycle=SAMPLE_CYCLE,
            countries=frozenset(),
        )
        await run_import(self.settings(), options, PlainReporter())
        # The next chart cycle's tiles are not active any more: tiled afresh next time.
        shutil.rmtree(self.storage / "tiles" / NEXT_CHART_CYCLE.isoformat(), ignore_errors=True)

    async def complete(self, kind: str) -> None:
        """A run of ``kind`` after the kills completes."""
        process = await asyncio.create_subprocess_exec(
            *self.command(kind),
            env=self.environment(),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, errors = await process.communicate()
        assert process.returncode == 0, errors.decode()[-2000:]
