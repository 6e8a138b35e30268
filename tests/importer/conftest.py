"""Builders of small source files for the importer tests.

NASR archives are written the way the FAA writes them (latin-1, CRLF, every field quoted), from
tables that tests read from the real fixtures and then edit by column name.
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAE_ARCHIVE = FIXTURES / "airport_data.zip"
ARCHIVE = "06_Oct_2022_APT_CSV.zip"
FREQUENCIES_HEADER = '"id","airport_ref","airport_ident","type","description","frequency_mhz"\n'


@dataclass
class CsvTable:
    """A CSV file as a header and rows addressed by column name."""

    header: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def parse(cls, data: bytes, encoding: str = "latin-1") -> CsvTable:
        reader = csv.reader(io.StringIO(data.decode(encoding), newline=""))
        header = next(reader)
        return cls(header, [dict(zip(header, values, strict=True)) for values in reader])

    def add(self, base: Mapping[str, str] | None = None, **values: str) -> dict[str, str]:
        """Append a row: a copy of ``base`` (or an empty row) with ``values`` set."""
        row = dict.fromkeys(self.header, "") | dict(base or {}) | values
        self.rows.append(row)
        return row

    def to_bytes(self, encoding: str = "latin-1", line_end: str = "\r\n") -> bytes:
        """The file as the FAA writes it: every field quoted, CRLF line ends."""
        stream = io.StringIO()
        writer = csv.writer(stream, quoting=csv.QUOTE_ALL, lineterminator=line_end)
        writer.writerow(self.header)
        for row in self.rows:
            writer.writerow([row.get(column, "") for column in self.header])
        return stream.getvalue().encode(encoding)


def read_archive_tables(path: Path) -> dict[str, CsvTable]:
    with zipfile.ZipFile(path) as archive:
        return {name: CsvTable.parse(archive.read(name)) for name in archive.namelist()}


def write_archive(path: Path, members: Mapping[str, CsvTable | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, member in members.items():
            archive.writestr(name, member if isinstance(member, bytes) else member.to_bytes())
    return path


def write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[object]]) -> Path:
    """A UTF-8 CSV file the way OurAirports writes it (LF line ends)."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(list(header))
        writer.writerows([list(row) for row in rows])
    return path


@pytest.fixture
def pae_tables() -> dict[str, CsvTable]:
    """The tables of the original's PAE sample (cycle 2022-10-06), ready to be edited."""
    return read_archive_tables(PAE_ARCHIVE)


@pytest.fixture
def nasr_archive(tmp_path: Path) -> Callable[..., Path]:
    """Writes a NASR archive from tables (or raw bytes) into the test's directory."""

    def write(
        members: Mapping[str, CsvTable | bytes], name: str = "06_Oct_2022_APT_CSV.zip"
    ) -> Path:
        return write_archive(tmp_path / name, members)

    return write


@pytest.fixture
def csv_table() -> type[CsvTable]:
    """The table class, to build files of other layouts."""
    return CsvTable


@pytest.fixture
def utf8_csv() -> Callable[[Path, Iterable[str], Iterable[Iterable[object]]], Path]:
    """Writes a UTF-8 CSV file the way OurAirports does (LF line ends)."""
    return write_csv


@pytest.fixture
def source_dir(tmp_path: Path) -> Path:
    """The original's fixtures laid out as the importer expects them for cycle 2022-10-06."""
    directory = tmp_path / "sources"
    directory.mkdir()
    shutil.copy(FIXTURES / "airport_data.zip", directory / ARCHIVE)
    for name in ("airports.csv", "runways.csv", "regions.csv"):
        shutil.copy(FIXTURES / "our_airports" / name, directory / name)
    (directory / "airport-frequencies.csv").write_text(FREQUENCIES_HEADER)
    return directory
