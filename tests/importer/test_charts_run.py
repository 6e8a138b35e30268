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
from botocore.exceptions import ClientError

from api.core.cycles import Product
from api.core.errors import PirepError
from api.core.storage import LocalSink, S3Sink
from importer.charts import product as charts_product
from importer.progress import PlainReporter
from importer.run import RunOptions, run_import
from tests.importer.test_run import query

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


def tiles(root: Path, cycle: date = CYCLE) -> dict[str, float]:
    base = root / "tiles" / cycle.isoformat() / "sectional"
    return {str(path.relative_to(base)): path.stat().st_mtime for path in base.rglob("*.webp")}


async def test_a_chart_cycle_is_tiled_then_activated(chart_settings: Any, chart_dir: Path) -> None:
    result = await run_import(chart_settings, run_options(chart_dir), PlainReporter())

    assert result.cycles == {"charts": "2024-12-26"}
    counts = result.counts["charts"]["sectional"]
    written = tiles(chart_settings.storage_root)
    assert counts["tiles"] == len(written) > 12
    assert {key.split("/")[0] for key in written} == {str(zoom) for zoom in range(13)}
    [(cycle, details)] = await active_charts(chart_settings.database_url)
    assert cycle == CYCLE
    layer = details["layers"]["sectional"]
    assert (layer["min_zoom"], layer["max_zoom"]) == (0, 12)
    assert layer["bounds"][0] == pytest.approx(-122.393, abs=0.001)
    assert layer["attribution"].startswith("FAA")
    manifest = chart_settings.storage_root / "tiles/2024-12-26/sectional/manifest.json"
    assert manifest.is_file()


async def test_a_rerun_does_not_tile_unchanged_charts_again(
    chart_settings: Any, chart_dir: Path
) -> None:
    await run_import(chart_settings, run_options(chart_dir), PlainReporter())
    before = tiles(chart_settings.storage_root)
    again = await run_import(chart_settings, run_options(chart_dir), PlainReporter())
    assert again.counts["charts"]["sectional"] == {"tiles": len(before), "reused": True}
    assert tiles(chart_settings.storage_root) == before  # not one file rewritten

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
    # The good chart was tiled down to zoom 0; the layer has no manifest, so a rerun tiles it.
    assert {key.split("/")[0] for key in tiles(chart_settings.storage_root)} == {
        str(zoom) for zoom in range(13)
    }
    assert not (chart_settings.storage_root / "tiles/2024-12-26/sectional/manifest.json").exists()


class FullDisk(LocalSink):
    """A disk that fills up once the top zoom starts being written."""

    def put(self, key: str, body: bytes) -> None:
        if "/12/" in key:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        super().put(key, body)


async def test_a_full_disk_mid_tiling_fails_clearly_and_a_rerun_finishes(
    chart_settings: Any, chart_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = chart_settings.storage_root
    monkeypatch.setattr(charts_product, "make_sink", lambda settings: FullDisk(root))
    with pytest.raises(PirepError) as raised:
        await run_import(chart_settings, run_options(chart_dir), PlainReporter())
    assert raised.value.detail == "Tiling the sectional layer failed: No space left on device."
    assert await active_charts(chart_settings.database_url) == []

    monkeypatch.undo()
    result = await run_import(chart_settings, run_options(chart_dir), PlainReporter())
    assert result.counts["charts"]["sectional"]["tiles"] == len(tiles(root))
    assert len(await active_charts(chart_settings.database_url)) == 1


class FlakyS3(S3Sink):
    """S3 that refuses every tile of the top zoom, once the lower ones went up."""

    def _send(self, key: str, body: bytes) -> None:
        if "/12/" in key:
            raise ClientError(
                {
                    "Error": {
                        "Code": "InternalError",
                        "Message": "We encountered an internal error.",
                    }
                },
                "PutObject",
            )
        super()._send(key, body)


async def test_an_upload_error_mid_tiling_fails_the_run_and_changes_nothing(
    chart_settings: Any, chart_dir: Path, aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws.client("s3").create_bucket(
        Bucket="flaky", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    flaky = FlakyS3("flaky", "content/", endpoint_url=aws.url, attempts=2, backoff_seconds=0.01)
    monkeypatch.setattr(charts_product, "make_sink", lambda settings: flaky)
    with pytest.raises(PirepError) as raised:
        await run_import(chart_settings, run_options(chart_dir), PlainReporter())
    assert raised.value.detail.startswith("Could not upload tiles/2024-12-26/sectional/12/")
    assert raised.value.detail.endswith(
        "to s3://flaky/content/ after 2 attempts: An error occurred (InternalError) when calling "
        "the PutObject operation: We encountered an internal error.."
    )
    assert await active_charts(chart_settings.database_url) == []


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
    listed = s3.list_objects_v2(Bucket="pirep-assets", Prefix="content/tiles/2024-12-26/sectional/")
    keys = [item["Key"] for item in listed["Contents"]]
    webps = [key for key in keys if key.endswith(".webp")]
    assert len(webps) == result.counts["charts"]["sectional"]["tiles"]
    head = s3.head_object(Bucket="pirep-assets", Key=webps[0])
    assert head["ContentType"] == "image/webp"
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert "content/tiles/2024-12-26/sectional/manifest.json" in keys


async def test_a_killed_import_changes_nothing_and_the_next_run_resumes(
    chart_settings: Any, chart_dir: Path, tmp_path: Path
) -> None:
    """SIGKILL in the middle of tiling (the sample tiled down to zoom 16 takes a few seconds)."""
    url = chart_settings.database_url
    command, environment = importer_command(
        chart_settings, tmp_path, chart_dir, PIREP_SECTIONAL_ZOOMS="0-16"
    )
    process = await asyncio.create_subprocess_exec(
        *command,
        env=environment,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(600):
        await asyncio.sleep(0.05)
        steps = await query(url, "SELECT progress->>'step' FROM importer_runs")
        if steps and steps[0][0] == "tiling the sectional layer":
            break
    else:
        pytest.fail("the import never started tiling")
    await asyncio.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)
    await process.wait()

    assert await active_charts(url) == []
    assert not (chart_settings.storage_root / "tiles/2024-12-26/sectional/manifest.json").exists()
    # The killed run stopped reporting: once it is old enough to be presumed dead, a new run
    # starts and tiles the layer again (there is no manifest of a finished layer).
    await query(url, "UPDATE importer_runs SET updated_at = now() - interval '1 hour'")
    process = await asyncio.create_subprocess_exec(
        *command, env=environment, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    [(_, details)] = await active_charts(url)
    assert details["layers"]["sectional"]["max_zoom"] == 16
    statuses = await query(url, "SELECT status FROM importer_runs ORDER BY created_at")
    assert [status for (status,) in statuses] == ["aborted", "succeeded"]


async def test_a_retiled_layer_stores_only_the_tiles_that_changed(
    chart_settings: Any, chart_dir: Path
) -> None:
    first = await run_import(chart_settings, run_options(chart_dir), PlainReporter())
    assert first.counts["charts"]["sectional"]["unchanged"] == 0
    before = tiles(chart_settings.storage_root)
    # The same GeoTIFFs in a zip of different bytes (as when the FAA republishes a chart):
    # the layer is tiled again, and every tile comes out the same, so none is stored again.
    archive = chart_dir / "charts_test.zip"
    with zipfile.ZipFile(SAMPLE_ZIP) as sample:
        members = {name: sample.read(name) for name in sample.namelist()}
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as rezipped:
        for name, body in members.items():
            rezipped.writestr(name, body)
    assert archive.read_bytes() != SAMPLE_ZIP.read_bytes()

    again = await run_import(chart_settings, run_options(chart_dir), PlainReporter())
    counts = again.counts["charts"]["sectional"]
    assert "reused" not in counts
    assert counts["unchanged"] == counts["tiles"] == len(before)
    assert tiles(chart_settings.storage_root) == before  # same files, same times
