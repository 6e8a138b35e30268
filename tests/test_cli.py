"""The `pirep` command as a new user runs it: `pirep dev` (what `make run` starts) and `db seed`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.core.embedded_pg import find_free_port

PIREP = [sys.executable, "-m", "api.cli"]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - a local server
        return response.status, response.read()


def _start_dev(data_dir: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIREP_")}
    env["PIREP_DATA_DIR"] = str(data_dir)
    return subprocess.Popen(
        [*PIREP, "dev", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for_health(process: subprocess.Popen[str], port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"pirep dev exited early:\n{output}")
        try:
            if _get(f"http://127.0.0.1:{port}/health")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("pirep dev did not answer /health in time")


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    return output


@pytest.fixture
def data_dir() -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="pirep-dev-"))
    directory.chmod(0o755)  # the postgres user must reach the cluster inside
    yield directory
    subprocess.run(["pkill", "-f", str(directory)], check=False)
    shutil.rmtree(directory, ignore_errors=True)


def test_dev_serves_the_sample_data_and_stops_cleanly(data_dir: Path) -> None:
    port = find_free_port()
    process = _start_dev(data_dir, port)
    try:
        _wait_for_health(process, port)
        status, body = _get(f"http://127.0.0.1:{port}/api/v1/airports/KPAE")
        assert status == 200
        assert json.loads(body)["code"] == "PAE"
        status, body = _get(f"http://127.0.0.1:{port}/api/v1/docs")
        assert status == 200
        assert b"swagger" in body.lower()
        # The map opens over the sample's airports.
        view = json.loads(_get(f"http://127.0.0.1:{port}/api/v1/meta")[1])["client"]
        assert view["initial_view"] == {"latitude": 47.75, "longitude": -122.25, "zoom": 8.5}
        # The job worker runs beside the API, on the same database.
        worker_log = data_dir / "logs" / "worker.log"
        deadline = time.monotonic() + 30
        while "The job worker is running" not in (
            worker_log.read_text() if worker_log.exists() else ""
        ):
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.2)
    finally:
        output = _stop(process)
    assert process.returncode == 0, output
    assert "Loaded 3,020 airports" in output
    assert "The job worker runs beside the API" in output
    assert "Traceback" not in (data_dir / "logs" / "worker.log").read_text()
    assert "PostgreSQL stopped." in output
    assert "Traceback" not in output

    # The next start reuses the data: no second import.
    process = _start_dev(data_dir, port)
    try:
        _wait_for_health(process, port)
    finally:
        output = _stop(process)
    assert process.returncode == 0, output
    assert "Loading the sample data" not in output


def test_dev_says_clearly_when_the_port_is_taken(data_dir: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _start_dev(data_dir, port)
        output, _ = process.communicate(timeout=120)
    assert process.returncode == 1
    assert f"Port {port} is already in use" in output
    assert "Traceback" not in output


def test_db_seed_creates_the_first_admin_once(fresh_database: str) -> None:
    env = {**os.environ, "PIREP_DATABASE_URL": fresh_database}
    first = subprocess.run(
        [*PIREP, "db", "seed"], env=env, capture_output=True, text=True, timeout=120
    )
    assert first.returncode == 0, first.stderr
    assert "email:    admin@pirep.local" in first.stdout
    password = first.stdout.split("password:")[1].split()[0]
    assert len(password) >= 16
    second = subprocess.run(
        [*PIREP, "db", "seed"], env=env, capture_output=True, text=True, timeout=120
    )
    assert second.returncode == 0
    assert "already exists" in second.stderr
    assert "password" not in second.stdout


async def test_seeded_password_is_the_stored_hash(fresh_database: str) -> None:
    import asyncio

    import sqlalchemy as sa
    from sqlalchemy.ext.asyncio import create_async_engine

    from api.core.passwords import verify_password

    env = {**os.environ, "PIREP_DATABASE_URL": fresh_database}
    result = await asyncio.to_thread(
        subprocess.run,
        [*PIREP, "db", "seed"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    password = result.stdout.split("password:")[1].split()[0]
    engine = create_async_engine(fresh_database)
    async with engine.connect() as connection:
        stored = await connection.scalar(
            sa.text("SELECT password_hash FROM users WHERE role = 'admin'")
        )
    await engine.dispose()
    assert stored.startswith("$argon2")
    assert verify_password(password, stored)
    assert not verify_password(password + "x", stored)
