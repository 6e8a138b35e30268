"""`pirep s3-sync`: the photos of the storage bucket (moto) copied to a local directory."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.aws import Aws
from tests.ops.support import Pirep, said


def test_photos_are_copied_once_and_nothing_else_is(pirep: Pirep, aws: Aws, tmp_path: Path) -> None:
    bucket = f"ops-assets-{uuid.uuid4().hex[:8]}"
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    photos = {
        "content/photos/PAE/1.jpg": b"jpeg one",
        "content/photos/PAE/2.png": b"png two",
        "content/photos/S43/3.jpg": b"jpeg three",
    }
    for key, body in {**photos, "content/tiles/1/2/3.webp": b"tile"}.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    destination = tmp_path / "photos"
    (destination / "PAE").mkdir(parents=True)
    (destination / "PAE" / "1.jpg").write_bytes(b"JPEG ONE")  # the same size: kept
    (destination / "PAE" / "2.png").write_bytes(b"short")  # another size: copied again
    env = {"PIREP_STORAGE_BUCKET": bucket, "PIREP_STORAGE_PREFIX": "content/"}

    first = pirep("s3-sync", str(destination), **env)
    assert first.exit_code == 0, first.output
    assert "Copied 2 photos" in said(first)
    assert "skipped 1 already there" in said(first)
    files = {
        path.relative_to(destination).as_posix(): path.read_bytes()
        for path in destination.rglob("*")
        if path.is_file()
    }
    assert files == {"PAE/1.jpg": b"JPEG ONE", "PAE/2.png": b"png two", "S43/3.jpg": b"jpeg three"}

    second = pirep("s3-sync", str(destination), **env)
    assert second.exit_code == 0, second.output
    assert "Copied 0 photos" in said(second)
    assert "skipped 3 already there" in said(second)


def test_without_a_bucket_the_photos_are_local(pirep: Pirep, tmp_path: Path) -> None:
    result = pirep("s3-sync", str(tmp_path / "photos"))
    assert result.exit_code == 1
    assert "PIREP_STORAGE_BUCKET is not set" in said(result)
    missing = pirep("s3-sync", str(tmp_path / "photos"), PIREP_STORAGE_BUCKET="ops-no-bucket")
    assert missing.exit_code == 1
    assert "The bucket 'ops-no-bucket' does not exist: set PIREP_STORAGE_BUCKET" in said(missing)
