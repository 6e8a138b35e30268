"""The charts product of an import run, end to end, and the faults it must survive."""

from __future__ import annotations

import asyncio
import errno
import os
import shutil
import signal
import sys
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio
from boto3.exceptions import S3UploadFailedError
from botocore.exceptions import ClientError
from pmtiles.tile import deserialize_header

from api.core.cycles import Product
from api.core.errors import PirepError
from api.core.storage import S3Sink
from importer.charts import product as charts_product
from importer.progress import PlainReporter
from importer.run import RunOptions, run_import
from tests.importer.test_run import query
from tests.importer.test_tiler import read_archive

SAMPLE_ZIP = Path(__file__).parents[1] / "fixtures" / "charts_test.zip"
CYCLE = date(2024, 12, 26)
NEXT_CYCLE = date(2025, 2, 20)
CHARTS = (Product.CHARTS,)


@pytest.fixture
def chart_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "sources"
    directory.mkdir()
    shutil.copy(SAMPLE_ZIP, directory / "charts_test.zip")
    return directory


@pytest.fixture
def chart_settings(settings_for: Any, fresh_database: str, tmp_path: Path) -> Any:
    return settings_for(
        fresh_database,
        chart_catalogue="sample",
        storage_dir=tmp_path / "storage",
        tile_processes=1,
    )


def run_options(source_dir: Path, cycle: date = CYCLE, **values: Any) -> RunOptions:
    return RunOptions(products=CHARTS, source_dir=source_dir, cycle=cycle, force=True, **values)


async def active_charts(url: str) -> list[Any]:
    return await query(url, "SELECT cycle, details FROM faa_data_cycles WHERE product = 'charts'")


def archive(root: Path, cycle: date = CYCLE) -> Path:
    return root / "tiles" / cycle.isoformat() / "sectional.pmtiles"


def tiles(root: Path, cycle: date = CYCLE) -> dict[tuple[int, int, int], bytes]:
    """The tiles of the cycle's sectional archive; none when there is no archive."""
    path = archive(root, cycle)
    return read_archive(path) if path.exists() else {}


def manifest(root: Path, cycle: date = CYCLE) -> Path:
    return root / "tiles" / cycle.isoformat() / "sectional.pmtiles.json"


async def test_a_chart_cycle_is_tiled_then_activated(chart_settings: Any, chart_dir: Path) -> None:
    result = await run_import(chart_settings, run_options(chart_dir), PlainReporter())

    assert result.cycles == {"charts": "2024-12-26"}
    counts = result.counts["charts"]["sectional"]
    written = tiles(chart_settings.storage_root)
    assert counts["tiles"] == len(written) > 12
    assert counts["bytes"] == archive(chart_settings.storage_root).stat().st_size
    assert {zoom for zoom, _, _ in written} == set(range(13))
    [(cycle, details)] = await active_charts(chart_settings.database_url)
    assert cycle == CYCLE
    layer = details["layers"]["sectional"]
    assert layer["archive"] == "tiles/2024-12-26/sectional.pmtiles"
    assert (layer["min_zoom"], layer["max_zoom"]) == (0, 12)
    assert layer["bounds"][0] == pytest.approx(-122.393, abs=0.001)
    assert layer["attribution"].startswith("FAA")
    # Each chart's region, for its offline pack.
    assert set(layer["charts"]) == {"charts_test", "inset_test"}
    assert layer["charts"]["charts_test"]["title"] == "Charts Test"
    west, south, east, north = layer["charts"]["charts_test"]["bounds"]
    assert -122.40 < west < east < -122.15
    assert 47.82 < south < north < 47.99
    assert manifest(chart_settings.storage_root).is_file()
    # Only the archive and its manifest: no scratch or partial file is left beside them.
    stored = sorted(path.name for path in (chart_settings.storage_root / "tiles").rglob("*"))
    assert stored == ["2024-12-26", "sectional.pmtiles", "sectional.pmtiles.json"]


async def test_a_rerun_does_not_tile_unchanged_charts_again(
    chart_settings: Any, chart_dir: Path
) -> None:
    await run_import(chart_settings, run_options(chart_dir), PlainReporter())
    before = archive(chart_settings.storage_root).stat().st_mtime_ns
    count = len(tiles(chart_settings.storage_root))
    again = await run_import(chart_settings, run_options(chart_dir), PlainReporter())
    assert again.counts["charts"]["sectional"] == {"tiles": count, "reused": True}
    assert archive(chart_settings.storage_root).stat().st_mtime_ns == before  # not rewritten

    # Another quality is another tile set: tiled again.
    other = chart_settings.model_copy(update={"tile_quality": 40})
    third = await run_import(other, run_options(chart_dir), PlainReporter())
    assert "reused" not in third.counts["charts"]["sectional"]


async def test_a_dry_run_tiles_nothing_and_activates_nothing(
    chart_settings: Any, chart_dir: Path
) -> None:
    result = await run_import(chart_settings, run_options(chart_dir, dry_run=True), PlainReporter())
    assert result.counts["charts"]["sectional"] == {"charts": 2, "would_tile": True}
    assert tiles(chart_settings.storage_root) == {}
    assert await active_charts(chart_settings.database_url) == []


def importer_command(
    settings: Any, tmp_path: Path, source_dir: Path, **environment: str
) -> tuple[list[str], dict[str, str]]:
    """``python -m importer run`` of the charts of CYCLE from ``source_dir``, and its
    environment: these settings, with ``environment`` on top."""
    command = [sys.executable, "-m", "importer", "run", "--products", "charts", "--force"]
    command += ["--source-dir", str(source_dir), "--cycle", CYCLE.isoformat()]
    return command, {
        **os.environ,
        "PIREP_DATABASE_URL": settings.database_url,
        "PIREP_DATA_DIR": str(tmp_path / "data"),
        "PIREP_STORAGE_DIR": str(settings.storage_root),
        "PIREP_CHART_CATALOGUE": "sample",
        **environment,
    }


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return path


def _plain_tiff(path: Path) -> bytes:
    with rasterio.open(
        path, "w", driver="GTiff", width=20, height=20, count=1, dtype="uint8"
    ) as dataset:
        dataset.write(np.ones((20, 20), np.uint8), 1)
    return path.read_bytes()


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("truncated", "charts_test.zip is not a complete zip archive (truncated or corrupt)."),
        ("missing member", "charts_test.zip lacks the member Inset Test SEC.tif."),
        ("no georeferencing", r"Chart sectional/charts_test: /vsizip/"),
        ("missing archive", "The source file charts_test.zip is missing from"),
    ],
)
async def test_a_bad_chart_source_leaves_the_active_cycle_as_it_was(
    chart_settings: Any, chart_dir: Path, tmp_path: Path, fault: str, message: str
) -> None:
    await run_import(chart_settings, run_options(chart_dir), PlainReporter())
    good_tiles = tiles(chart_settings.storage_root)
    bad = tmp_path / "bad"
    bad.mkdir()
    archive = bad / "charts_test.zip"
    if fault == "truncated":
        whole = SAMPLE_ZIP.read_bytes()
        archive.write_bytes(whole[: len(whole) // 2])
    elif fault == "missing member":
        with zipfile.ZipFile(SAMPLE_ZIP) as sample:
            _zip(archive, {"Charts Test SEC.tif": sample.read("Charts Test SEC.tif")})
    elif fault == "no georeferencing":
        plain = _plain_tiff(tmp_path / "plain.tif")
        _zip(archive, {"Charts Test SEC.tif": plain, "Inset Test SEC.tif": plain})

    with pytest.raises(PirepError) as raised:
        await run_import(chart_settings, run_options(bad, NEXT_CYCLE), PlainReporter())
    assert message.split(":")[0] in raised.value.detail or message in raised.value.detail
    if fault == "no georeferencing":
        assert "has no georeferencing" in raised.value.detail
    # The first cycle is still the one readers see, with all its tiles.
    [(cycle, _)] = await active_charts(chart_settings.database_url)
    assert cycle == CYCLE
    assert tiles(chart_settings.storage_root) == good_tiles
    [(status, error)] = await query(
        chart_settings.database_url,
        "SELECT status, error FROM importer_runs ORDER BY created_at DESC LIMIT 1",
    )
    assert status == "failed"
    assert error == raised.value.detail


async def test_a_chart_that_fails_is_named_once_the_others_are_tiled(
    chart_settings: Any, tmp_path: Path
) -> None:
    """The night's import tiles every chart it can, then fails naming the one it could not:
    its exit status and the run record say so, and no cycle is activated."""
    with zipfile.ZipFile(SAMPLE_ZIP) as sample:
        good = sample.read("Charts Test SEC.tif")
        damaged = sample.read("Inset Test SEC.tif")
    bad = tmp_path / "bad"
    bad.mkdir()
    # A valid archive holding a GeoTIFF whose header is whole and whose pixels are cut short.
    _zip(
        bad / "charts_test.zip",
        {"Charts Test SEC.tif": good, "Inset Test SEC.tif": damaged[:20_000]},
    )
    url = chart_settings.database_url
    command, environment = importer_command(chart_settings, tmp_path, bad, PIREP_TILE_PROCESSES="1")
    process = await asyncio.create_subprocess_exec(
        *command, env=environment, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await process.communicate()

    assert process.returncode == 1
    named = "Chart sectional/inset_test: cannot read /vsizip/"
    assert named in " ".join(stderr.decode().split())
    [(status, error)] = await query(url, "SELECT status, error FROM importer_runs")
    assert status == "failed"
    assert error.startswith(named)
    assert "sectional/charts_test" not in error
    assert await active_charts(url) == []
    # No archive of the layer without its inset, and no manifest: a rerun tiles it whole.
    assert not archive(chart_settings.storage_root).exists()
    assert not manifest(chart_settings.storage_root).exists()


class FullDisk:
    """A disk that fills up after ``room`` bytes of the file being written."""

    def __init__(self, room: int) -> None:
        self.room = room

    def copyfile(self, source: Path, target: Path) -> None:
        with open(source, "rb") as reading, open(target, "wb") as writing:
            writing.write(reading.read(self.room))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def write_tile(self, tile_id: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["scratch", "storage"])
async def test_a_full_disk_fails_clearly_and_a_rerun_finishes(
    chart_settings: Any, chart_dir: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """The disk fills up while the archive is written in the scratch directory, or while it is
    copied into storage: a clear error, no cycle, no file readers could take for an archive."""
    root = chart_settings.storage_root
    full = FullDisk(room=1000)
    if where == "scratch":
        monkeypatch.setattr("pmtiles.writer.Writer.write_tile", full.write_tile)
        expected = "Tiling the sectional layer failed: No space left on device."
    else:
        monkeypatch.setattr("api.core.storage.shutil.copyfile", full.copyfile)
        expected = f"Could not write {archive(root)}: No space left on device."
    with pytest.raises(PirepError) as raised:
        await run_import(chart_settings, run_options(chart_dir), PlainReporter())
    assert raised.value.detail == expected
    assert await active_charts(chart_settings.database_url) == []
    assert not archive(root).exists()
    assert [path.name for path in root.rglob("*") if path.is_file()] == []

    monkeypatch.undo()
    result = await run_import(chart_settings, run_options(chart_dir), PlainReporter())
    assert result.counts["charts"]["sectional"]["tiles"] == len(tiles(root))
    assert len(await active_charts(chart_settings.database_url)) == 1


class FlakyS3(S3Sink):
    """S3 that fails every upload of a part of a multipart upload."""

    @property
    def client(self) -> Any:
        real = super().client

        class Refusing:
            def __getattr__(self, name: str) -> Any:
                return getattr(real, name)

            def upload_file(self, path: str, bucket: str, key: str, **options: Any) -> None:
                error = ClientError(
                    {"Error": {"Code": "InternalError", "Message": "Internal error."}},
                    "UploadPart",
                )
                raise S3UploadFailedError(f"Failed to upload {path} to {bucket}/{key}: {error}")

        return Refusing()


async def test_an_upload_error_fails_the_run_and_changes_nothing(
    chart_settings: Any, chart_dir: Path, aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="flaky", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    flaky = FlakyS3("flaky", "content/", endpoint_url=aws.url, attempts=2, backoff_seconds=0.01)
    monkeypatch.setattr(charts_product, "make_sink", lambda settings: flaky)
    with pytest.raises(PirepError) as raised:
        await run_import(chart_settings, run_options(chart_dir), PlainReporter())
    assert raised.value.detail.startswith(
        "Could not upload tiles/2024-12-26/sectional.pmtiles to s3://flaky/content/ after 2 "
        "attempts: Failed to upload "
    )
    assert "(InternalError) when calling the UploadPart operation" in raised.value.detail
    assert await active_charts(chart_settings.database_url) == []
    assert s3.list_objects_v2(Bucket="flaky").get("Contents", []) == []


async def test_a_missing_bucket_is_a_clear_error(
    chart_settings: Any, chart_dir: Path, aws: Any
) -> None:
    settings = chart_settings.model_copy(
        update={"storage_bucket": "no-such-bucket", "aws_endpoint_url": aws.url}
    )
    with pytest.raises(PirepError, match="NoSuchBucket"):
        await run_import(settings, run_options(chart_dir), PlainReporter())
    assert await active_charts(chart_settings.database_url) == []


async def test_charts_go_to_s3_with_their_type_and_cache_headers(
    chart_settings: Any, chart_dir: Path, aws: Any
) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(
        Bucket="pirep-assets", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    settings = chart_settings.model_copy(
        update={"storage_bucket": "pirep-assets", "aws_endpoint_url": aws.url}
    )
    result = await run_import(settings, run_options(chart_dir), PlainReporter())
    listed = s3.list_objects_v2(Bucket="pirep-assets", Prefix="content/tiles/")
    keys = [item["Key"] for item in listed["Contents"]]
    key = "content/tiles/2024-12-26/sectional.pmtiles"
    assert keys == [key, f"{key}.json"]  # one archive per layer, and its manifest
    head = s3.head_object(Bucket="pirep-assets", Key=key)
    assert head["ContentType"] == "application/vnd.pmtiles"
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    # The archive reads back, by byte ranges as a map reads it, with every tile it counted.
    header = deserialize_header(
        s3.get_object(Bucket="pirep-assets", Key=key, Range="bytes=0-126")["Body"].read()
    )
    assert header["addressed_tiles_count"] == result.counts["charts"]["sectional"]["tiles"]


async def test_an_import_killed_mid_archive_leaves_the_active_cycle_untouched(
    chart_settings: Any, chart_dir: Path, tmp_path: Path
) -> None:
    """SIGKILL while the next cycle's archive is being written (the sample tiled down to zoom
    16 makes an archive of tens of thousands of tiles); then the next run finishes it."""
    url = chart_settings.database_url
    root = chart_settings.storage_root
    await run_import(chart_settings, run_options(chart_dir), PlainReporter())
    active = tiles(root)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    command, environment = importer_command(
        chart_settings, tmp_path, chart_dir, PIREP_SECTIONAL_ZOOMS="0-16", TMPDIR=str(scratch)
    )
    command[command.index("--cycle") + 1] = NEXT_CYCLE.isoformat()
    process = await asyncio.create_subprocess_exec(
        *command,
        env=environment,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(3000):
        await asyncio.sleep(0.01)
        # The archive is opened when every tile is made, and filled in tile id order.
        if list(scratch.glob("pirep-archive-*/sectional.pmtiles")):
            break
        if process.returncode is not None:
            pytest.fail("the import ended before its archive could be interrupted")
    else:
        pytest.fail("the import never started writing its archive")
    os.killpg(process.pid, signal.SIGKILL)
    await process.wait()

    [(cycle, details)] = await active_charts(url)
    assert cycle == CYCLE
    assert details["layers"]["sectional"]["max_zoom"] == 12
    assert tiles(root) == active
    assert not archive(root, NEXT_CYCLE).exists()
    assert not manifest(root, NEXT_CYCLE).exists()
    # The killed run stopped reporting: once it is old enough to be presumed dead, a new run
    # starts and tiles the layer again (there is no manifest of a finished layer).
    await query(url, "UPDATE importer_runs SET updated_at = now() - interval '1 hour'")
    process = await asyncio.create_subprocess_exec(
        *command, env=environment, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    [(cycle, details)] = await active_charts(url)
    assert (cycle, details["layers"]["sectional"]["max_zoom"]) == (NEXT_CYCLE, 16)
    statuses = await query(url, "SELECT status FROM importer_runs ORDER BY created_at")
    assert [status for (status,) in statuses] == ["succeeded", "aborted", "succeeded"]


async def test_the_previous_cycle_is_kept_one_cycle_then_deleted(
    chart_settings: Any, chart_dir: Path
) -> None:
    """A map opened before a switch still reads the archive it started with; the cycle before
    that goes."""
    root = chart_settings.storage_root
    third = date(2025, 4, 17)
    await run_import(chart_settings, run_options(chart_dir), PlainReporter())
    await run_import(chart_settings, run_options(chart_dir, NEXT_CYCLE), PlainReporter())
    assert archive(root, CYCLE).exists()
    assert archive(root, NEXT_CYCLE).exists()
    [(_, details)] = await active_charts(chart_settings.database_url)
    assert details["kept"] == [
        "tiles/2024-12-26/sectional.pmtiles",
        "tiles/2024-12-26/sectional.pmtiles.json",
    ]
    # The same cycle imported again keeps what it kept.
    await run_import(chart_settings, run_options(chart_dir, NEXT_CYCLE), PlainReporter())
    assert archive(root, CYCLE).exists()

    await run_import(chart_settings, run_options(chart_dir, third), PlainReporter())
    assert not archive(root, CYCLE).exists()
    assert not manifest(root, CYCLE).exists()
    assert archive(root, NEXT_CYCLE).exists()
    assert archive(root, third).exists()
    [(cycle, details)] = await active_charts(chart_settings.database_url)
    assert cycle == third
    assert details["kept"] == [
        "tiles/2025-02-20/sectional.pmtiles",
        "tiles/2025-02-20/sectional.pmtiles.json",
    ]
