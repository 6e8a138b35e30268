"""The embedded PostgreSQL cluster: its lifecycle and its clear messages."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.core.embedded_pg import EmbeddedPostgres, EmbeddedPostgresError, find_bin_dir


@pytest.fixture
def base_dir() -> Iterator[Path]:
    # Not under pytest's tmp_path: as root, the postgres user must be able to reach it.
    directory = Path(tempfile.mkdtemp(prefix="pirep-embedded-"))
    directory.chmod(0o755)
    yield directory / "postgres"
    subprocess.run(["pkill", "-f", str(directory)], check=False)
    shutil.rmtree(directory, ignore_errors=True)


def _psql(cluster: EmbeddedPostgres, sql: str) -> str:
    return cluster._psql("postgres", sql).strip()


def test_data_survives_a_restart_and_a_second_user_attaches(base_dir: Path) -> None:
    cluster = EmbeddedPostgres(base_dir)
    assert cluster.initialise() is True
    assert cluster.attach_or_start() is True
    try:
        _psql(cluster, "CREATE TABLE kept (value int); INSERT INTO kept VALUES (42)")
        other = EmbeddedPostgres(base_dir)
        assert other.initialise() is False
        assert other.attach_or_start() is False
        assert other.port == cluster.port
        cluster.stop()
        assert not cluster.is_running()
        cluster.port = None
        cluster.start()
        assert _psql(cluster, "SELECT value FROM kept") == "42"
    finally:
        cluster.stop()


def test_a_taken_port_is_a_clear_error(base_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cluster = EmbeddedPostgres(base_dir, port=port)
        cluster.initialise()
        with pytest.raises(EmbeddedPostgresError, match=f"Port {port} is already in use"):
            cluster.start()


def test_a_cluster_of_another_version_is_a_clear_error(base_dir: Path) -> None:
    cluster = EmbeddedPostgres(base_dir)
    cluster.initialise()
    (cluster.data_dir / "PG_VERSION").write_text("14\n")
    with pytest.raises(EmbeddedPostgresError, match="holds a PostgreSQL 14 cluster"):
        cluster.initialise()


def test_missing_binaries_are_a_clear_error() -> None:
    with pytest.raises(EmbeddedPostgresError, match="PostgreSQL 99 is not installed"):
        find_bin_dir(99)


def test_a_directory_the_server_user_cannot_reach_is_a_clear_error() -> None:
    private = Path(tempfile.mkdtemp(prefix="pirep-private-"))
    try:
        private.chmod(0o700)
        cluster = EmbeddedPostgres(private / "nested" / "postgres")
        if os.geteuid() == 0:
            # The server runs as the postgres user, who cannot enter a root-only directory.
            with pytest.raises(EmbeddedPostgresError, match="cannot reach"):
                cluster.initialise()
        else:
            # Run as the directory's owner, the same layout works.
            assert cluster.initialise() is True
    finally:
        shutil.rmtree(private, ignore_errors=True)
