"""Shared pieces of the benchmarks: a private PostgreSQL cluster and the data set."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config

from api.core.embedded_pg import EmbeddedPostgres, find_free_port
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


BENCH_SECONDS = int(os.environ.get("PIREP_BENCH_SECONDS", "10"))
# Each measurement follows a run of this many seconds that is not counted: it opens the
# server's pooled connections and prepares its statements, once per process in service.
WARM_UP_SECONDS = int(os.environ.get("PIREP_BENCH_WARM_UP_SECONDS", "2"))


ROTATE_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = (i %% #paths) + 1
  return wrk.format(%s, paths[i], {%s}, %s)
end
"""


def _lua_list(items: list[str]) -> str:
    return ", ".join(json.dumps(item) for item in items)


def wrk(
    url: str,
    connections: int,
    paths: list[str],
    headers: dict[str, str],
    method: str = "GET",
    body: str | None = None,
) -> dict[str, float]:
    header_lua = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            ROTATE_SCRIPT
            % (
                _lua_list(paths),
                json.dumps(method),
                header_lua,
                json.dumps(body) if body else "nil",
            )
        )

    def run(seconds: int) -> str:
        args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name]
        return subprocess.run(
            [*args, url], capture_output=True, text=True, check=True, timeout=120
        ).stdout

    if WARM_UP_SECONDS:
        run(WARM_UP_SECONDS)
    output = run(BENCH_SECONDS)
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _latency(output, "50%")
    p99 = _latency(output, "99%")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "errors": float(errors.group(1)) if errors else 0,
    }


def _latency(output: str, percentile: str) -> float:
    match = re.search(rf"{re.escape(percentile)}\s+([\d.]+)(us|ms|s)", output)
    assert match is not None, output
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            sys.exit("The API server exited during start-up.")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    sys.exit("The API server did not start.")


@contextmanager
def uvicorn_server(app_factory: str, env: dict[str, str]) -> Iterator[str]:
    """One uvicorn worker serving ``app_factory`` on a free local port; yields its base URL."""
    port = find_free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app_factory,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env={**os.environ, **env},
    )
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def load_full_scale(url: str, directory: Path, countries: str = "CA") -> ProcessRun:
    """Import the full-scale cycle's airports (and OurAirports' ``countries``) into ``url``."""
    return run_measured(
        [sys.executable, "-m", "importer", "run", "--products", "airports",
         "--source-dir", str(directory), "--cycle", CYCLE, "--countries", countries, "--json"],
        {"PIREP_DATABASE_URL": url},
    )  # fmt: skip
