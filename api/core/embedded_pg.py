"""A private PostgreSQL cluster run from the machine's PostgreSQL binaries.

Used by ``pirep dev`` (data kept under ``.pirep/postgres``) and by the test suite (a throwaway
cluster per run). As root, PostgreSQL refuses to run, so the server runs as the ``postgres``
system user.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from api.core.errors import PirepError
from api.core.settings import Settings

POSTGRES_MAJOR = 15
_SEARCH_DIRS = (Path("/usr/lib/postgresql"), Path("/usr/local/pgsql"))


class EmbeddedPostgresError(PirepError):
    status_code = 503
    error = "EmbeddedPostgresError"


def find_free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """Whether nothing listens on ``127.0.0.1:port`` (a port in TIME_WAIT counts as free)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def newest_tool(name: str) -> Path | None:
    """The newest installed PostgreSQL program ``name`` (pg_dump, pg_restore: they must not
    be older than the server they talk to), else the one on the PATH."""
    found = [
        directory / name
        for base in _SEARCH_DIRS
        if base.is_dir()
        for directory in (version / "bin" for version in base.iterdir())
        if (directory / name).exists()
    ]
    found.sort(key=lambda path: _version(path.parent.parent.name), reverse=True)
    on_path = shutil.which(name)
    return found[0] if found else Path(on_path) if on_path else None


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)) or (0,)


def find_bin_dir(major: int = POSTGRES_MAJOR) -> Path:
    """The directory holding ``initdb`` and ``pg_ctl`` of PostgreSQL ``major``."""
    candidates = [base / str(major) / "bin" for base in _SEARCH_DIRS]
    pg_config = shutil.which("pg_config")
    if pg_config:
        output = subprocess.run(
            [pg_config, "--version", "--bindir"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
        lines = output.stdout.split("\n")
        if output.returncode == 0 and lines[0].split()[1].split(".")[0] == str(major):
            candidates.append(Path(lines[1].strip()))
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    raise EmbeddedPostgresError(
        f"PostgreSQL {major} is not installed (no initdb or pg_ctl found). Run `make run`, "
        "which installs it, or set PIREP_DATABASE_URL to use another server."
    )


@dataclass
class EmbeddedPostgres:
    """One cluster in ``base_dir/data``, listening on 127.0.0.1."""

    base_dir: Path
    port: int | None = None
    bin_dir: Path = field(default_factory=find_bin_dir)
    user: str = "postgres"

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def log_file(self) -> Path:
        return self.base_dir / "postgres.log"

    def url(self, database: str = "pirep") -> str:
        """An asyncpg URL for ``database`` on this cluster."""
        if self.port is None:
            raise EmbeddedPostgresError("The embedded PostgreSQL has not been started.")
        return f"postgresql+asyncpg://{self.user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", self.user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
        if check and result.returncode != 0:
            message = (result.stderr or result.stdout).strip().splitlines()
            raise EmbeddedPostgresError(
                f"PostgreSQL command {args[0]} failed: {message[-1] if message else 'no output'}"
                f" (log: {self.log_file})."
            )
        return result

    def reachable(self) -> bool:
        """Whether the server's user can use ``base_dir`` (creating it, owned by that user)."""
        self.base_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            return True
        owner = pwd.getpwnam(self.user)
        os.chown(self.base_dir, owner.pw_uid, owner.pw_gid)
        probe = subprocess.run(
            ["runuser", "-u", self.user, "--", "test", "-w", str(self.base_dir)],
            check=False,
            timeout=10,
        )
        return probe.returncode == 0

    def _prepare_directory(self) -> None:
        if not self.reachable():
            raise EmbeddedPostgresError(
                f"The {self.user} system user cannot reach {self.base_dir}: one of its parent "
                "directories is not traversable. Move the project, or set PIREP_DATA_DIR to a "
                "directory under /tmp or /var/lib."
            )

    def _binary_major(self) -> int:
        output = self._run("postgres", "--version").stdout
        return int(output.split()[-1].split(".")[0])

    def initialise(self) -> bool:
        """Create the cluster unless it exists; return whether it was created."""
        self._prepare_directory()
        version_file = self.data_dir / "PG_VERSION"
        if version_file.exists():
            data_major = int(version_file.read_text().strip())
            binary_major = self._binary_major()
            if data_major != binary_major:
                raise EmbeddedPostgresError(
                    f"{self.data_dir} holds a PostgreSQL {data_major} cluster but the installed "
                    f"binaries are PostgreSQL {binary_major}. Remove that directory to start "
                    "afresh, or install PostgreSQL "
                    f"{data_major}."
                )
            return False
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            self.user,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        return True

    def is_running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data_dir), "status", check=False).returncode == 0

    def start(self, *, fast: bool = False) -> None:
        """Start the server on ``self.port`` (a free port when unset), stopping a stale one."""
        if self.is_running():
            self.stop()
        if self.port is None:
            self.port = find_free_port()
        elif not port_is_free(self.port):
            raise EmbeddedPostgresError(
                f"Port {self.port} is already in use; choose another with "
                "PIREP_EMBEDDED_POSTGRES_PORT or stop what listens there."
            )
        options = [
            f"-p {self.port}",
            f"-k {self.base_dir}",
            "-c listen_addresses=127.0.0.1",
            "-c max_connections=200",
            "-c shared_buffers=256MB",
        ]
        if fast:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            "60",
            "-o",
            " ".join(options),
            "start",
        )

    def running_port(self) -> int | None:
        """The port of a server already running on this data directory, if any."""
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists() or not self.is_running():
            return None
        lines = pid_file.read_text().splitlines()
        return int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() else None

    def attach_or_start(self) -> bool:
        """Use the server already running here, or start one; return whether we started it."""
        port = self.running_port()
        if port is not None:
            self.port = port
            return False
        self.start()
        return True

    def stop(self) -> None:
        """Stop the server, waiting for it to shut down cleanly."""
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop", check=False)

    def create_database(self, name: str) -> None:
        """Create ``name`` unless it exists."""
        query = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"  # noqa: S608
        exists = self._psql("postgres", query).strip() == "1"
        if not exists:
            self._psql("postgres", f'CREATE DATABASE "{name}"')

    def _psql(self, database: str, sql: str) -> str:
        return self._run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            self.user,
            "-d",
            database,
            "-XAtq",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ).stdout


DATABASE_NAME = "pirep"
FALLBACK_ROOT = Path("/var/lib/pirep")


@contextmanager
def database_settings(settings: Settings, say: Callable[[str], None]) -> Iterator[Settings]:
    """Settings with a database: the configured server, or the embedded cluster.

    The embedded cluster lives in ``settings.data_dir / "postgres"``; a server already running
    there (another ``pirep`` command) is shared, otherwise one is started and stopped on exit.
    """
    if settings.database_url:
        yield settings
        return
    cluster = EmbeddedPostgres(settings.data_dir / "postgres", port=settings.embedded_postgres_port)
    if not cluster.reachable():
        # As root the server runs as the postgres user, who cannot enter e.g. /root/project.
        key = hashlib.sha256(str(settings.data_dir.resolve()).encode()).hexdigest()[:12]
        fallback = FALLBACK_ROOT / key / "postgres"
        FALLBACK_ROOT.mkdir(mode=0o755, parents=True, exist_ok=True)
        say(
            f"The {cluster.user} user cannot reach {cluster.base_dir}; keeping the cluster in "
            f"{fallback} instead."
        )
        cluster = EmbeddedPostgres(fallback, port=settings.embedded_postgres_port)
    if cluster.initialise():
        say(f"Created a PostgreSQL cluster in {cluster.data_dir}.")
    started = cluster.attach_or_start()
    try:
        cluster.create_database(DATABASE_NAME)
        url = cluster.url(DATABASE_NAME)
        say(f"PostgreSQL is running on 127.0.0.1:{cluster.port} (database {DATABASE_NAME}).")
        # Child processes (an importer started from the admin API, server workers) use it too.
        os.environ["PIREP_DATABASE_URL"] = url
        yield settings.model_copy(update={"database_url": url})
    finally:
        if started:
            cluster.stop()
            say("PostgreSQL stopped.")
