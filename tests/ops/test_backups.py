"""`pirep db backup`, `db download`, `db restore` and `db snapshot`: pg_dump and pg_restore of
the installed PostgreSQL against the test cluster, S3 and RDS of moto."""

from __future__ import annotations

import re
import subprocess
import uuid
from pathlib import Path

import pytest

from api.ops.backups import postgres_tool
from tests.aws import Aws
from tests.ops.support import Pirep, said, sql


@pytest.fixture
def bucket(aws: Aws) -> str:
    name = f"ops-backups-{uuid.uuid4().hex[:8]}"
    aws.client("s3").create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    return name


def keys(aws: Aws, bucket: str) -> list[str]:
    answer = aws.client("s3").list_objects_v2(Bucket=bucket)
    return [item["Key"] for item in answer.get("Contents", [])]


def test_a_backup_downloaded_and_restored_brings_the_data_back(
    pirep: Pirep, aws: Aws, bucket: str, fresh_database: str, tmp_path: Path
) -> None:
    sql(
        fresh_database,
        "CREATE TABLE ops_marker (note text)",
        "INSERT INTO ops_marker VALUES ('kept')",
    )
    env = {"PIREP_DATABASE_URL": fresh_database, "PIREP_BACKUPS_BUCKET": bucket}

    backup = pirep("db", "backup", **env)
    assert backup.exit_code == 0, backup.output
    [key] = keys(aws, bucket)
    assert re.fullmatch(r"backups/pirep-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.dump", key)
    assert f"s3://{bucket}/{key}" in backup.stdout

    downloaded = pirep("db", "download", "--output", str(tmp_path), **env)
    assert downloaded.exit_code == 0, downloaded.output
    dump = tmp_path / key.removeprefix("backups/")
    assert downloaded.stdout.strip() == str(dump)
    listing = subprocess.run(
        [str(postgres_tool("pg_restore")), "--list", str(dump)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "TABLE public ops_marker" in listing
    assert "TABLE public airports" in listing

    sql(fresh_database, "DROP TABLE ops_marker")
    refused = pirep("db", "restore", str(dump), **env)
    assert refused.exit_code == 1
    assert "pass --yes" in said(refused)
    restored = pirep("db", "restore", str(dump), "--yes", **env)
    assert restored.exit_code == 0, restored.output
    assert sql(fresh_database, "SELECT note FROM ops_marker") == "kept"


def test_a_failing_pg_dump_uploads_nothing(
    pirep: Pirep, aws: Aws, bucket: str, fresh_database: str
) -> None:
    missing = fresh_database.rsplit("/", 1)[0] + "/no_such_database"
    result = pirep("db", "backup", PIREP_DATABASE_URL=missing, PIREP_BACKUPS_BUCKET=bucket)
    assert result.exit_code == 1
    assert "pg_dump failed" in said(result)
    assert "no_such_database" in said(result)
    assert "Traceback" not in result.output
    assert keys(aws, bucket) == []


def test_a_missing_bucket_is_said_before_anything_is_dumped(
    pirep: Pirep, fresh_database: str
) -> None:
    result = pirep(
        "db",
        "backup",
        PIREP_DATABASE_URL=fresh_database,
        PIREP_BACKUPS_BUCKET="ops-no-such-bucket",
    )
    assert result.exit_code == 1
    assert "The bucket 'ops-no-such-bucket' does not exist" in said(result)
    assert "set PIREP_BACKUPS_BUCKET" in said(result)


def test_downloads_offer_the_newest_backup_first(
    pirep: Pirep, aws: Aws, bucket: str, tmp_path: Path
) -> None:
    empty = pirep("db", "download", PIREP_BACKUPS_BUCKET=bucket)
    assert empty.exit_code == 1
    assert f"There are no backups in s3://{bucket}/backups/" in said(empty)

    s3 = aws.client("s3")
    for month in ("01", "02"):
        s3.put_object(
            Bucket=bucket, Key=f"backups/pirep-2026-{month}-01T00-00-00Z.dump", Body=month.encode()
        )
    s3.put_object(Bucket=bucket, Key="backups/notes.txt", Body=b"not a dump")

    newest = pirep("db", "download", "--output", str(tmp_path), PIREP_BACKUPS_BUCKET=bucket)
    assert newest.exit_code == 0, newest.output
    assert (tmp_path / "pirep-2026-02-01T00-00-00Z.dump").read_bytes() == b"02"

    target = tmp_path / "january.dump"
    named = pirep(
        "db",
        "download",
        "pirep-2026-01-01T00-00-00Z.dump",
        "--output",
        str(target),
        PIREP_BACKUPS_BUCKET=bucket,
    )
    assert named.exit_code == 0, named.output
    assert target.read_bytes() == b"01"
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "january.dump",
        "pirep-2026-02-01T00-00-00Z.dump",
    ]

    unknown = pirep("db", "download", "pirep-1999.dump", PIREP_BACKUPS_BUCKET=bucket)
    assert unknown.exit_code == 1
    assert "There is no backup pirep-1999.dump" in said(unknown)


def test_restores_go_to_a_local_database_only(pirep: Pirep, tmp_path: Path) -> None:
    dump = tmp_path / "pirep.dump"
    dump.write_bytes(b"PGDMP")
    result = pirep(
        "db",
        "restore",
        str(dump),
        "--yes",
        PIREP_DATABASE_URL="postgresql://pirep:secret@pirep-production.rds.example.com/pirep",
    )
    assert result.exit_code == 1
    assert "Refusing to restore into pirep on pirep-production.rds.example.com" in said(result)
    assert "secret" not in result.output


def test_a_snapshot_is_taken_and_waited_for(pirep: Pirep, aws: Aws) -> None:
    rds = aws.client("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="ops-db",
        Engine="postgres",
        DBInstanceClass="db.t4g.micro",
        AllocatedStorage=20,
        MasterUsername="pirep",
        MasterUserPassword="not-a-secret-0",
    )
    result = pirep("db", "snapshot", PIREP_RDS_INSTANCE="ops-db")
    assert result.exit_code == 0, result.output
    identifier = result.stdout.strip()
    assert identifier.startswith("ops-db-20")
    [snapshot] = rds.describe_db_snapshots(DBSnapshotIdentifier=identifier)["DBSnapshots"]
    assert snapshot["Status"] == "available"
    assert snapshot["DBInstanceIdentifier"] == "ops-db"

    missing = pirep("db", "snapshot", PIREP_RDS_INSTANCE="ops-no-such-db")
    assert missing.exit_code == 1
    assert "There is no RDS instance 'ops-no-such-db'" in said(missing)
