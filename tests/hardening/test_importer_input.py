"""Hostile importer input: damaged or malicious NASR and OurAirports CSVs, zip archives, d-TPP
metafiles and chart GeoTIFFs, each built from the small fixtures and fed to a real import run.

Every refusal must be a ``PirepError`` (exit code 1 from the command line) whose message names
the file, and the line where there is one; nothing may be written outside the run's cache and
storage directories; the database, the active cycles included, must be as it was.
"""

from __future__ import annotations

import asyncio
import copy
import csv
import functools
import io
import os
import re
import shutil
import stat
import struct
import sys
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import hypothesis
import numpy as np
import pytest
import rasterio
import sqlalchemy as sa
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from api.core.cycles import Product
from api.core.errors import PirepError
from api.core.settings import Settings
from importer.diagrams.metafile import read_metafile
from importer.parse import csvfile
from importer.parse.nasr import parse_nasr_archive
from importer.progress import PlainReporter
from importer.run import RunOptions, run_import
from importer.sources.download import validate_zip
from tests.importer.conftest import (
    ARCHIVE,
    FREQUENCIES_HEADER,
    PAE_ARCHIVE,
    CsvTable,
    read_archive_tables,
    write_archive,
)
from tests.local_http import Handler, local_server

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
CHARTS_ZIP = FIXTURES / "charts_test.zip"
CHART_TIF = "Charts Test SEC.tif"
METAFILE = "d-TPP_Metafile.xml"
AIRPORTS_CYCLE = date(2022, 10, 6)
CHARTS_CYCLE = date(2024, 12, 26)
DIAGRAMS_CYCLE = date(2020, 11, 5)  # d-TPP cycle 2012 of the fixture
PAE_NOTE = "Park by the old tower; the FBO closes at 8."
GIB = 1 << 30

# ---------------------------------------------------------------------------------------------
# The world around a run: a seeded database, and the directories a run may and may not touch.


@dataclass(frozen=True)
class Seeded:
    """A database holding a whole imported state: airports (with a pilot's note), charts and
    diagrams, each with its active cycle."""

    url: str


def make_settings(url: str, data_dir: Path) -> Settings:
    return Settings(
        database_url=url,
        environment="test",
        data_dir=data_dir,
        chart_catalogue="sample",
        tile_processes=1,
    )


def airport_sources(directory: Path) -> Path:
    """The PAE and CYRV fixtures laid out as the importer expects them for 2022-10-06."""
    directory.mkdir(parents=True)
    shutil.copy(PAE_ARCHIVE, directory / ARCHIVE)
    for name in ("airports.csv", "runways.csv", "regions.csv"):
        shutil.copy(FIXTURES / "our_airports" / name, directory / name)
    (directory / "airport-frequencies.csv").write_text(FREQUENCIES_HEADER)
    return directory


def chart_sources(directory: Path) -> Path:
    directory.mkdir(parents=True)
    shutil.copy(CHARTS_ZIP, directory / CHARTS_ZIP.name)
    return directory


def diagram_sources(directory: Path) -> Path:
    directory.mkdir(parents=True)
    with zipfile.ZipFile(FIXTURES / "airport_diagrams.zip") as archive:
        for name in (METAFILE, "00142AD.PDF"):
            (directory / name).write_bytes(archive.read(name))
    return directory


async def query(url: str, sql: str, **params: Any) -> list[Any]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(sa.text(sql), params)
            return list(result.all()) if result.returns_rows else []
    finally:
        await engine.dispose()


async def database_state(url: str) -> dict[str, Any]:
    """Row count and checksum of every table but the run records (and PostGIS's own)."""
    tables = [
        name
        for (name,) in await query(
            url,
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN "
            "('importer_runs', 'spatial_ref_sys') ORDER BY tablename",
        )
    ]
    checksums = " UNION ALL ".join(
        f"SELECT '{name}', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
        f' FROM "{name}" t'
        for name in tables
    )
    state: dict[str, Any] = {
        name: (count, digest) for name, count, digest in await query(url, checksums)
    }
    state["active cycles"] = await query(
        url, "SELECT product, cycle, run_id FROM faa_data_cycles ORDER BY product"
    )
    return state


@pytest.fixture(scope="module")
async def seeded(
    cluster: Any, clone_template: Any, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Seeded]:
    name = f"pirep_hostile_{uuid.uuid4().hex[:10]}"
    url = await clone_template(name)
    root = tmp_path_factory.mktemp("seed")
    settings = make_settings(url, root / "data")
    runs = [
        (Product.AIRPORTS, airport_sources(root / "airports"), AIRPORTS_CYCLE),
        (Product.CHARTS, chart_sources(root / "charts"), CHARTS_CYCLE),
        (Product.DIAGRAMS, diagram_sources(root / "diagrams"), DIAGRAMS_CYCLE),
    ]
    for product, directory, cycle in runs:
        options = RunOptions(products=(product,), source_dir=directory, cycle=cycle, force=True)
        await run_import(settings, options, PlainReporter())
    await query(url, "UPDATE airports SET description = :note WHERE code = 'PAE'", note=PAE_NOTE)
    assert len((await database_state(url))["active cycles"]) == 3
    yield Seeded(url)
    await cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _files(root: Path, skip: Path | None = None) -> dict[str, tuple[int, int, int]]:
    found: dict[str, tuple[int, int, int]] = {}
    if not root.exists():
        return found
    for path in root.rglob("*"):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        info = path.lstat()
        found[str(path)] = (info.st_mode, info.st_size, info.st_mtime_ns)
    return found


class Workspace:
    """A test's directories: ``sources`` (hostile input), ``data`` (the run's cache and
    storage: the only place it may write) and a sentinel directory beside the test's own."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = tmp_path
        self.data = tmp_path / "data"
        self.sources = tmp_path / "sources"
        self.sentinel = tmp_path.parent / f"{tmp_path.name}-sentinel"
        self.sentinel.mkdir(exist_ok=True)
        (self.sentinel / "keep.txt").write_text("untouched")
        # A mark in the names of hostile members, to find them wherever they might have landed.
        self.token = uuid.uuid4().hex[:12]

    def snapshot(self) -> dict[str, Any]:
        return {
            "test directory": _files(self.root, skip=self.data),
            "sentinel": _files(self.sentinel),
            "temporary directory": sorted(
                name for name in os.listdir(tempfile.gettempdir()) if self.token in name
            ),
        }

    def written_directories(self) -> set[str]:
        return {path.name for path in self.data.iterdir()} if self.data.exists() else set()

    def escapes(self) -> list[Path]:
        """Files named after this test's token anywhere a traversal could have put them."""
        pattern = f"*{self.token}*"
        places = [self.root.parent, Path(tempfile.gettempdir()), ROOT, Path("/")]
        found = [path for place in places for path in place.glob(pattern)]
        found += list(self.root.parent.rglob(pattern))
        return found


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path)


async def refused(
    seeded: Seeded,
    workspace: Workspace,
    product: Product,
    cycle: date,
    expected: str,
) -> str:
    """Run the import of ``product`` from ``workspace.sources``; check it fails with a message
    matching ``expected`` and changes nothing it must not. The message."""
    run_settings = make_settings(seeded.url, workspace.data)
    options = RunOptions(products=(product,), source_dir=workspace.sources, cycle=cycle, force=True)
    database_before = await database_state(seeded.url)
    files_before = workspace.snapshot()

    with pytest.raises(PirepError) as raised:
        await run_import(run_settings, options, PlainReporter())

    message = raised.value.detail
    assert re.search(expected, message), message
    assert await database_state(seeded.url) == database_before
    assert workspace.snapshot() == files_before
    assert workspace.escapes() == []
    assert workspace.written_directories() <= {"cache", "storage"}
    [(status, error)] = await query(
        seeded.url, "SELECT status, error FROM importer_runs ORDER BY created_at DESC LIMIT 1"
    )
    assert (status, error) == ("failed", message)
    return message


# ---------------------------------------------------------------------------------------------
# Building hostile files.


def pae_tables() -> dict[str, CsvTable]:
    return read_archive_tables(PAE_ARCHIVE)


def without_column(table: CsvTable, column: str) -> CsvTable:
    header = [name for name in table.header if name != column]
    return CsvTable(header, [{k: v for k, v in row.items() if k != column} for row in table.rows])


def reordered(table: CsvTable) -> CsvTable:
    return CsvTable(list(reversed(table.header)), copy.deepcopy(table.rows))


def write_nasr(directory: Path, members: dict[str, CsvTable | bytes]) -> None:
    write_archive(directory / ARCHIVE, members)


@dataclass(frozen=True)
class RawMember:
    """A zip member written byte for byte: its data as stored, and what the directory says."""

    name: str
    data: bytes
    crc: int
    size: int
    method: int = zipfile.ZIP_STORED
    external_attr: int = 0o100644 << 16
    flags: int = 0


def stored(name: str, body: bytes, **values: Any) -> RawMember:
    return RawMember(name, body, zlib.crc32(body), len(body), **values)


def raw_zip(path: Path, members: list[RawMember]) -> Path:
    """A zip archive written by hand, so that it can say what ``zipfile`` would not write."""
    body = bytearray()
    directory = bytearray()
    for member in members:
        name = member.name.encode()
        offset = len(body)
        # Version 2.0, the flags and method, a fixed time and date, the CRC and both sizes.
        common = (20, member.flags, member.method, 0, 0x21, member.crc, len(member.data))
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", *common, member.size, len(name), 0)
        body += name + member.data
        # Made on Unix (3 << 8): the external attributes are a file mode.
        entry = (*common, member.size, len(name), 0, 0, 0, 0, member.external_attr, offset)
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", (3 << 8) | 20, *entry)
        directory += name
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0
    )
    path.write_bytes(bytes(body + directory + end))
    return path


@functools.cache
def _zeros_stream(size: int) -> tuple[bytes, int]:
    """``size`` zero bytes deflated (about a thousandth of that) and their CRC, built from one
    compressed mebibyte repeated: after a full flush the compressor starts afresh, so every
    block is the same."""
    chunk = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(size // len(chunk)):
        crc = zlib.crc32(chunk, crc)
    return block * (size // len(chunk)) + tail, crc


def deflated_zeros(name: str, size: int, *, declared: int | None = None) -> RawMember:
    """A member of ``size`` zero bytes, whose directory entry says ``declared`` bytes if given
    (with the checksum of that many zeros, so that reading only what it declares passes)."""
    data, crc = _zeros_stream(size)
    if declared is not None:
        return RawMember(name, data, zlib.crc32(bytes(declared)), declared, zipfile.ZIP_DEFLATED)
    return RawMember(name, data, crc, size, zipfile.ZIP_DEFLATED)


def nasr_members() -> list[RawMember]:
    tables = pae_tables()
    return [stored(name, table.to_bytes()) for name, table in tables.items()]


def chart_tif() -> bytes:
    with zipfile.ZipFile(CHARTS_ZIP) as archive:
        return archive.read(CHART_TIF)


def write_charts(directory: Path, tif: bytes, extra: dict[str, bytes] | None = None) -> None:
    with zipfile.ZipFile(CHARTS_ZIP) as sample:
        inset = sample.read("Inset Test SEC.tif")
    with zipfile.ZipFile(directory / CHARTS_ZIP.name, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(CHART_TIF, tif)
        archive.writestr("Inset Test SEC.tif", inset)
        for name, body in (extra or {}).items():
            archive.writestr(name, body)


def huge_chart(directory: Path) -> bytes:
    """A sparse GeoTIFF whose header claims 200,000 × 200,000 pixels (40 gigapixels), with the
    sample's georeferencing: a few hundred kilobytes on disk."""
    with rasterio.MemoryFile(chart_tif()) as memory, memory.open() as sample:
        crs, transform = sample.crs, sample.transform
    path = directory / "huge.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=200_000,
        height=200_000,
        count=1,
        dtype="uint8",
        crs=crs,
        transform=transform,
        tiled=True,
        blockxsize=1024,
        blockysize=1024,
        sparse_ok=True,
        BIGTIFF="YES",
    ):
        pass
    body = path.read_bytes()
    path.unlink()
    return body


# ---------------------------------------------------------------------------------------------
# The airports product: NASR archives.


def _utf16(tables: dict[str, CsvTable]) -> dict[str, CsvTable | bytes]:
    text = tables["APT_BASE.csv"].to_bytes().decode("latin-1")
    return {**tables, "APT_BASE.csv": text.encode("utf-16")}


def _nul(tables: dict[str, CsvTable]) -> dict[str, CsvTable | bytes]:
    body = tables["APT_BASE.csv"].to_bytes()
    return {**tables, "APT_BASE.csv": body.replace(b"SNOHOMISH", b"SNOHO\x00MISH", 1)}


def _missing_column(tables: dict[str, CsvTable]) -> dict[str, CsvTable | bytes]:
    return {**tables, "APT_BASE.csv": without_column(tables["APT_BASE.csv"], "LAT_DECIMAL")}


def _huge_field(tables: dict[str, CsvTable]) -> dict[str, CsvTable | bytes]:
    base = tables["APT_BASE.csv"]
    base.rows[0]["ARPT_NAME"] = "A" * (50 << 20)
    return {**tables, "APT_BASE.csv": base}


def _runaway_quote(tables: dict[str, CsvTable]) -> dict[str, CsvTable | bytes]:
    body = tables["APT_RWY.csv"].to_bytes()
    return {**tables, "APT_RWY.csv": body.replace(b'"16L/34R"', b'"16L/34R', 1)}


def _short_row(tables: dict[str, CsvTable]) -> dict[str, CsvTable | bytes]:
    body = tables["APT_RMK.csv"].to_bytes()
    return {**tables, "APT_RMK.csv": body.rstrip(b"\r\n").rsplit(b",", 1)[0] + b"\r\n"}


NASR_CSV_FAULTS: dict[str, tuple[Callable[..., dict[str, CsvTable | bytes]], str]] = {
    "UTF-16 text": (_utf16, r"^APT_BASE\.csv line 1: the file is UTF-16 text"),
    "a NUL byte": (_nul, r"^APT_BASE\.csv line 2: the row holds NUL bytes"),
    "a required column missing": (
        _missing_column,
        r"^APT_BASE\.csv line 1: the column LAT_DECIMAL is missing from the header",
    ),
    "a 50 MB field": (
        _huge_field,
        r"^APT_BASE\.csv line 2: a field is longer than the limit of 1,048,576 characters\.$",
    ),
    "a quote never closed": (_runaway_quote, r"^APT_RWY\.csv line \d+: "),
    "a row cut short": (_short_row, r"^APT_RMK\.csv line 3: expected \d+ fields but found \d+"),
}


@pytest.mark.parametrize("fault", NASR_CSV_FAULTS)
async def test_a_damaged_nasr_csv_is_refused_by_file_and_line(
    seeded: Seeded, workspace: Workspace, fault: str
) -> None:
    mutate, expected = NASR_CSV_FAULTS[fault]
    airport_sources(workspace.sources)
    write_nasr(workspace.sources, mutate(pae_tables()))
    await refused(seeded, workspace, Product.AIRPORTS, AIRPORTS_CYCLE, expected)


def _truncated(directory: Path) -> str:
    whole = PAE_ARCHIVE.read_bytes()
    (directory / ARCHIVE).write_bytes(whole[: len(whole) * 2 // 3])
    return rf"^{re.escape(ARCHIVE)} is not a complete zip archive \(truncated or corrupt\)\.$"


def _bomb(directory: Path) -> str:
    # 2 GiB of zeros in about 2 MB: refused from the archive's directory, before inflating.
    members = [m for m in nasr_members() if m.name != "APT_RMK.csv"]
    raw_zip(directory / ARCHIVE, [*members, deflated_zeros("APT_RMK.csv", 2 * GIB)])
    return r"its member APT_RMK\.csv would expand to 2,147,483,648 bytes, more than the limit"


def _lying_bomb(directory: Path) -> str:
    # The directory says 1 kB; the stream inflates to 2 GiB. Only the kilobyte is ever read.
    members = [m for m in nasr_members() if m.name != "APT_RMK.csv"]
    raw_zip(directory / ARCHIVE, [*members, deflated_zeros("APT_RMK.csv", 2 * GIB, declared=1000)])
    return r"^APT_RMK\.csv line 1: the row holds NUL bytes"


def _many_members(directory: Path) -> str:
    extra = [stored(f"x/{number}.txt", b"") for number in range(1001)]
    raw_zip(directory / ARCHIVE, [*nasr_members(), *extra])
    return rf"^{re.escape(ARCHIVE)} lists 1,004 members, more than the limit of 1,000"


def _encrypted(directory: Path) -> str:
    members = [
        m if m.name != "APT_RWY.csv" else stored(m.name, m.data, flags=1) for m in nasr_members()
    ]
    raw_zip(directory / ARCHIVE, members)
    return rf"^{re.escape(ARCHIVE)} holds an encrypted member, 'APT_RWY\.csv'; refused\.$"


def _unknown_method(directory: Path) -> str:
    members = [
        m if m.name != "APT_RWY.csv" else stored(m.name, m.data, method=99) for m in nasr_members()
    ]
    raw_zip(directory / ARCHIVE, members)
    return rf"^{re.escape(ARCHIVE)} uses a compression method that is not supported\.$"


ARCHIVE_FAULTS: dict[str, Callable[[Path], str]] = {
    "truncated": _truncated,
    "a zip bomb": _bomb,
    "a zip bomb whose directory lies": _lying_bomb,
    "too many members": _many_members,
    "an encrypted member": _encrypted,
    "an unknown compression method": _unknown_method,
}


@pytest.mark.parametrize("fault", ARCHIVE_FAULTS)
async def test_a_hostile_nasr_archive_is_refused_before_it_is_unpacked(
    seeded: Seeded, workspace: Workspace, fault: str
) -> None:
    airport_sources(workspace.sources)
    expected = ARCHIVE_FAULTS[fault](workspace.sources)
    await refused(seeded, workspace, Product.AIRPORTS, AIRPORTS_CYCLE, expected)


def escaping_names(workspace: Workspace) -> dict[str, str]:
    token = workspace.token
    return {
        "a relative climb": f"../../evil-{token}.txt",
        "a deep climb": "../" * 12 + f"tmp/evil-{token}.txt",
        "an absolute path": f"{tempfile.gettempdir()}/evil-{token}.txt",
        "a climb after a folder": f"data/../../../evil-{token}.txt",
        "a Windows climb": f"..\\..\\evil-{token}.txt",
        "a Windows drive": f"C:\\evil-{token}.txt",
    }


@pytest.mark.parametrize(
    "kind",
    [
        "a relative climb",
        "a deep climb",
        "an absolute path",
        "a climb after a folder",
        "a Windows climb",
        "a Windows drive",
        "a symbolic link",
    ],
)
async def test_archive_members_that_would_escape_are_refused(
    seeded: Seeded, workspace: Workspace, kind: str
) -> None:
    airport_sources(workspace.sources)
    if kind == "a symbolic link":
        name = f"link-{workspace.token}"
        extra = stored(name, b"../../../../etc/passwd", external_attr=(stat.S_IFLNK | 0o777) << 16)
        expected = rf"holds a symbolic link, '{name}'; refused\.$"
    else:
        name = escaping_names(workspace)[kind]
        extra = stored(name, b"owned\n")
        expected = rf"holds a member named {re.escape(repr(name))}: an absolute path or one"
    raw_zip(workspace.sources / ARCHIVE, [*nasr_members(), extra])
    message = await refused(seeded, workspace, Product.AIRPORTS, AIRPORTS_CYCLE, expected)
    assert message.startswith(ARCHIVE)


# ---------------------------------------------------------------------------------------------
# The airports product: OurAirports files.


def _edit_file(name: str, edit: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        path = directory / name
        path.write_bytes(edit(path.read_bytes()))

    return apply


def _drop_column(name: str, column: str) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        path = directory / name
        rows = list(csv.reader(io.StringIO(path.read_text(), newline="")))
        index = rows[0].index(column)
        stream = io.StringIO()
        csv.writer(stream, lineterminator="\n").writerows(
            [row[:index] + row[index + 1 :] for row in rows]
        )
        path.write_text(stream.getvalue())

    return apply


OURAIRPORTS_FAULTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "UTF-16 text": (
        _edit_file("airports.csv", lambda body: body.decode().encode("utf-16")),
        r"^The header line of airports\.csv is not UTF-8 text\.$",
    ),
    "a Latin-1 byte": (
        _edit_file(
            "airports.csv", lambda body: body.replace(b"Revelstoke Airport", b"R\xe9velstoke")
        ),
        r"^airports\.csv line 2: the file is not valid utf-8 \(byte \d+ of the line\)\.$",
    ),
    "a NUL byte": (
        _edit_file("runways.csv", lambda body: body.replace(b'"ASP"', b'"A\x00SP"', 1)),
        r"^runways\.csv line 2: the row holds NUL bytes\.$",
    ),
    "a required column missing": (
        _drop_column("airports.csv", "latitude_deg"),
        r"^airports\.csv line 1: the column latitude_deg is missing from the header\.$",
    ),
    "a 50 MB field": (
        _edit_file(
            "airports.csv", lambda body: body.replace(b"Revelstoke Airport", b"R" * (50 << 20))
        ),
        r"^airports\.csv line 2: a field is longer than the limit of 1,048,576 characters\.$",
    ),
    "a value that is not a number": (
        _edit_file("airports.csv", lambda body: body.replace(b"50.962245", b"NaN", 1)),
        r"^airports\.csv line 2, column latitude_deg: 'NaN' is not a number\.$",
    ),
}


@pytest.mark.parametrize("fault", OURAIRPORTS_FAULTS)
async def test_a_damaged_ourairports_file_is_refused_by_file_and_line(
    seeded: Seeded, workspace: Workspace, fault: str
) -> None:
    mutate, expected = OURAIRPORTS_FAULTS[fault]
    airport_sources(workspace.sources)
    mutate(workspace.sources)
    await refused(seeded, workspace, Product.AIRPORTS, AIRPORTS_CYCLE, expected)


async def test_a_data_file_over_the_size_limit_is_refused_unread(
    seeded: Seeded, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The limit (128 MiB) lowered, so that a 2 MiB file stands for a huge one.
    monkeypatch.setattr(csvfile, "MAX_DATA_FILE_BYTES", 1 << 20)
    airport_sources(workspace.sources)
    runways = workspace.sources / "runways.csv"
    runways.write_bytes(runways.read_bytes() + b"\n" * (2 << 20))
    await refused(
        seeded,
        workspace,
        Product.AIRPORTS,
        AIRPORTS_CYCLE,
        r"^runways\.csv is larger than the limit of 1,048,576 bytes for a data file; refused\.$",
    )


# ---------------------------------------------------------------------------------------------
# What must keep working: variations that real files show.


def _airports_and_runways_sql() -> str:
    return (
        "SELECT a.code, a.name, a.latitude, a.longitude, a.elevation_ft, "
        "array_agg(r.number ORDER BY r.number) FROM airports a "
        "LEFT JOIN runways r ON r.airport_id = a.id GROUP BY a.id ORDER BY a.code"
    )


async def _import_airports(url: str, directory: Path, data: Path) -> list[Any]:
    options = RunOptions(
        products=(Product.AIRPORTS,), source_dir=directory, cycle=AIRPORTS_CYCLE, force=True
    )
    await run_import(make_settings(url, data), options, PlainReporter())
    return await query(url, _airports_and_runways_sql())


async def test_reordered_columns_and_mixed_line_ends_import_as_the_originals(
    fresh_database: str, tmp_path: Path
) -> None:
    expected = await _import_airports(
        fresh_database, airport_sources(tmp_path / "plain"), tmp_path / "data"
    )
    assert [row[0] for row in expected] == ["CYRV", "PAE"]

    variant = airport_sources(tmp_path / "variant")
    tables = pae_tables()
    base = reordered(tables["APT_BASE.csv"]).to_bytes()
    # Every other line end of the runways is a bare LF, as after a careless edit.
    runway_lines = tables["APT_RWY.csv"].to_bytes().split(b"\r\n")
    runways = b"".join(
        line + (b"\n" if number % 2 else b"\r\n") for number, line in enumerate(runway_lines[:-1])
    )
    write_nasr(variant, {**tables, "APT_BASE.csv": base, "APT_RWY.csv": runways})
    airports = variant / "airports.csv"
    rows = list(csv.reader(io.StringIO(airports.read_text(), newline="")))
    order = list(reversed(range(len(rows[0]))))
    stream = io.StringIO()
    csv.writer(stream, lineterminator="\r\n").writerows([[row[i] for i in order] for row in rows])
    airports.write_text(stream.getvalue(), newline="")

    assert await _import_airports(fresh_database, variant, tmp_path / "data") == expected


async def test_latin1_names_of_nasr_are_kept(fresh_database: str, tmp_path: Path) -> None:
    """The FAA writes Latin-1: its accented bytes are letters, not errors."""
    directory = airport_sources(tmp_path / "sources")
    tables = pae_tables()
    tables["APT_BASE.csv"].rows[0]["CITY"] = "CAÑON CITY"
    tables["APT_BASE.csv"].rows[0]["ARPT_NAME"] = "ÉVERETT PAINE FIELD"
    write_nasr(directory, tables)
    await _import_airports(fresh_database, directory, tmp_path / "data")
    assert await query(fresh_database, "SELECT name, city FROM airports WHERE code = 'PAE'") == [
        ("ÉVERETT PAINE FIELD", "CAÑON CITY")
    ]


# ---------------------------------------------------------------------------------------------
# The diagrams product: the d-TPP metafile.


class DtdServer(Handler):
    """Counts requests: an XML parser that fetches external DTDs or entities would be seen."""

    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        DtdServer.requests.append(self.path)
        self.send_body(b'<!ENTITY leak "leaked">', "application/xml-dtd")


@pytest.fixture
def dtd_server() -> Iterator[str]:
    DtdServer.requests = []
    with local_server(DtdServer) as base:
        yield base


def with_doctype(doctype: str, body: str = "") -> Callable[[bytes], bytes]:
    def edit(metafile: bytes) -> bytes:
        declaration, rest = metafile.split(b"\n", 1)
        rest = rest.replace(b'cycle="2012"', b'cycle="2013"', 1)
        if body:
            rest = rest.replace(b"<pdf_name>", f"<pdf_name>{body}".encode(), 1)
        return declaration + b"\n" + doctype.encode() + b"\n" + rest

    return edit


LAUGHS = (
    "<!DOCTYPE digital_tpp ["
    '<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)

METAFILE_FAULTS: dict[str, tuple[Callable[[str], Callable[[bytes], bytes]], str]] = {
    "a billion laughs": (
        lambda server: with_doctype(LAUGHS, "&lol9;"),
        r"^d-TPP_Metafile\.xml: it declares the XML entity 'lol', which is never expanded; ",
    ),
    "an external entity": (
        lambda server: with_doctype(
            '<!DOCTYPE digital_tpp [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"
        ),
        r"^d-TPP_Metafile\.xml: it declares the XML entity 'x' from file:///etc/passwd, which is "
        r"never expanded; refused\.$",
    ),
    "an external parameter entity": (
        lambda server: with_doctype(
            f'<!DOCTYPE digital_tpp [<!ENTITY % p SYSTEM "{server}/p.dtd"> %p;]>'
        ),
        r"^d-TPP_Metafile\.xml: it declares the XML entity 'p' from http://127\.0\.0\.1:\d+/p\.dtd",
    ),
    "an entity from an external DTD": (
        lambda server: with_doctype(f'<!DOCTYPE digital_tpp SYSTEM "{server}/d.dtd">', "&leak;"),
        r"^d-TPP_Metafile\.xml line \d+, column \d+: not well-formed XML \(undefined entity",
    ),
    "malformed XML": (
        lambda server: lambda body: body[: len(body) // 2] + b"<broken",
        r"^d-TPP_Metafile\.xml line \d+, column \d+: not well-formed XML",
    ),
    "not XML at all": (
        lambda server: lambda body: b"\x00\xff" + os.urandom(64),
        r"^d-TPP_Metafile\.xml line 1, column \d+: not well-formed XML",
    ),
}


@pytest.mark.parametrize("fault", METAFILE_FAULTS)
async def test_a_hostile_metafile_is_refused_and_nothing_is_expanded_or_fetched(
    seeded: Seeded, workspace: Workspace, dtd_server: str, fault: str
) -> None:
    make, expected = METAFILE_FAULTS[fault]
    diagram_sources(workspace.sources)
    metafile = workspace.sources / METAFILE
    metafile.write_bytes(make(dtd_server)(metafile.read_bytes()))

    message = await refused(seeded, workspace, Product.DIAGRAMS, date(2020, 12, 3), expected)

    assert "root:" not in message
    assert "lollol" not in message
    assert DtdServer.requests == []


def test_an_external_dtd_is_never_fetched_and_pdf_names_cannot_climb(
    tmp_path: Path, dtd_server: str
) -> None:
    directory = diagram_sources(tmp_path / "sources")
    metafile = directory / METAFILE
    body = with_doctype(f'<!DOCTYPE digital_tpp SYSTEM "{dtd_server}/d.dtd">')(
        metafile.read_bytes()
    )
    metafile.write_bytes(body.replace(b"00142AD.PDF", b"../../../etc/passwd.PDF", 1))
    # The DOCTYPE alone is harmless: it is not fetched, and the climbing name is left out.
    assert read_metafile(metafile).diagrams == {}
    assert DtdServer.requests == []


# ---------------------------------------------------------------------------------------------
# The charts product: GeoTIFFs inside chart archives.


def _truncated_tif(directory: Path) -> str:
    tif = chart_tif()
    write_charts(directory, tif[: len(tif) // 2])
    return (
        r"^Chart sectional/charts_test: cannot read /vsizip/.*/charts_test\.zip/Charts Test "
        r"SEC\.tif: TIFFReadEncodedStrip"
    )


def _garbage_tif(directory: Path) -> str:
    write_charts(directory, np.random.default_rng(7).bytes(60_000))
    return r"^Chart sectional/charts_test: cannot read .*not recognized as being in a supported"


def _garbage_in_tif(directory: Path) -> str:
    tif = bytearray(chart_tif())
    tif[8:40_000] = np.random.default_rng(8).bytes(40_000 - 8)
    write_charts(directory, bytes(tif))
    return r"^Chart sectional/charts_test: .*Charts Test SEC\.tif"


def _huge_tif(directory: Path) -> str:
    write_charts(directory, huge_chart(directory))
    return (
        r"^Chart sectional/charts_test: .*Charts Test SEC\.tif claims 200,000 × 200,000 pixels, "
        r"more than the limit of 1,000,000,000\.$"
    )


def _chart_bomb(directory: Path) -> str:
    with zipfile.ZipFile(CHARTS_ZIP) as sample:
        members = [stored(name, sample.read(name)) for name in sample.namelist()]
    raw_zip(directory / CHARTS_ZIP.name, [*members, deflated_zeros("Readme.htm", 2 * GIB)])
    return r"^charts_test\.zip: its member Readme\.htm would expand to 2,147,483,648 bytes"


def _chart_traversal(directory: Path) -> str:
    write_charts(directory, chart_tif(), {"../../../evil.tfw": b"0\n"})
    return r"^charts_test\.zip holds a member named '\.\./\.\./\.\./evil\.tfw'"


CHART_FAULTS: dict[str, Callable[[Path], str]] = {
    "a truncated GeoTIFF": _truncated_tif,
    "garbage for a GeoTIFF": _garbage_tif,
    "garbage inside a GeoTIFF": _garbage_in_tif,
    "absurd dimensions": _huge_tif,
    "a zip bomb": _chart_bomb,
    "a climbing member": _chart_traversal,
}


@pytest.mark.parametrize("fault", CHART_FAULTS)
async def test_a_hostile_chart_archive_is_refused_and_the_active_charts_stay(
    seeded: Seeded, workspace: Workspace, fault: str
) -> None:
    workspace.sources.mkdir()
    expected = CHART_FAULTS[fault](workspace.sources)
    await refused(seeded, workspace, Product.CHARTS, date(2025, 2, 20), expected)


# ---------------------------------------------------------------------------------------------
# The command line: the same refusals, in one sentence and exit code 1.


async def _cli(
    url: str, data: Path, sources: Path, product: Product, cycle: date
) -> tuple[int, str]:
    environment = os.environ | {
        "PIREP_DATABASE_URL": url,
        "PIREP_DATA_DIR": str(data),
        "PIREP_ENVIRONMENT": "test",
        "PIREP_CHART_CATALOGUE": "sample",
        "PIREP_TILE_PROCESSES": "1",
    }
    arguments = ["run", "--source-dir", str(sources), "--cycle", cycle.isoformat(), "--force"]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "importer",
        *arguments,
        "--products",
        product.value,
        cwd=ROOT,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    assert stdout == b""
    return process.returncode, stderr.decode()


async def test_the_command_line_refuses_in_one_sentence(
    seeded: Seeded, workspace: Workspace
) -> None:
    nasr = workspace.sources / "nasr"
    airport_sources(nasr)
    name = escaping_names(workspace)["a relative climb"]
    raw_zip(nasr / ARCHIVE, [*nasr_members(), stored(name, b"owned\n")])
    dtpp = workspace.sources / "dtpp"
    diagram_sources(dtpp)
    metafile = dtpp / METAFILE
    metafile.write_bytes(with_doctype(LAUGHS, "&lol9;")(metafile.read_bytes()))
    database_before = await database_state(seeded.url)
    files_before = workspace.snapshot()

    # One after the other: a second run while one is going is refused for that reason.
    airports = await _cli(seeded.url, workspace.data, nasr, Product.AIRPORTS, AIRPORTS_CYCLE)
    diagrams = await _cli(seeded.url, workspace.data, dtpp, Product.DIAGRAMS, date(2020, 12, 3))

    for (code, stderr), expected in [
        (airports, f"Import failed: {ARCHIVE} holds a member named {name!r}: an absolute path"),
        (diagrams, "Import failed: d-TPP_Metafile.xml: it declares the XML entity 'lol'"),
    ]:
        assert code == 1, stderr
        assert "Traceback" not in stderr
        last = " ".join(stderr.split())  # the console may wrap the sentence
        assert expected in last, stderr
        assert last.endswith("The database was not changed.")
    assert await database_state(seeded.url) == database_before
    assert workspace.snapshot() == files_before
    assert workspace.escapes() == []


# ---------------------------------------------------------------------------------------------
# Random damage to the NASR parser: it parses, or it says where the file is wrong.

_ORIGINAL = {name: table.to_bytes() for name, table in pae_tables().items()}
_SPECIAL = [b"\x00", b'"', b",", b"\r", b"\n", b"\r\n", b"\xff", b"\xe9", b'""', b"-1e999", b" "]


@st.composite
def damaged_tables(draw: st.DrawFn) -> dict[str, bytes]:
    tables = dict(_ORIGINAL)
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(sorted(tables)))
        body = tables[name]
        at = draw(st.integers(0, len(body)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "duplicate line"]))
        if action == "insert":
            piece = draw(st.sampled_from(_SPECIAL) | st.binary(min_size=1, max_size=8))
            body = body[:at] + piece + body[at:]
        elif action == "delete":
            body = body[:at] + body[at + draw(st.integers(1, 64)) :]
        elif action == "replace":
            piece = draw(st.sampled_from(_SPECIAL))
            body = body[:at] + piece + body[at + len(piece) :]
        else:
            lines = body.split(b"\r\n")
            index = draw(st.integers(0, len(lines) - 1))
            body = b"\r\n".join([*lines[: index + 1], lines[index], *lines[index + 1 :]])
        tables[name] = body
    return tables


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(tmp_path_factory.mktemp("damaged"))


@hypothesis.settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(damaged_tables())
def test_random_damage_to_nasr_csv_parses_or_is_a_located_data_error(
    scratch: Path, tables: dict[str, bytes]
) -> None:
    path = scratch / ARCHIVE
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in tables.items():
            archive.writestr(name, body)
    try:
        data = parse_nasr_archive(path)
    except csvfile.DataFileError as error:
        message: str | None = error.detail
    else:
        message = None
        assert all(airport.code for airport in data.airports.values())
    assert message is None or re.match(r"^APT_(BASE|RWY|RMK)\.csv line \d+[:,] ", message), message


@hypothesis.settings(max_examples=60, derandomize=True, deadline=None, database=None)
@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=6))
def test_random_damage_to_a_nasr_zip_is_refused_or_read_never_crashes(
    scratch: Path, flips: list[tuple[int, int]]
) -> None:
    archive = bytearray(PAE_ARCHIVE.read_bytes())
    for offset, value in flips:
        archive[offset % len(archive)] = value
    path = scratch / ARCHIVE
    path.write_bytes(bytes(archive))
    message = None
    try:
        validate_zip(("APT_BASE.csv", "APT_RWY.csv", "APT_RMK.csv"))(path)
        parse_nasr_archive(path)
    except PirepError as error:
        message = error.detail
    assert message is None or message.startswith(("APT_", ARCHIVE)), message
