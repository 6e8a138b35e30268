"""Building the exports (`pirep exports build`, and the worker nightly and after a cycle).

One snapshot of the database (a repeatable-read transaction) gives every file and the change
feed's cursor they include, so a mirror that loads an export and then follows the feed from
its cursor misses nothing and repeats nothing. Files are written in a temporary directory,
stored (the local storage directory, or S3 in production) under a key of their own, and only
then listed; the exports of more than a week ago are deleted, the newest of each format kept.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import struct
import tempfile
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from pyogrio.raw import write as ogr_write
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.core.documents import geojson
from api.core.settings import Settings
from api.core.storage import Sink, delete_files, sha256_of, sink_from_settings

logger = logging.getLogger("api.exports")

KEPT_DAYS = 7
# Each format: its file name and the content type it is served with.
FILES = {
    "gpkg": "pirep-airports.gpkg",
    "csv": "pirep-airports-csv.zip",
    "geojson": "pirep-airports.geojson",
}

# The airports layer: every public field, what pilots wrote included. (name, SQL, type)
AIRPORT_FIELDS: Sequence[tuple[str, str, str]] = (
    ("id", "a.id::text", "text"),
    ("code", "a.code", "text"),
    ("icao_code", "a.icao_code", "text"),
    ("name", "a.name", "text"),
    ("latitude", "a.latitude", "float"),
    ("longitude", "a.longitude", "float"),
    ("facility_type", "a.facility_type::text", "text"),
    ("facility_use", "a.facility_use::text", "text"),
    ("ownership_type", "a.ownership_type::text", "text"),
    ("status", "a.status::text", "text"),
    ("elevation_ft", "a.elevation_ft", "int"),
    ("city", "a.city", "text"),
    ("state", "a.state", "text"),
    ("country", "a.country", "text"),
    ("sectional", "a.sectional", "text"),
    ("fuel_types", "array_to_string(a.fuel_types, ',')", "text"),
    ("tower_type", "a.tower_type", "text"),
    ("importance", "a.importance", "int"),
    ("data_source", "a.data_source::text", "text"),
    ("source_cycle", "a.source_cycle::text", "text"),
    ("timezone", "a.timezone", "text"),
    ("landing_rights", "a.landing_rights::text", "text"),
    ("landing_requirements", "a.landing_requirements", "text"),
    ("description", "a.description", "text"),
    ("transient_parking", "a.transient_parking", "text"),
    ("fuel_location", "a.fuel_location", "text"),
    ("landing_fees", "a.landing_fees", "text"),
    ("crew_car", "a.crew_car", "text"),
    ("flying_clubs", "a.flying_clubs", "text"),
    ("wifi", "a.wifi", "text"),
    ("tags", "NULLIF(array_to_string(a.tag_names, ','), '')", "text"),
    (
        "updated_at",
        "to_char(a.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
        "text",
    ),
)
# Built from the constants above only.
_COLUMNS = ", ".join(f"{sql} AS {name}" for name, sql, _ in AIRPORT_FIELDS)
_AIRPORTS_SQL = f"SELECT {_COLUMNS} FROM airports a ORDER BY a.code"  # noqa: S608
RUNWAY_FIELDS: Sequence[tuple[str, str]] = (
    ("id", "text"),
    ("airport_id", "text"),
    ("airport_code", "text"),
    ("number", "text"),
    ("length_ft", "int"),
    ("width_ft", "int"),
    ("surface", "text"),
    ("condition", "text"),
    ("lights", "text"),
    ("lighted", "int"),
    *((f"{side}_{name}", kind) for side in ("le", "he") for name, kind in (
        ("ident", "text"), ("latitude", "float"), ("longitude", "float"),
        ("elevation_ft", "float"), ("heading_true", "float"),
        ("displaced_threshold_ft", "int"),
    )),
)  # fmt: skip
_RUNWAYS_SQL = """
    SELECT r.id::text, a.id::text, a.code, r.number, r.length_ft, r.width_ft, r.surface,
           r.condition, r.lights, r.lighted::int,
           le.end_id, le.latitude, le.longitude, le.elevation_ft, le.true_heading,
           le.displaced_threshold_ft,
           he.end_id, he.latitude, he.longitude, he.elevation_ft, he.true_heading,
           he.displaced_threshold_ft
    FROM runways r JOIN airports a ON a.id = r.airport_id
    LEFT JOIN LATERAL (SELECT * FROM runway_ends e WHERE e.runway_id = r.id
                       ORDER BY e.end_id LIMIT 1) le ON true
    LEFT JOIN LATERAL (SELECT * FROM runway_ends e WHERE e.runway_id = r.id
                       ORDER BY e.end_id OFFSET 1 LIMIT 1) he ON true
    ORDER BY a.code, r.number, r.id
"""
FREQUENCY_FIELDS: Sequence[tuple[str, str]] = (
    ("id", "text"),
    ("airport_id", "text"),
    ("airport_code", "text"),
    ("use", "text"),
    ("description", "text"),
    ("frequency_mhz", "float"),
)
_FREQUENCIES_SQL = """
    SELECT f.id::text, a.id::text, a.code, f.use, f.description, f.frequency_mhz
    FROM frequencies f JOIN airports a ON a.id = f.airport_id
    ORDER BY a.code, f.use, f.frequency_mhz, f.id
"""


@dataclass(frozen=True)
class Snapshot:
    """Everything an export holds, read at one moment."""

    cursor: int
    airports: list[sa.Row[Any]]
    runways: list[tuple[Any, ...]]
    frequencies: list[tuple[Any, ...]]
    geojson: bytes


@dataclass(frozen=True)
class Built:
    format: str
    storage_key: str
    bytes: int
    sha256: str
    cursor: int


async def read_snapshot(connection: AsyncConnection, *, with_geojson: bool = True) -> Snapshot:
    """The data of an export and the last change it includes, in the connection's snapshot
    (begin it REPEATABLE READ); the map's GeoJSON left empty without ``with_geojson``."""
    cursor = int(await connection.scalar(sa.text("SELECT coalesce(max(id), 0) FROM data_changes")))
    airports = list(await connection.execute(sa.text(_AIRPORTS_SQL)))
    runways = [tuple(row) for row in await connection.execute(sa.text(_RUNWAYS_SQL))]
    frequencies = [tuple(row) for row in await connection.execute(sa.text(_FREQUENCIES_SQL))]
    if not with_geojson:
        return Snapshot(cursor, airports, runways, frequencies, b"")
    document = await geojson.build_document(connection)
    return Snapshot(cursor, airports, runways, frequencies, document.body)


# --- GeoPackage ----------------------------------------------------------------------------


def _column(values: list[Any], kind: str) -> tuple[np.ndarray, np.ndarray | None]:
    """A field's values for pyogrio, and which are empty (for integer fields)."""
    if kind == "int":
        missing = np.array([value is None for value in values], dtype=bool)
        data = np.array([0 if value is None else int(value) for value in values], dtype=np.int64)
        return data, missing
    if kind == "float":
        return np.array(
            [np.nan if value is None else float(value) for value in values], dtype=np.float64
        ), None
    return np.array(values, dtype=object), None


def _write_layer(
    path: Path,
    layer: str,
    rows: Sequence[Sequence[Any]],
    fields: Sequence[tuple[str, str]],
    geometry: np.ndarray | None,
    geometry_type: str | None,
) -> None:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in fields]
    data, masks = [], []
    for values, (_, kind) in zip(columns, fields, strict=True):
        column, mask = _column(list(values), kind)
        data.append(column)
        masks.append(mask)
    ogr_write(
        str(path),
        geometry,
        data,
        [name for name, _ in fields],
        field_mask=masks if any(mask is not None for mask in masks) else None,
        layer=layer,
        driver="GPKG",
        geometry_type=geometry_type,
        crs="EPSG:4326" if geometry_type else None,
        encoding="UTF-8",
        # 1.2: read by every GDAL in use (newer ones write 1.4, which older ones warn about).
        dataset_options={"VERSION": "1.2"},
        layer_options={"SPATIAL_INDEX": "YES"} if geometry_type else None,
    )


def _point(longitude: float, latitude: float) -> bytes:
    return struct.pack("<BIdd", 1, 1, longitude, latitude)


def _line(row: Sequence[Any]) -> bytes | None:
    """The runway from end to end, when both ends have a position."""
    ends = (row[11], row[12], row[17], row[18])  # le lat, lon, he lat, lon
    if any(value is None for value in ends):
        return None
    return struct.pack("<BII4d", 1, 2, 2, ends[1], ends[0], ends[3], ends[2])


def write_geopackage(snapshot: Snapshot, path: Path) -> None:
    airports = [tuple(row) for row in snapshot.airports]
    points = np.array(
        [_point(row.longitude, row.latitude) for row in snapshot.airports], dtype=object
    )
    fields = [(name, kind) for name, _, kind in AIRPORT_FIELDS]
    _write_layer(path, "airports", airports, fields, points, "Point")
    lines = np.array([_line(row) for row in snapshot.runways], dtype=object)
    _write_layer(
        path,
        "runways",
        [tuple(row) for row in snapshot.runways],
        RUNWAY_FIELDS,
        lines,
        "LineString",
    )
    _write_layer(
        path,
        "frequencies",
        [tuple(row) for row in snapshot.frequencies],
        FREQUENCY_FIELDS,
        None,
        None,
    )


# --- OurAirports-style CSV -----------------------------------------------------------------

AIRPORTS_CSV = (
    "id", "ident", "type", "name", "latitude_deg", "longitude_deg", "elevation_ft", "continent",
    "iso_country", "iso_region", "municipality", "scheduled_service", "gps_code", "iata_code",
    "local_code", "home_link", "wikipedia_link", "keywords",
)  # fmt: skip
RUNWAYS_CSV = (
    "id", "airport_ref", "airport_ident", "length_ft", "width_ft", "surface", "lighted",
    "closed", "le_ident", "le_latitude_deg", "le_longitude_deg", "le_elevation_ft",
    "le_heading_degT", "le_displaced_threshold_ft", "he_ident", "he_latitude_deg",
    "he_longitude_deg", "he_elevation_ft", "he_heading_degT", "he_displaced_threshold_ft",
)  # fmt: skip
FREQUENCIES_CSV = (
    "id", "airport_ref", "airport_ident", "type", "description", "frequency_mhz",
)  # fmt: skip
_CONTINENTS = {"US": "NA", "CA": "NA", "MX": "NA"}


def ourairports_type(facility_type: str, importance: int, status: str | None) -> str:
    """OurAirports' type of an airport (its size from Pirep's importance)."""
    if status in ("CI", "CP"):
        return "closed"
    if facility_type in ("heliport", "seaplane_base", "balloonport"):
        return facility_type
    if facility_type in ("airport", "military") and importance >= 4:
        return "large_airport"
    if facility_type in ("airport", "military") and importance >= 3:
        return "medium_airport"
    return "small_airport"


def _ident(icao_code: str | None, code: str) -> str:
    return icao_code or code


def _blank(value: Any) -> Any:
    return "" if value is None else value


def write_csv_zip(snapshot: Snapshot, path: Path) -> None:
    idents: dict[str, str] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        text = io.StringIO()
        out = csv.writer(text, lineterminator="\n")
        out.writerow(AIRPORTS_CSV)
        for a in snapshot.airports:
            ident = idents[a.id] = _ident(a.icao_code, a.code)
            country = a.country or ""
            region = f"{country}-{a.state}" if country and a.state else ""
            out.writerow(
                (
                    a.id, ident, ourairports_type(a.facility_type, a.importance, a.status),
                    a.name, a.latitude, a.longitude, _blank(a.elevation_ft),
                    _CONTINENTS.get(country, ""), country, region, _blank(a.city), "",
                    _blank(a.icao_code), "", a.code, "", "", _blank(a.tags),
                )
            )  # fmt: skip
        archive.writestr("airports.csv", text.getvalue())
        text = io.StringIO()
        out = csv.writer(text, lineterminator="\n")
        out.writerow(RUNWAYS_CSV)
        for r in snapshot.runways:
            out.writerow(
                (
                    r[0], r[1], idents.get(r[1], r[2]), _blank(r[4]), _blank(r[5]), _blank(r[6]),
                    r[9], 0, *(_blank(value) for value in r[10:22]),
                )
            )  # fmt: skip
        archive.writestr("runways.csv", text.getvalue())
        text = io.StringIO()
        out = csv.writer(text, lineterminator="\n")
        out.writerow(FREQUENCIES_CSV)
        for f in snapshot.frequencies:
            out.writerow((f[0], f[1], idents.get(f[1], f[2]), f[3], _blank(f[4]), f[5]))
        archive.writestr("airport-frequencies.csv", text.getvalue())


# --- Building ------------------------------------------------------------------------------


def _write_files(snapshot: Snapshot, directory: Path) -> dict[str, Path]:
    paths = {fmt: directory / name for fmt, name in FILES.items()}
    write_geopackage(snapshot, paths["gpkg"])
    write_csv_zip(snapshot, paths["csv"])
    paths["geojson"].write_bytes(snapshot.geojson)
    return paths


async def build_exports(
    engine: AsyncEngine, settings: Settings, *, sink: Sink | None = None
) -> list[Built]:
    """Write, store and list one export of each format; delete those more than a week old."""
    sink = sink or sink_from_settings(settings)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="REPEATABLE READ")
        async with connection.begin():
            snapshot = await read_snapshot(connection)
    cursor = snapshot.cursor
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    prefix = f"exports/{stamp}-{uuid.uuid4().hex[:8]}"
    built: list[Built] = []
    with tempfile.TemporaryDirectory(prefix="pirep-exports-") as work:
        paths = await asyncio.to_thread(_write_files, snapshot, Path(work))
        del snapshot
        try:
            for fmt, path in paths.items():
                key = f"{prefix}/{path.name}"
                await asyncio.to_thread(sink.put, key, path.read_bytes())
                digest = await asyncio.to_thread(sha256_of, path)
                built.append(Built(fmt, key, path.stat().st_size, digest, cursor))
        except BaseException:
            await delete_files(sink, [export.storage_key for export in built], "export file")
            raise
    old_keys = await _record(engine, built)
    await delete_files(sink, old_keys, "export file")
    logger.info(
        "Exports built at cursor %d: %s.",
        cursor,
        ", ".join(f"{export.format} {export.bytes / 1e6:.1f} MB" for export in built),
    )
    return built


async def _record(engine: AsyncEngine, built: list[Built]) -> list[str]:
    """List the new exports; unlist those more than KEPT_DAYS old (never the newest of a
    format). The keys of the files to delete."""
    async with engine.begin() as connection:
        for export in built:
            await connection.execute(
                sa.text(
                    "INSERT INTO exports (format, storage_key, bytes, sha256, cursor) "
                    "VALUES (:format, :key, :bytes, :sha256, :cursor)"
                ),
                {
                    "format": export.format,
                    "key": export.storage_key,
                    "bytes": export.bytes,
                    "sha256": export.sha256,
                    "cursor": export.cursor,
                },
            )
        old = await connection.execute(
            sa.text(
                "DELETE FROM exports e WHERE e.created_at < now() - make_interval(days => :days) "
                "AND e.created_at < (SELECT max(n.created_at) FROM exports n "
                "WHERE n.format = e.format) RETURNING e.storage_key"
            ),
            {"days": KEPT_DAYS},
        )
        return list(old.scalars())


async def cycle_since_last_export(engine: AsyncEngine) -> bool:
    """Whether a cycle was activated (or the first export is still to build) since the newest
    export."""
    async with engine.connect() as connection:
        newest = await connection.scalar(sa.text("SELECT max(cursor) FROM exports"))
        if newest is None:
            return True
        activated = await connection.scalar(
            sa.text(
                "SELECT 1 FROM data_changes WHERE id > :after AND airport_id IS NULL "
                "AND kind = 'site' AND EXISTS (SELECT 1 FROM unnest(fields) f "
                "WHERE f LIKE '%\\_cycle') LIMIT 1"
            ),
            {"after": newest},
        )
        return activated is not None
