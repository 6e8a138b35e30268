"""Offline packs: what a pilot takes into the cockpit where there is no signal, one pack per
chart region of the active charts cycle (every sectional and terminal area chart):

- its chart tiles as MBTiles (GDAL, QGIS and the electronic flight bags that read MBTiles) and
  as PMTiles, cut from the layer's archive at every zoom of the layer;
- its airports as a GeoPackage (the export's layers, clipped to the region);
- its airports' diagrams, the FAA's PDFs, in a zip.

The tiles are built when a charts cycle is activated and stay for the cycle (their keys name
it); the airports and diagrams are built again nightly. Files are written in a temporary
directory, stored, and only then listed (`GET /api/v1/offline-packs`). A build keeps the files
of the build before it one build more (a download in progress finishes), then deletes them.
"""

from __future__ import annotations

import asyncio
import logging
import mmap
import sqlite3
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypedDict

import morecantile
import sqlalchemy as sa
from pmtiles.tile import deserialize_directory, deserialize_header, zxy_to_tileid
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.core.archives import write_webp_archive
from api.core.documents.published import publish, published
from api.core.settings import Settings
from api.core.storage import Sink, delete_files, sha256_of, sink_from_settings
from api.exports.build import Snapshot, read_snapshot, write_geopackage

logger = logging.getLogger("api.exports")

PACKS_DOCUMENT = "offline-packs"
TILE_FORMATS = ("mbtiles", "pmtiles")
GRID = morecantile.tms.get("WebMercatorQuad")

Bounds = tuple[float, float, float, float]
Tiles = Sequence[tuple[int, int, int, int]]  # tile id, zoom, x, y


class PackFile(TypedDict):
    format: str  # mbtiles, pmtiles, gpkg or diagrams
    key: str
    bytes: int
    sha256: str


class PackEntry(TypedDict):
    region: str
    title: str
    layer: str
    bounds: list[float]
    files: list[PackFile]


class PacksIndex(TypedDict):
    cycle: str
    built_at: str
    packs: list[PackEntry]
    previous: list[str]  # files of the build before, deleted by the next build


@dataclass(frozen=True)
class Region:
    """A chart of the active cycle, as the importer described it."""

    layer: str
    key: str
    title: str
    bounds: Bounds  # west > east across the antimeridian
    min_zoom: int
    max_zoom: int
    archive: str  # the layer's PMTiles archive
    attribution: str

    @property
    def name(self) -> str:
        return f"{self.layer}/{self.key}"

    @property
    def stem(self) -> str:
        return f"{self.layer}-{self.key.replace('_', '-')}"

    def contains(self, longitude: float, latitude: float) -> bool:
        west, south, east, north = self.bounds
        if not south <= latitude <= north:
            return False
        if west <= east:
            return west <= longitude <= east
        return longitude >= west or longitude <= east


def regions_of(details: dict[str, Any]) -> list[Region]:
    """Every chart region of a charts cycle's details (layers tiled into archives only)."""
    return [
        Region(
            layer=name,
            key=key,
            title=chart["title"],
            bounds=tuple(chart["bounds"]),
            min_zoom=layer["min_zoom"],
            max_zoom=layer["max_zoom"],
            archive=layer["archive"],
            attribution=layer.get("attribution", "FAA"),
        )
        for name, layer in details.get("layers", {}).items()
        if "archive" in layer
        for key, chart in sorted(layer.get("charts", {}).items())
    ]


# --- Tiles ---------------------------------------------------------------------------------

Read = Callable[[int, int], bytes]  # bytes of an archive: offset, length
TileRead = Callable[[int], bytes]  # a tile's bytes by its tile id


def archive_entries(read: Read) -> dict[int, tuple[int, int]]:
    """Every tile of a PMTiles archive: its tile id → where its bytes are (offset, length)."""
    header = deserialize_header(read(0, 127))
    entries: dict[int, tuple[int, int]] = {}
    pending = [(header["root_offset"], header["root_length"])]
    while pending:
        offset, length = pending.pop()
        for entry in deserialize_directory(read(offset, length)):
            if entry.run_length == 0:  # a leaf directory
                pending.append((header["leaf_directory_offset"] + entry.offset, entry.length))
                continue
            place = (header["tile_data_offset"] + entry.offset, entry.length)
            for step in range(entry.run_length):
                entries[entry.tile_id + step] = place
    return entries


def region_tiles(
    region: Region, entries: dict[int, tuple[int, int]]
) -> list[tuple[int, int, int, int]]:
    """The layer's tiles that the region reaches, at every zoom of the layer: tile id, zoom,
    x, y, in tile id order."""
    west, south, east, north = region.bounds
    zooms = list(range(region.min_zoom, region.max_zoom + 1))
    found = {
        (zxy_to_tileid(tile.z, tile.x, tile.y), tile.z, tile.x, tile.y)
        for tile in GRID.tiles(west, south, east, north, zooms)
    }
    return sorted(tile for tile in found if tile[0] in entries)


def _described(region: Region, cycle: str) -> dict[str, str]:
    west, south, east, north = region.bounds
    return {
        "name": f"{region.title} {region.layer} chart, {cycle}",
        "description": f"FAA {region.layer} chart {region.title} of the cycle of {cycle}, "
        "from Pirep. Not for navigation.",
        "attribution": region.attribution,
        "format": "webp",
        "type": "overlay",
        "version": cycle,
        "minzoom": str(region.min_zoom),
        "maxzoom": str(region.max_zoom),
        "bounds": f"{west},{south},{east},{north}",
        "center": f"{(west + east) / 2},{(south + north) / 2},{region.min_zoom}",
    }


def write_mbtiles(path: Path, region: Region, cycle: str, tiles: Tiles, read: TileRead) -> None:
    """An MBTiles 1.3 file (rows counted from the bottom, as the format has them)."""
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.executescript(
            "CREATE TABLE metadata (name TEXT, value TEXT);"
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
            "tile_data BLOB);"
            "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
        )
        connection.executemany(
            "INSERT INTO metadata VALUES (?, ?)", _described(region, cycle).items()
        )
        connection.executemany(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)",
            ((z, x, (1 << z) - 1 - y, read(tile_id)) for tile_id, z, x, y in tiles),
        )


def write_pmtiles(path: Path, region: Region, cycle: str, tiles: Tiles, read: TileRead) -> None:
    entries = ((tile_id, read(tile_id)) for tile_id, *_ in tiles)
    write_webp_archive(path, entries, region.bounds, region.min_zoom, _described(region, cycle))


# --- Airports and diagrams -----------------------------------------------------------------


def clip(snapshot: Snapshot, region: Region) -> Snapshot:
    """The airports in the region, with their runways and frequencies."""
    airports = [row for row in snapshot.airports if region.contains(row.longitude, row.latitude)]
    ids = {row.id for row in airports}
    return replace(
        snapshot,
        airports=airports,
        runways=[row for row in snapshot.runways if row[1] in ids],
        frequencies=[row for row in snapshot.frequencies if row[1] in ids],
        geojson=b"",
    )


@dataclass(frozen=True)
class Diagram:
    code: str
    longitude: float
    latitude: float
    key: str  # the stored PDF


def write_diagrams(path: Path, diagrams: Sequence[Diagram], sink: Sink) -> int:
    """A zip of the diagrams' PDFs, named by airport code; how many it holds."""
    count = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for diagram in sorted(diagrams, key=lambda item: item.code):
            body = sink.get(diagram.key)
            if body is None:
                logger.warning("The diagram %s of %s is missing.", diagram.key, diagram.code)
                continue
            archive.writestr(f"{diagram.code} airport diagram.pdf", body)
            count += 1
    return count


# --- Building ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """What a build reads from the database, at one moment."""

    cycle: str
    regions: list[Region]
    snapshot: Snapshot
    diagrams: list[Diagram]
    previous: PacksIndex | None


async def _read_inputs(connection: AsyncConnection) -> Inputs | None:
    row = (
        await connection.execute(
            sa.text("SELECT cycle, details FROM faa_data_cycles WHERE product = 'charts'")
        )
    ).first()
    if row is None:
        return None
    diagrams_cycle = await connection.scalar(
        sa.text("SELECT cycle FROM faa_data_cycles WHERE product = 'diagrams'")
    )
    diagrams: list[Diagram] = []
    if diagrams_cycle is not None:
        rows = await connection.execute(
            sa.text(
                "SELECT code, longitude, latitude, diagram FROM airports "
                "WHERE diagram IS NOT NULL ORDER BY code"
            )
        )
        diagrams = [
            Diagram(
                code,
                longitude,
                latitude,
                f"diagrams/{diagrams_cycle.isoformat()}/{name.removesuffix('.png')}.pdf",
            )
            for code, longitude, latitude, name in rows
        ]
    return Inputs(
        cycle=row.cycle.isoformat(),
        regions=regions_of(row.details),
        snapshot=await read_snapshot(connection, with_geojson=False),
        diagrams=diagrams,
        previous=await published_packs(connection),
    )


async def published_packs(connection: AsyncConnection) -> PacksIndex | None:
    index: PacksIndex | None = await published(connection, PACKS_DOCUMENT)
    return index


async def build_offline_packs(
    engine: AsyncEngine,
    settings: Settings,
    *,
    sink: Sink | None = None,
    airports_only: bool = False,
) -> PacksIndex | None:
    """Build, store and list the pack of every chart region of the active charts cycle.
    ``airports_only``: keep the tiles of the packs listed for this cycle (nightly); they are
    built anyway when none are. None when no charts cycle is active."""
    sink = sink or sink_from_settings(settings)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="REPEATABLE READ")
        async with connection.begin():
            inputs = await _read_inputs(connection)
    if inputs is None:
        return None
    kept: dict[str, list[PackFile]] = {}
    previous = inputs.previous
    if airports_only and previous is not None and previous["cycle"] == inputs.cycle:
        kept = {
            pack["region"]: [file for file in pack["files"] if file["format"] in TILE_FORMATS]
            for pack in previous["packs"]
        }
    stamp = datetime.now(UTC)
    stored: list[str] = []
    try:
        packs = await asyncio.to_thread(_build, inputs, sink, kept, stamp, stored)
    except BaseException:
        await delete_files(sink, stored, "offline pack")
        raise
    new_keys = {file["key"] for pack in packs for file in pack["files"]}
    old_keys = [
        file["key"] for pack in (previous or {"packs": []})["packs"] for file in pack["files"]
    ]
    index: PacksIndex = {
        "cycle": inputs.cycle,
        "built_at": stamp.isoformat().replace("+00:00", "Z"),
        "packs": packs,
        "previous": [key for key in old_keys if key not in new_keys],
    }
    async with engine.begin() as connection:
        await publish(connection, PACKS_DOCUMENT, index)
    # The files the previous build kept for downloads in progress are no longer listed anywhere.
    if previous is not None:
        gone = [key for key in previous["previous"] if key not in new_keys]
        await delete_files(sink, gone, "offline pack")
    logger.info(
        "Offline packs of %s built: %d regions, %.1f MB.",
        inputs.cycle,
        len(packs),
        sum(file["bytes"] for pack in packs for file in pack["files"]) / 1e6,
    )
    return index


def _build(
    inputs: Inputs,
    sink: Sink,
    kept: dict[str, list[PackFile]],
    stamp: datetime,
    stored: list[str],
) -> list[PackEntry]:
    """Every region's files, written and stored one at a time (the disk holds one file); the
    key of each file stored goes to ``stored`` at once (a failed build deletes them)."""
    packs: list[PackEntry] = []
    # A key of its own for each build: a file once listed never changes.
    nightly = f"offline/{inputs.cycle}/{stamp.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix="pirep-packs-") as work, ExitStack() as stack:
        archives: dict[str, Archive] = {}

        def store(prefix: str, path: Path, format: str) -> PackFile:
            key = f"{prefix}/{path.name}"
            sink.put_file(key, path)
            stored.append(key)
            file: PackFile = {
                "format": format,
                "key": key,
                "bytes": path.stat().st_size,
                "sha256": sha256_of(path),
            }
            path.unlink()
            return file

        for region in inputs.regions:
            files = list(kept.get(region.name, []))
            if not files:
                if region.archive not in archives:
                    archives[region.archive] = _open_archive(stack, sink, region.archive)
                archive = archives[region.archive]
                tiles = region_tiles(region, archive.entries)
                for format, write in (("mbtiles", write_mbtiles), ("pmtiles", write_pmtiles)):
                    path = Path(work) / f"{region.stem}.{format}"
                    if tiles:
                        write(path, region, inputs.cycle, tiles, archive.tile)
                        files.append(store(f"offline/{inputs.cycle}", path, format))
            path = Path(work) / f"{region.stem}-airports.gpkg"
            write_geopackage(clip(inputs.snapshot, region), path)
            files.append(store(nightly, path, "gpkg"))
            diagrams = [d for d in inputs.diagrams if region.contains(d.longitude, d.latitude)]
            path = Path(work) / f"{region.stem}-diagrams.zip"
            if diagrams and write_diagrams(path, diagrams, sink):
                files.append(store(nightly, path, "diagrams"))
            packs.append(
                {
                    "region": region.name,
                    "title": region.title,
                    "layer": region.layer,
                    "bounds": list(region.bounds),
                    "files": files,
                }
            )
    return packs


@dataclass(frozen=True)
class Archive:
    """A layer's archive open for the build: where each tile is, and a tile's bytes."""

    entries: dict[int, tuple[int, int]]
    tile: TileRead


def _open_archive(stack: ExitStack, sink: Sink, key: str) -> Archive:
    """A layer's archive, mapped in memory while the build lasts."""
    path = stack.enter_context(sink.local_copy(key))
    handle = stack.enter_context(path.open("rb"))
    mapping = stack.enter_context(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))

    def read(offset: int, length: int) -> bytes:
        return mapping[offset : offset + length]

    entries = archive_entries(read)
    return Archive(entries, lambda tile_id: read(*entries[tile_id]))


async def cycle_without_packs(engine: AsyncEngine) -> bool:
    """Whether the active charts cycle has no packs yet (a cycle was activated since)."""
    async with engine.connect() as connection:
        cycle: date | None = await connection.scalar(
            sa.text("SELECT cycle FROM faa_data_cycles WHERE product = 'charts'")
        )
        if cycle is None:
            return False
        index = await published_packs(connection)
    return index is None or index["cycle"] != cycle.isoformat()
