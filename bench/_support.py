"""Shared pieces of the benchmarks: a private PostgreSQL cluster and the data set."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config

from api.core.embedded_pg import EmbeddedPostgres
from api.core.settings import PROJECT_ROOT

SHARED_DATA = Path(os.environ.get("PIREP_BENCH_DATA", PROJECT_ROOT.parent / "shared" / "data"))
FULL_SCALE_ARCHIVE = SHARED_DATA / "nasr-fullscale" / "26_Dec_2024_APT_CSV.zip"
OURAIRPORTS_DIR = SHARED_DATA / "ourairports"
CYCLE = "2024-12-26"


def require_data() -> None:
    if not FULL_SCALE_ARCHIVE.exists() or not OURAIRPORTS_DIR.exists():
        sys.exit(
            f"The full-scale data set is missing ({FULL_SCALE_ARCHIVE}, {OURAIRPORTS_DIR}); "
            "set PIREP_BENCH_DATA to the directory holding nasr-fullscale/ and ourairports/."
        )


@contextmanager
def source_dir() -> Iterator[Path]:
    """A directory holding the full-scale cycle under the names the download URLs use."""
    with tempfile.TemporaryDirectory(prefix="pirep-bench-src-") as directory:
        target = Path(directory)
        (target / FULL_SCALE_ARCHIVE.name).symlink_to(FULL_SCALE_ARCHIVE)
        for name in ("airports.csv", "runways.csv", "airport-frequencies.csv", "regions.csv"):
            (target / name).symlink_to(OURAIRPORTS_DIR / name)
        yield target


@contextmanager
def cluster() -> Iterator[EmbeddedPostgres]:
    """A throwaway PostgreSQL cluster with default (durable) settings."""
    directory = tempfile.mkdtemp(prefix="pirep-bench-pg-")
    server = EmbeddedPostgres(Path(directory))
    server.initialise()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


def migrated_database(server: EmbeddedPostgres, name: str) -> str:
    """Create ``name`` and migrate it; return its URL."""
    server.create_database(name)
    url = server.url(name)
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")
    return url


@dataclass(frozen=True)
class ProcessRun:
    seconds: float
    peak_rss_mb: float
    stdout: str


def run_measured(args: list[str], env: dict[str, str]) -> ProcessRun:
    """Run a command, returning its wall time and its own peak resident memory."""
    with tempfile.TemporaryFile() as stdout_file, tempfile.TemporaryFile() as stderr_file:
        started = time.perf_counter()
        process = subprocess.Popen(
            args, env={**os.environ, **env}, stdout=stdout_file, stderr=stderr_file
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout_file.seek(0)
        stderr_file.seek(0)
        stdout = stdout_file.read().decode()
        stderr = stderr_file.read().decode()
    if process.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({process.returncode}):\n{stderr[-2000:]}")
    return ProcessRun(seconds, usage.ru_maxrss / 1024, stdout)


def self_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
