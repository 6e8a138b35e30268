"""Database backups: pg_dump to the backups bucket, downloads, local restores, RDS snapshots."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from api.core.embedded_pg import newest_tool
from api.ops.aws import OpsProblem

if TYPE_CHECKING:
    from mypy_boto3_rds import RDSClient
    from mypy_boto3_s3 import S3Client

BACKUP_PREFIX = "backups/"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Backup:
    key: str
    size: int
    modified: datetime


def backup_key(now: datetime) -> str:
    """``backups/pirep-2026-11-26T13-45-00Z.dump`` for ``now`` (UTC)."""
    return f"{BACKUP_PREFIX}pirep-{now.astimezone(UTC):%Y-%m-%dT%H-%M-%SZ}.dump"


def snapshot_id(instance: str, now: datetime) -> str:
    """A DB snapshot identifier: letters, digits and single hyphens, starting with a letter."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", f"{instance}-{now.astimezone(UTC):%Y-%m-%d-%H-%M-%S}")
    return name.strip("-") if name[:1].isalpha() else f"pirep-{name.strip('-')}"


def postgres_tool(name: str) -> Path:
    """The newest installed ``pg_dump`` or ``pg_restore``."""
    found = newest_tool(name)
    if found is None:
        raise OpsProblem(
            f"{name} was not found: install the PostgreSQL client (postgresql-client)."
        )
    return found


def libpq_connection(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it (so
    that it shows in no process list)."""
    url = make_url(database_url)
    environment = {}
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    ssl = url.query.get("sslmode") or url.query.get("ssl")
    if isinstance(ssl, str):
        environment["PGSSLMODE"] = {"true": "require", "false": "disable"}.get(ssl, ssl)
    plain = url.set(drivername="postgresql", password=None, query={})
    return plain.render_as_string(hide_password=False), environment


def is_local(database_url: str) -> bool:
    """Whether the database is on this machine (a loopback address or a Unix socket)."""
    url = make_url(database_url)
    host = url.host or str(url.query.get("host") or "")
    return not host or host in LOCAL_HOSTS or host.startswith("/")


def database_name(database_url: str) -> str:
    url = make_url(database_url)
    return f"{url.database} on {url.host or 'the local socket'}"


def dump(database_url: str, target: Path, progress: Progress) -> None:
    """``pg_dump --format=custom`` into ``target``, telling ``progress`` how many bytes are
    written so far; a failure leaves nothing behind."""
    connection, environment = libpq_connection(database_url)
    command = [
        str(postgres_tool("pg_dump")),
        "--format=custom",
        "--no-password",
        f"--file={target}",
        f"--dbname={connection}",
    ]

    def written() -> None:
        if target.exists():
            progress(target.stat().st_size)

    try:
        _run(command, environment, "pg_dump", written)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def restore(database_url: str, dump_file: Path) -> None:
    """``pg_restore --clean --if-exists --no-owner`` of ``dump_file`` into the database
    (without the grants, whose roles a local server does not have)."""
    connection, environment = libpq_connection(database_url)
    command = [
        str(postgres_tool("pg_restore")),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--no-password",
        f"--dbname={connection}",
        str(dump_file),
    ]
    _run(command, environment, "pg_restore", lambda: None)


def _run(
    command: list[str], environment: dict[str, str], name: str, tick: Callable[[], None]
) -> None:
    """Run a PostgreSQL tool, calling ``tick`` now and then; its last error line on failure."""
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(
            command,
            env={**os.environ, **environment},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            text=True,
        )
        try:
            while True:
                try:
                    returncode = process.wait(timeout=0.25)
                    break
                except subprocess.TimeoutExpired:
                    tick()
        finally:
            if process.poll() is None:  # interrupted: the tool must not outlive the command
                process.terminate()
                process.wait()
        tick()
        errors.seek(0)
        lines = [line for line in errors.read().splitlines() if line.strip()]
    if returncode != 0:
        raise OpsProblem(
            f"{name} failed (exit code {returncode}): {lines[-1] if lines else 'no message'}"
        )


def upload(s3: S3Client, source: Path, bucket: str, key: str, progress: Progress) -> None:
    """Upload a file (in parts when large)."""
    with source.open("rb") as stream:
        s3.upload_fileobj(stream, bucket, key, Callback=progress)


def backups(s3: S3Client, bucket: str) -> list[Backup]:
    """The dumps in the bucket, newest first."""
    found = [
        Backup(item["Key"], item.get("Size", 0), item["LastModified"])
        for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=BACKUP_PREFIX
        )
        for item in page.get("Contents", [])
        if item["Key"].endswith(".dump")
    ]
    return sorted(found, key=lambda backup: (backup.modified, backup.key), reverse=True)


def create_snapshot(rds: RDSClient, instance: str, identifier: str, timeout_seconds: int) -> str:
    """Snapshot the instance and wait until the snapshot is available; return its ARN."""
    from botocore.exceptions import ClientError, WaiterError

    try:
        answer = rds.create_db_snapshot(
            DBSnapshotIdentifier=identifier, DBInstanceIdentifier=instance
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "DBInstanceNotFound":
            raise OpsProblem(
                f"There is no RDS instance {instance!r}: set PIREP_RDS_INSTANCE to the "
                "database instance."
            ) from None
        raise
    delay = 15
    try:
        rds.get_waiter("db_snapshot_available").wait(
            DBSnapshotIdentifier=identifier,
            WaiterConfig={"Delay": delay, "MaxAttempts": max(1, timeout_seconds // delay)},
        )
    except WaiterError as error:
        raise OpsProblem(
            f"The snapshot {identifier} was not available within {timeout_seconds} seconds "
            f"({error.last_response.get('Error', {}).get('Message') or 'still being created'}); "
            "it may still finish: see the RDS console."
        ) from None
    return answer["DBSnapshot"].get("DBSnapshotArn", identifier)
