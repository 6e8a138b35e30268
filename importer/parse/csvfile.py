"""Reading data files by column name, with errors that name the file, line and column."""

from __future__ import annotations

import csv
import io
import math
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO

from api.core.errors import ImportFailed

# A field longer than this is refused (csv.Error), so that one runaway quote cannot make a row
# of the whole file.
MAX_FIELD_CHARS = 1 << 20
csv.field_size_limit(MAX_FIELD_CHARS)
# A data file is read whole: the largest real ones (NASR's APT_BASE, OurAirports' airports) are
# about 10 MB.
MAX_DATA_FILE_BYTES = 128 << 20
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")

# The range of the database's integer columns.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


class DataFileError(ImportFailed):
    """A data file is malformed; the message says where."""

    error = "DataFileError"


class Row:
    """One data row, read by column name."""

    __slots__ = ("_columns", "_values", "file_name", "line")

    def __init__(
        self, file_name: str, line: int, columns: dict[str, int], values: list[str]
    ) -> None:
        self.file_name = file_name
        self.line = line
        self._columns = columns
        self._values = values

    def fail(self, column: str, message: str) -> DataFileError:
        """An error located at ``column`` of this row."""
        return DataFileError(f"{self.file_name} line {self.line}, column {column}: {message}")

    def text(self, column: str) -> str:
        """The stripped text of ``column`` ('' when the file lacks the column)."""
        index = self._columns.get(column)
        return self._values[index].strip() if index is not None else ""

    def optional_text(self, column: str) -> str | None:
        return self.text(column) or None

    def required_text(self, column: str) -> str:
        value = self.text(column)
        if not value:
            raise self.fail(column, "a value is required but the field is empty.")
        return value

    def optional_float(self, column: str) -> float | None:
        value = self.text(column)
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise self.fail(column, f"{value!r} is not a number.")
        return number

    def required_float(self, column: str, low: float, high: float) -> float:
        value = self.optional_float(column)
        if value is None:
            raise self.fail(column, "a number is required but the field is empty.")
        if not low <= value <= high:
            raise self.fail(column, f"{value} is outside the range {low} to {high}.")
        return value

    def optional_int(self, column: str, low: int = INT_MIN, high: int = INT_MAX) -> int | None:
        """An integer, truncating a decimal value (606.9 → 606)."""
        value = self.optional_float(column)
        if value is None:
            return None
        if not low <= value <= high:
            raise self.fail(column, f"{self.text(column)} is outside the range {low} to {high}.")
        return int(value)

    def optional_year_month(self, column: str) -> date | None:
        """A ``YYYY/MM`` date as the first of that month."""
        value = self.text(column)
        if not value:
            return None
        try:
            year, month = value.split("/")[:2]
            return date(int(year), int(month), 1)
        except ValueError:
            raise self.fail(column, f"{value!r} is not a YYYY/MM date.") from None

    def flag(self, column: str) -> bool | None:
        """A ``Y``/``N`` flag; anything else is unknown."""
        value = self.text(column).upper()
        return True if value == "Y" else False if value == "N" else None


def read_rows(stream: Iterable[str], file_name: str, required: Iterable[str] = ()) -> Iterator[Row]:
    """Rows of CSV text lines, checking the header has the ``required`` columns."""
    reader = csv.reader(stream, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise DataFileError(f"{file_name} is empty: the header line is missing.")
        columns = {name.strip().lstrip("\ufeff"): index for index, name in enumerate(header)}
        missing = [name for name in required if name not in columns]
        if missing:
            raise DataFileError(
                f"{file_name} line 1: the column {', '.join(missing)} is missing from the header."
            )
        width = len(header)
        for values in reader:
            if not values:
                continue
            if len(values) != width:
                raise DataFileError(
                    f"{file_name} line {reader.line_num}: expected {width} fields but found "
                    f"{len(values)}."
                )
            yield Row(file_name, reader.line_num, columns, values)
    except csv.Error as error:
        reason = str(error)
        if reason.startswith("field larger than field limit"):
            reason = f"a field is longer than the limit of {MAX_FIELD_CHARS:,} characters"
        raise DataFileError(f"{file_name} line {reader.line_num}: {reason}.") from None


def _decoded_lines(raw: IO[bytes], file_name: str, encoding: str) -> Iterator[str]:
    """The lines of ``raw`` with their line ends; a bad byte or a NUL is reported by line.

    The file is decoded whole (data files are megabytes, not gigabytes), which is several times
    faster than line by line; the line of an error is found from its byte offset.
    """
    data = raw.read(MAX_DATA_FILE_BYTES + 1)
    if len(data) > MAX_DATA_FILE_BYTES:
        raise _too_large(file_name)
    if encoding != "utf-16" and data.startswith(_UTF16_MARKS):
        raise DataFileError(
            f"{file_name} line 1: the file is UTF-16 text (it starts with a UTF-16 byte order "
            f"mark), not {encoding}."
        )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        raise DataFileError(
            f"{file_name} line {line}: the file is not valid {encoding} "
            f"(byte {error.start - line_start + 1} of the line)."
        ) from None
    nul, newline = text.find("\x00"), "\n"
    if nul >= 0:
        raise DataFileError(
            f"{file_name} line {text.count(newline, 0, nul) + 1}: the row holds NUL bytes."
        )
    return iter(io.StringIO(text, newline=""))


def _too_large(file_name: str) -> DataFileError:
    return DataFileError(
        f"{file_name} is larger than the limit of {MAX_DATA_FILE_BYTES:,} bytes for a data "
        "file; refused."
    )


@contextmanager
def open_member(archive: zipfile.ZipFile, name: str, encoding: str) -> Iterator[Iterator[str]]:
    """The text lines of one member of a zip archive."""
    unreadable = (zipfile.BadZipFile, zlib.error, EOFError, OSError)
    try:
        if archive.getinfo(name).file_size > MAX_DATA_FILE_BYTES:
            raise _too_large(name)
        # Encrypted members raise RuntimeError; unknown compression methods NotImplementedError.
        raw = archive.open(name)
    except (*unreadable, RuntimeError, NotImplementedError) as error:
        raise _unreadable(archive, name, error) from None
    try:
        with raw:
            yield _decoded_lines(raw, name, encoding)
    except unreadable as error:
        raise _unreadable(archive, name, error) from None


def _unreadable(archive: zipfile.ZipFile, name: str, error: Exception) -> DataFileError:
    return DataFileError(
        f"{name} could not be read from {Path(str(archive.filename)).name}: {error}."
    )


@contextmanager
def open_archive(path: Path) -> Iterator[zipfile.ZipFile]:
    """A zip archive, with a clear error when it is truncated or not a zip at all."""
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive
    except zipfile.BadZipFile:
        raise DataFileError(
            f"{path.name} is not a complete zip archive (truncated or corrupt)."
        ) from None


@contextmanager
def open_text(path: Path, encoding: str = "utf-8") -> Iterator[Iterator[str]]:
    """The text lines of a file, with a clear error when it is missing."""
    try:
        with path.open("rb") as raw:
            yield _decoded_lines(raw, path.name, encoding)
    except FileNotFoundError:
        raise DataFileError(f"{path.name} was not found in {path.parent}.") from None
