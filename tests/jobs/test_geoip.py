"""The GeoLite2 database refresh, against a local server answering as MaxMind's downloads."""

from __future__ import annotations

import asyncio
import io
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import maxminddb
import pytest

from api.core.geoip import SHARED_KEY, GeoLocator, follow_shared, shared_store
from api.core.settings import Settings
from api.jobs import geoip
from tests.api.test_pageviews import SEATTLE, geoip_database
from tests.aws import Aws
from tests.local_http import Handler, local_server

FIXTURE = Path(__file__).parents[1] / "fixtures" / "maxmind" / "geolite2_city_stub.tar.gz"


class MaxMind(Handler):
    archive: ClassVar[bytes] = b""
    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        MaxMind.asked.append(self.path)
        self.send_body(MaxMind.archive, "application/gzip")


def archive_of(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        member = tarfile.TarInfo(name)
        member.size = len(data)
        tar.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture
def maxmind(tmp_path: Path) -> Iterator[Callable[[bytes], Settings]]:
    MaxMind.asked = []
    with local_server(MaxMind) as base:

        def serving(archive: bytes) -> Settings:
            MaxMind.archive = archive
            return Settings(
                data_dir=tmp_path,
                maxmind_license_key="licence-123",
                maxmind_download_url=base + "/geoip_download?license_key={key}&suffix=tar.gz",
            )

        yield serving


async def test_a_new_database_is_installed_whole(
    maxmind: Callable[[bytes], Settings], tmp_path: Path
) -> None:
    database = geoip_database(tmp_path / "built.mmdb").read_bytes()
    settings = maxmind(archive_of("GeoLite2-City_20261124/GeoLite2-City.mmdb", database))

    assert await geoip.refresh_geoip(settings) == "installed"

    assert MaxMind.asked == ["/geoip_download?license_key=licence-123&suffix=tar.gz"]
    with maxminddb.open_database(str(settings.geoip_path)) as reader:
        found = reader.get("203.0.113.9")
    assert isinstance(found, dict)
    assert (found["location"]["latitude"], found["location"]["longitude"]) == SEATTLE
    assert list(settings.geoip_path.parent.glob("*.part")) == []


@pytest.mark.parametrize(
    "archive",
    [
        pytest.param(FIXTURE.read_bytes(), id="the original's stub (not a real database)"),
        pytest.param(archive_of("README.txt", b"no database here"), id="no database"),
        pytest.param(b"<html>Invalid license key</html>", id="not an archive"),
    ],
)
async def test_a_bad_download_keeps_the_database_in_place(
    maxmind: Callable[[bytes], Settings], tmp_path: Path, archive: bytes
) -> None:
    settings = maxmind(archive)
    settings.geoip_path.parent.mkdir(parents=True)
    settings.geoip_path.write_bytes(b"the database in use")

    with pytest.raises(geoip.GeoipArchiveError):
        await geoip.refresh_geoip(settings)

    assert settings.geoip_path.read_bytes() == b"the database in use"
    assert list(settings.geoip_path.parent.glob("*.part")) == []


async def test_without_a_licence_key_nothing_is_asked(tmp_path: Path) -> None:
    assert await geoip.refresh_geoip(Settings(data_dir=tmp_path)) == "skipped"


async def test_in_production_the_web_processes_get_the_workers_database_from_s3(
    maxmind: Callable[[bytes], Settings], tmp_path: Path, aws: Aws
) -> None:
    bucket = f"geoip-{uuid.uuid4().hex[:8]}"
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    database = geoip_database(tmp_path / "built.mmdb").read_bytes()
    worker = maxmind(archive_of("GeoLite2-City_20261124/GeoLite2-City.mmdb", database))
    shared = {"storage_bucket": bucket, "storage_prefix": "content/", "aws_endpoint_url": aws.url}
    worker = worker.model_copy(update=shared)

    # A bad download shares nothing.
    MaxMind.archive = archive_of("README.txt", b"no database here")
    with pytest.raises(geoip.GeoipArchiveError):
        await geoip.refresh_geoip(worker)
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)

    MaxMind.archive = archive_of("GeoLite2-City_20261124/GeoLite2-City.mmdb", database)
    assert await geoip.refresh_geoip(worker) == "installed"
    # Private: outside the prefix the CDN serves.
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [SHARED_KEY]
    assert not SHARED_KEY.startswith("content/")

    # A web process on another disk copies it at start, and again when it changes.
    web_disk = tmp_path / "web"
    locator = GeoLocator(web_disk / "GeoLite2-City.mmdb")
    assert locator.locate("203.0.113.9") is None
    store = shared_store(worker.model_copy(update={"data_dir": web_disk}))
    assert store is not None
    following = asyncio.create_task(follow_shared(locator, store, every=0.05))
    try:
        for _ in range(100):
            if locator.locate("203.0.113.9") is not None:
                break
            await asyncio.sleep(0.05)
        assert locator.locate("203.0.113.9") == SEATTLE
        s3.put_object(Bucket=bucket, Key=SHARED_KEY, Body=b"not a database at all")
        await asyncio.sleep(0.3)  # a bad file in the bucket leaves the copy in use
        locator.recheck()
        assert locator.locate("203.0.113.9") == SEATTLE
    finally:
        following.cancel()
