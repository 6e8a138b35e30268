"""The GeoLite2 database refresh, against a local server answering as MaxMind's downloads."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import maxminddb
import pytest

from api.core.settings import Settings
from api.jobs import geoip
from tests.api.test_pageviews import SEATTLE, geoip_database
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
