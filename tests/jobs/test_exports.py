"""Exports for API consumers: one snapshot in three formats, read back by clients we did not
write (GDAL's ogrinfo, Python's csv), listed by the API, served with byte ranges, and the
change feed's cursor they include."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.core.changes import ChangeKind, record_changes
from api.core.settings import Settings
from api.exports import build
from tests.jobs.test_worker import sample as sample

Sample = tuple[Settings, AsyncEngine]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


async def _get(
    settings: Settings, engine: AsyncEngine, path: str, **headers: str
) -> httpx.Response:
    app = create_app(settings, engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        return await http.get(path, headers=headers)


async def _scalar(engine: AsyncEngine, sql: str) -> Any:
    async with engine.connect() as connection:
        return await connection.scalar(sa.text(sql))


def _ogrinfo(*args: str) -> str:
    return subprocess.run(
        ["ogrinfo", "-ro", *args], check=True, capture_output=True, text=True, timeout=60
    ).stdout


async def test_one_snapshot_in_three_formats_read_by_other_clients(sample: Sample) -> None:
    settings, engine = sample
    async with engine.begin() as connection:
        await connection.execute(
            sa.text(
                "UPDATE airports SET description = 'Fuel: self serve, 24 h.' WHERE code = 'PAE'"
            )
        )
        await record_changes(connection, ChangeKind.EDIT, {"PAE": ["description"]})
    newest = await _scalar(engine, "SELECT max(id) FROM data_changes")

    built = {export.format: export for export in await build.build_exports(engine, settings)}

    assert set(built) == {"gpkg", "csv", "geojson"}
    for export in built.values():
        stored = (settings.storage_root / export.storage_key).read_bytes()
        assert len(stored) == export.bytes
        assert hashlib.sha256(stored).hexdigest() == export.sha256
        assert export.cursor == newest
    airports = await _scalar(engine, "SELECT count(*) FROM airports")
    runways = await _scalar(engine, "SELECT count(*) FROM runways")

    # The GeoPackage, as GDAL's own ogrinfo reads it.
    gpkg = str(settings.storage_root / built["gpkg"].storage_key)
    summary = _ogrinfo("-so", gpkg, "airports")
    assert f"Feature Count: {airports}" in summary
    assert "Geometry: Point" in summary
    assert 'ID["EPSG",4326]' in summary
    assert f"Feature Count: {runways}" in _ogrinfo("-so", gpkg, "runways")
    pae = _ogrinfo(gpkg, "airports", "-where", "code = 'PAE'")
    assert "description (String) = Fuel: self serve, 24 h." in pae
    assert "icao_code (String) = KPAE" in pae
    assert "POINT (-122.28" in pae
    assert "elevation_ft (Integer64) = 606" in pae
    assert "Feature Count: " in _ogrinfo("-so", gpkg, "frequencies")

    # The CSV files: OurAirports' own columns, in its order.
    with zipfile.ZipFile(settings.storage_root / built["csv"].storage_key) as archive:
        assert sorted(archive.namelist()) == [
            "airport-frequencies.csv", "airports.csv", "runways.csv",
        ]  # fmt: skip
        tables = {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
        }
    with (FIXTURES / "our_airports" / "airports.csv").open() as handle:
        assert list(tables["airports.csv"][0]) == next(csv.reader(handle))
    with (FIXTURES / "our_airports" / "runways.csv").open() as handle:
        assert list(tables["runways.csv"][0]) == next(csv.reader(handle))
    assert len(tables["airports.csv"]) == airports
    assert len(tables["runways.csv"]) == runways
    row = next(row for row in tables["airports.csv"] if row["local_code"] == "PAE")
    assert (row["ident"], row["iso_country"], row["iso_region"]) == ("KPAE", "US", "US-WA")
    assert row["type"] in {"medium_airport", "large_airport"}
    runway = next(r for r in tables["runways.csv"] if r["airport_ident"] == "KPAE")
    assert runway["airport_ref"] == row["id"]
    assert {r["airport_ident"] for r in tables["airport-frequencies.csv"]} >= {"KPAE"}

    # The GeoJSON: the map's document.
    geojson = json.loads((settings.storage_root / built["geojson"].storage_key).read_bytes())
    assert geojson["type"] == "FeatureCollection"
    assert (
        len(geojson["features"])
        == (await _get(settings, engine, "/api/v1/airports.geojson")).json()["features"].__len__()
    )


async def test_the_api_lists_the_newest_and_serves_byte_ranges(sample: Sample) -> None:
    settings, engine = sample
    await build.build_exports(engine, settings)
    second = {export.format: export for export in await build.build_exports(engine, settings)}

    listed = (await _get(settings, engine, "/api/v1/exports")).json()["exports"]
    assert sorted(export["format"] for export in listed) == ["csv", "geojson", "gpkg"]
    gpkg = next(export for export in listed if export["format"] == "gpkg")
    assert gpkg["url"] == f"/assets/{second['gpkg'].storage_key}"
    assert (gpkg["bytes"], gpkg["sha256"], gpkg["cursor"]) == (
        second["gpkg"].bytes, second["gpkg"].sha256, second["gpkg"].cursor,
    )  # fmt: skip

    whole = await _get(settings, engine, gpkg["url"])
    assert whole.headers["content-type"] == "application/geopackage+sqlite3"
    assert hashlib.sha256(whole.content).hexdigest() == gpkg["sha256"]
    part = await _get(settings, engine, gpkg["url"], range="bytes=0-15")
    assert part.status_code == 206
    assert part.content == b"SQLite format 3\x00" == whole.content[:16]
    assert part.headers["content-range"] == f"bytes 0-15/{gpkg['bytes']}"


async def test_exports_older_than_a_week_go_and_the_newest_stays(sample: Sample) -> None:
    settings, engine = sample
    first = await build.build_exports(engine, settings)
    async with engine.begin() as connection:
        await connection.execute(
            sa.text("UPDATE exports SET created_at = now() - interval '8 days'")
        )
    newest = await build.build_exports(engine, settings)
    assert await _scalar(engine, "SELECT count(*) FROM exports") == 3
    assert not any((settings.storage_root / export.storage_key).exists() for export in first)
    assert all((settings.storage_root / export.storage_key).exists() for export in newest)
    # The newest of each format stays, however old (the nightly build may fail a while).
    async with engine.begin() as connection:
        await connection.execute(
            sa.text("UPDATE exports SET created_at = now() - interval '30 days'")
        )
    assert await build._record(engine, []) == []
    assert await _scalar(engine, "SELECT count(*) FROM exports") == 3


async def test_an_activated_cycle_asks_for_new_exports(sample: Sample) -> None:
    settings, engine = sample
    assert await build.cycle_since_last_export(engine)  # none yet
    await build.build_exports(engine, settings)
    assert not await build.cycle_since_last_export(engine)
    async with engine.begin() as connection:
        await record_changes(connection, ChangeKind.EDIT, {"PAE": ["description"]})
    assert not await build.cycle_since_last_export(engine)  # nightly is soon enough
    async with engine.begin() as connection:
        await record_changes(connection, ChangeKind.SITE, {None: ["airports_cycle"]})
    assert await build.cycle_since_last_export(engine)


@pytest.mark.parametrize(
    ("facility", "importance", "status", "kind"),
    [
        ("airport", 5, "O", "large_airport"),
        ("airport", 3, "O", "medium_airport"),
        ("airport", 1, None, "small_airport"),
        ("heliport", 0, "O", "heliport"),
        ("airport", 5, "CP", "closed"),
        ("gliderport", 1, "O", "small_airport"),
    ],
)
def test_types_are_ourairports_own(
    facility: str, importance: int, status: str | None, kind: str
) -> None:
    assert build.ourairports_type(facility, importance, status) == kind
