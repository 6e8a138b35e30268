"""Offline packs: each chart region's tiles (MBTiles read by GDAL's gdalinfo, PMTiles by the
pmtiles reader, both tile for tile the layer archive's), airports (GeoPackage read by ogrinfo)
and diagrams, listed by the API, rebuilt nightly without losing a download in progress."""

from __future__ import annotations

import hashlib
import io
import sqlite3
import subprocess
import zipfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import morecantile
import pytest
import sqlalchemy as sa
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from api.app import create_app
from api.core.changes import ChangeKind, record_changes
from api.core.cycles import Product
from api.core.settings import Settings
from api.core.storage import LocalSink, StorageFailed
from api.exports import offline
from tests.api.conftest import import_sample
from tests.importer.test_tiler import read_archive

Sample = tuple[Settings, AsyncEngine]
GRID = morecantile.tms.get("WebMercatorQuad")
LAYER_ARCHIVE = "tiles/2024-12-26/sectional.pmtiles"


@pytest.fixture
async def charted(
    fresh_database: str, settings_for: Callable[..., Settings]
) -> AsyncIterator[Sample]:
    """The bundled sample's airports, charts (two charts of the sectional layer) and diagrams."""
    settings = settings_for(
        fresh_database, jobs_use_internet=False, chart_catalogue="sample", tile_processes=1
    )
    await import_sample(settings, (Product.AIRPORTS, Product.CHARTS, Product.DIAGRAMS))
    engine = create_async_engine(fresh_database)
    yield settings, engine
    await engine.dispose()


def _files(index: offline.PacksIndex, region: str) -> dict[str, offline.PackFile]:
    [pack] = [pack for pack in index["packs"] if pack["region"] == region]
    return {file["format"]: file for file in pack["files"]}


def _touches(tile: tuple[int, int, int], bounds: list[float]) -> bool:
    west, south, east, north = bounds
    box = GRID.bounds(morecantile.Tile(tile[1], tile[2], tile[0]))
    return box.left < east and box.right > west and box.bottom < north and box.top > south


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout


async def _count(engine: AsyncEngine, sql: str, **values: Any) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(sa.text(sql), values))


async def test_each_chart_region_gets_a_pack_that_other_clients_open(charted: Sample) -> None:
    settings, engine = charted
    root = settings.storage_root
    assert await offline.cycle_without_packs(engine)

    index = await offline.build_offline_packs(engine, settings)

    assert index is not None
    assert index["cycle"] == "2024-12-26"
    assert {pack["region"] for pack in index["packs"]} == {
        "sectional/charts_test",
        "sectional/inset_test",
    }
    assert not await offline.cycle_without_packs(engine)
    files = _files(index, "sectional/charts_test")
    assert set(files) == {"mbtiles", "pmtiles", "gpkg", "diagrams"}
    for file in files.values():
        stored = (root / file["key"]).read_bytes()
        assert len(stored) == file["bytes"]
        assert hashlib.sha256(stored).hexdigest() == file["sha256"]
    [pack] = [pack for pack in index["packs"] if pack["region"] == "sectional/charts_test"]
    west, south, east, north = pack["bounds"]

    # The tiles: those of the layer's archive that the region reaches, at every zoom.
    layer = read_archive(root / LAYER_ARCHIVE)
    expected = {key: body for key, body in layer.items() if _touches(key, pack["bounds"])}
    assert expected
    assert read_archive(root / files["pmtiles"]["key"]) == expected
    with sqlite3.connect(root / files["mbtiles"]["key"]) as mbtiles:
        rows = mbtiles.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
        flipped = {(z, x, (1 << z) - 1 - row): bytes(body) for z, x, row, body in rows}
        metadata = dict(mbtiles.execute("SELECT name, value FROM metadata"))
    assert flipped == expected
    assert metadata["format"] == "webp"
    assert (metadata["minzoom"], metadata["maxzoom"]) == ("0", "12")

    # GDAL opens the MBTiles as a raster of the region, and draws the chart from it.
    mbtiles_path = str(root / files["mbtiles"]["key"])
    info = _run("gdalinfo", mbtiles_path)
    assert "Driver: MBTiles/MBTiles" in info
    assert "ZOOM_LEVEL=12" in info
    assert f"bounds={west},{south},{east},{north}" in info
    picture = root / "pack.png"
    _run("gdal_translate", "-q", "-of", "PNG", mbtiles_path, str(picture))
    with Image.open(picture) as image:
        assert len(image.convert("RGB").getcolors(1 << 24) or []) > 2_000  # a busy chart

    # The airports in the region, as ogrinfo reads them, PAE among them.
    inside = await _count(
        engine,
        "SELECT count(*) FROM airports WHERE longitude BETWEEN :w AND :e "
        "AND latitude BETWEEN :s AND :n",
        w=west,
        e=east,
        s=south,
        n=north,
    )
    gpkg = str(root / files["gpkg"]["key"])
    assert f"Feature Count: {inside}" in _run("ogrinfo", "-ro", "-so", gpkg, "airports")
    assert "code (String) = PAE" in _run("ogrinfo", "-ro", gpkg, "airports", "-where", "code='PAE'")

    # Paine Field's diagram, the FAA's PDF.
    with zipfile.ZipFile(root / files["diagrams"]["key"]) as diagrams:
        assert diagrams.namelist() == ["PAE airport diagram.pdf"]
        assert diagrams.read("PAE airport diagram.pdf").startswith(b"%PDF")

    # The API lists them, and serves them by byte ranges.
    app = create_app(settings, engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        listed = (await http.get("/api/v1/offline-packs")).json()
        [region] = [item for item in listed["packs"] if item["region"] == "sectional/charts_test"]
        assert region["title"] == "Charts Test"
        assert region["cycle"] == "2024-12-26"
        by_format = {file["format"]: file for file in region["files"]}
        assert by_format["mbtiles"]["url"] == f"/assets/{files['mbtiles']['key']}"
        part = await http.get(by_format["pmtiles"]["url"], headers={"Range": "bytes=0-126"})
        assert part.status_code == 206
        assert part.content == (root / files["pmtiles"]["key"]).read_bytes()[:127]
        whole = await http.get(by_format["mbtiles"]["url"])
        assert hashlib.sha256(whole.content).hexdigest() == by_format["mbtiles"]["sha256"]


async def test_the_nightly_build_refreshes_the_airports_and_keeps_the_tiles(
    charted: Sample,
) -> None:
    settings, engine = charted
    root = settings.storage_root
    first = await offline.build_offline_packs(engine, settings)
    assert first is not None
    async with engine.begin() as connection:
        await connection.execute(
            sa.text("UPDATE airports SET description = 'Self serve 100LL.' WHERE code = 'PAE'")
        )
        await record_changes(connection, ChangeKind.EDIT, {"PAE": ["description"]})

    night = await offline.build_offline_packs(engine, settings, airports_only=True)

    assert night is not None
    before, after = _files(first, "sectional/charts_test"), _files(night, "sectional/charts_test")
    for format in offline.TILE_FORMATS:
        assert after[format] == before[format]  # the same files: not built again
    assert after["gpkg"]["key"] != before["gpkg"]["key"]
    gpkg = str(root / after["gpkg"]["key"])
    pae = _run("ogrinfo", "-ro", gpkg, "airports", "-where", "code='PAE'")
    assert "description (String) = Self serve 100LL." in pae
    # A download of last night's file that is still going finishes: kept one build more.
    assert (root / before["gpkg"]["key"]).is_file()
    assert before["gpkg"]["key"] in night["previous"]

    third = await offline.build_offline_packs(engine, settings, airports_only=True)
    assert third is not None
    assert not (root / before["gpkg"]["key"]).exists()
    assert (root / after["gpkg"]["key"]).is_file()
    assert (root / _files(third, "sectional/charts_test")["mbtiles"]["key"]).is_file()


class FailingSink(LocalSink):
    """Storage that fails once a few files went in."""

    def put_file(self, key: str, path: Path) -> None:
        if len(list(self.root.joinpath("offline").rglob("*.*"))) >= 3:
            raise StorageFailed(f"Could not write {key}: No space left on device.")
        super().put_file(key, path)


async def test_a_failed_build_removes_its_files_and_lists_what_it_listed(
    charted: Sample,
) -> None:
    settings, engine = charted
    root = settings.storage_root
    with pytest.raises(StorageFailed, match="No space left on device"):
        await offline.build_offline_packs(engine, settings, sink=FailingSink(root))
    assert not [path for path in root.joinpath("offline").rglob("*") if path.is_file()]
    assert await offline.cycle_without_packs(engine)
    app = create_app(settings, engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        listed = (await http.get("/api/v1/offline-packs")).json()
    assert listed == {"built_at": None, "packs": []}


async def test_without_a_charts_cycle_there_is_nothing_to_pack(
    fresh_database: str, settings_for: Callable[..., Settings]
) -> None:
    settings = settings_for(fresh_database, jobs_use_internet=False)
    await import_sample(settings)
    engine = create_async_engine(fresh_database)
    try:
        assert not await offline.cycle_without_packs(engine)
        assert await offline.build_offline_packs(engine, settings) is None
    finally:
        await engine.dispose()


def test_a_region_across_the_antimeridian_reaches_both_edges_of_the_world() -> None:
    region = offline.Region(
        "sectional", "aleutians", "Aleutians", (172.0, 51.0, -170.0, 54.0), 4, 4, "a", "FAA"
    )
    assert region.contains(179.0, 52.0)
    assert region.contains(-175.0, 52.0)
    assert not region.contains(0.0, 52.0)
    entries = dict.fromkeys(range(400), (0, 1))  # every tile of zooms 0-4
    columns = {x for _, _, x, _ in offline.region_tiles(region, entries)}
    assert columns == {0, 15}


def test_a_zip_of_diagrams_skips_one_missing_from_storage(tmp_path: Path) -> None:
    sink = LocalSink(tmp_path / "storage")
    sink.put("diagrams/c/1.pdf", b"%PDF-1.7 one")
    diagrams = [
        offline.Diagram("BBB", 0, 0, "diagrams/c/1.pdf"),
        offline.Diagram("AAA", 0, 0, "diagrams/c/missing.pdf"),
    ]
    count = offline.write_diagrams(tmp_path / "d.zip", diagrams, sink)
    assert count == 1
    with zipfile.ZipFile(io.BytesIO((tmp_path / "d.zip").read_bytes())) as archive:
        assert archive.namelist() == ["BBB airport diagram.pdf"]
