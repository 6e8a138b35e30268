"""Download client of the importer: cached, resumable, retried and validated downloads.

A file is streamed to ``<name>.part`` next to its final place in the cache directory, resumed
with a ``Range`` request after a failure, validated, and only then renamed to its final name, so
a file under its final name is always complete.
"""

from __future__ import annotations

import asyncio
import csv
import logging
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

import httpx

from api.core import retry
from api.core.errors import PirepError

logger = logging.getLogger(__name__)

Validator = Callable[[Path], None]
ProgressCallback = Callable[[str, int, int | None], None]

PART_SUFFIX = ".part"
MAX_BACKOFF_SECONDS = 60.0
MAX_HEADER_BYTES = 1 << 16
# Bounds of what an archive may expand to, checked from its directory before anything is
# decompressed. The largest real members are chart GeoTIFFs of a few hundred megabytes; NASR's
# CSV archive holds 87 members.
MAX_MEMBER_BYTES = 1 << 30
MAX_ARCHIVE_BYTES = 4 << 30
MAX_ARCHIVE_MEMBERS = 1000

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


class DownloadFailed(PirepError):
    """A source file could not be downloaded."""

    status_code = 502
    error = "DownloadFailed"


class CorruptArchive(PirepError):
    """A source file is truncated, corrupt, or lacks a member or column the importer needs."""

    status_code = 422
    error = "CorruptArchive"


class SourceMissing(PirepError):
    """A source file is absent from the local source directory."""

    status_code = 404
    error = "SourceMissing"


class _Retryable(Exception):
    """An attempt failed in a way another attempt may fix; ``reason`` ends a sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _StartOver(Exception):
    """The partial file cannot be resumed and must be downloaded again from its first byte."""


class Downloader:
    """Downloads source files into a cache directory.

    ``timeout`` bounds each connect, read, write and pool wait, in seconds. Connection errors,
    timeouts, short bodies and 429/5xx answers are retried up to ``retries`` times, waiting
    ``backoff_seconds`` and then twice as long each time; other answers fail at once. A
    ``client`` passed in is used as is and left open; without one, each fetch opens its own.
    """

    def __init__(
        self,
        cache_dir: Path,
        *,
        timeout: float,
        retries: int,
        client: httpx.AsyncClient | None = None,
        on_progress: ProgressCallback | None = None,
        backoff_seconds: float = 1.0,
    ) -> None:
        self._cache_dir = cache_dir
        self._timeout_seconds = timeout
        self._timeout = httpx.Timeout(timeout)
        self._retries = retries
        self._client = client
        self._on_progress = on_progress
        self._backoff_seconds = backoff_seconds

    async def fetch(self, url: str, file_name: str, *, validate: Validator | None = None) -> Path:
        """Return the path of ``file_name`` in the cache, downloading it from ``url`` if needed.

        A cached file is used without any request when ``validate`` accepts it (or when there is
        no ``validate``); a rejected cached file is deleted and downloaded again. Raises
        ``DownloadFailed``, or the validator's own error when the downloaded file is rejected.
        """
        final = self._cache_dir / file_name
        try:
            if await asyncio.to_thread(_usable_cached_file, final, validate):
                return final
            await asyncio.to_thread(final.parent.mkdir, parents=True, exist_ok=True)
            if self._client is not None:
                return await self._download(self._client, url, file_name, validate)
            async with httpx.AsyncClient(timeout=self._timeout, follow_redirects=True) as client:
                return await self._download(client, url, file_name, validate)
        except OSError as exc:
            raise DownloadFailed(
                f"Could not download {url} to {final}: {exc.strerror or exc}."
            ) from exc

    async def _download(
        self, client: httpx.AsyncClient, url: str, file_name: str, validate: Validator | None
    ) -> Path:
        final = self._cache_dir / file_name
        part = final.with_name(final.name + PART_SUFFIX)
        count = self._retries + 1
        try:
            async for attempt in retry.attempts(
                _Retryable,
                count=count,
                first_wait=self._backoff_seconds,
                max_wait=MAX_BACKOFF_SECONDS,
            ):
                with attempt:
                    try:
                        await self._attempt(client, url, file_name, part)
                    except _Retryable as exc:
                        if attempt.num < count:
                            logger.info(
                                "Retrying %s in %.1f s: %s", url, attempt.next_wait, exc.reason
                            )
                        raise
        except _Retryable as exc:
            raise DownloadFailed(
                f"Could not download {url}: {exc.reason} (gave up after {_attempts(count)})."
            ) from exc
        await asyncio.to_thread(_validate_and_rename, part, final, validate)
        return final

    async def _attempt(
        self, client: httpx.AsyncClient, url: str, file_name: str, part: Path
    ) -> None:
        """One attempt: resume the partial file, or download it again from its first byte when
        the server cannot resume it (a request without a Range header cannot be refused so)."""
        try:
            await self._request(client, url, file_name, part)
        except _StartOver:
            await asyncio.to_thread(part.unlink, missing_ok=True)
            await self._request(client, url, file_name, part)

    async def _request(
        self, client: httpx.AsyncClient, url: str, file_name: str, part: Path
    ) -> None:
        offset = await asyncio.to_thread(_size_or_zero, part)
        # Ask for the bytes as stored, so that Content-Length and Range count bytes of the file.
        headers = {"Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        try:
            async with client.stream(
                "GET", url, headers=headers, timeout=self._timeout, follow_redirects=True
            ) as response:
                start = _body_start(url, response, offset)
                await self._receive(response, file_name, part, start)
        except httpx.TimeoutException as exc:
            raise _Retryable(
                f"the server did not respond within {self._timeout_seconds:g} seconds"
            ) from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.DecodingError) as exc:
            raise _Retryable(f"the connection failed ({_describe(exc)})") from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise DownloadFailed(f"Could not download {url}: {_describe(exc)}.") from exc

    async def _receive(
        self, response: httpx.Response, file_name: str, part: Path, start: int
    ) -> None:
        """Write the body to ``part`` from byte ``start`` on, then check its length."""
        encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
        declared = _int_or_none(response.headers.get("Content-Length"))
        total = start + declared if declared is not None and not encoded else None
        done = start
        complete = False
        handle = await asyncio.to_thread(part.open, "ab" if start else "wb")
        try:
            # Chunks are written as they arrive, so a dropped connection loses nothing received.
            async for chunk in response.aiter_bytes():
                await asyncio.to_thread(handle.write, chunk)
                done += len(chunk)
                if self._on_progress is not None:
                    self._on_progress(file_name, done, total)
            received = done - start
            if declared is not None and not encoded and received < declared:
                raise _Retryable(f"the body ended after {received} of {declared} bytes")
            complete = True
        finally:
            handle.close()
            if encoded and not complete:
                # Decoded bytes cannot be resumed with a Range that counts encoded ones.
                await asyncio.to_thread(part.unlink, missing_ok=True)


def validate_zip(expected_members: Iterable[str]) -> Validator:
    """A validator that checks a file is a complete zip archive holding ``expected_members``.

    Its directory must pass ``check_members`` before anything is decompressed; then every
    member's checksum is verified. Raises ``CorruptArchive``.
    """
    members = tuple(expected_members)

    def validate(path: Path) -> None:
        name = _display_name(path)
        try:
            with zipfile.ZipFile(path) as archive:
                check_members(name, archive.infolist())
                bad_member = archive.testzip()
                present = set(archive.namelist())
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise CorruptArchive(
                f"{name} is not a complete zip archive (truncated or corrupt)."
            ) from exc
        except NotImplementedError as exc:
            raise CorruptArchive(
                f"{name} uses a compression method that is not supported."
            ) from exc
        if bad_member is not None:
            raise CorruptArchive(f"{name} is corrupt: its member {bad_member} fails its checksum.")
        missing = [member for member in members if member not in present]
        if missing:
            raise CorruptArchive(f"{name} lacks the member{_plural(missing)} {', '.join(missing)}.")

    return validate


def check_members(name: str, members: list[zipfile.ZipInfo]) -> None:
    """Refuse an archive whose directory lists more than the importer will ever unpack: too many
    members, members that would expand beyond ``MAX_MEMBER_BYTES`` or, together, beyond
    ``MAX_ARCHIVE_BYTES`` (a zip bomb), names that are absolute or climb out of their directory,
    symbolic links, and encrypted members. Raises ``CorruptArchive``."""
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise CorruptArchive(
            f"{name} lists {len(members):,} members, more than the limit of "
            f"{MAX_ARCHIVE_MEMBERS:,}; refused."
        )
    total = 0
    for member in members:
        shown = member.filename[:200]
        if _unsafe_member_name(member.filename):
            raise CorruptArchive(
                f"{name} holds a member named {shown!r}: an absolute path or one that leads out "
                "of the archive's directory; refused."
            )
        if stat.S_ISLNK(member.external_attr >> 16):
            raise CorruptArchive(f"{name} holds a symbolic link, {shown!r}; refused.")
        if member.flag_bits & 0x1:
            raise CorruptArchive(f"{name} holds an encrypted member, {shown!r}; refused.")
        if member.file_size > MAX_MEMBER_BYTES:
            raise CorruptArchive(
                f"{name}: its member {shown} would expand to {member.file_size:,} bytes, more "
                f"than the limit of {MAX_MEMBER_BYTES:,}; refused."
            )
        total += member.file_size
    if total > MAX_ARCHIVE_BYTES:
        raise CorruptArchive(
            f"{name} would expand to {total:,} bytes, more than the limit of "
            f"{MAX_ARCHIVE_BYTES:,}; refused."
        )


def _unsafe_member_name(member: str) -> bool:
    parts = member.replace("\\", "/").split("/")
    return member.startswith(("/", "\\")) or (len(member) > 1 and member[1] == ":") or ".." in parts


def validate_csv(required_columns: Iterable[str]) -> Validator:
    """A validator that checks the header line of a CSV file names ``required_columns``.

    Only the first line is read; it must be UTF-8 (a byte order mark is allowed), while the
    rows below may use any encoding. Raises ``CorruptArchive``.
    """
    columns = tuple(required_columns)

    def validate(path: Path) -> None:
        name = _display_name(path)
        with path.open("rb") as handle:
            first_line = handle.readline(MAX_HEADER_BYTES)
        try:
            header_line = first_line.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CorruptArchive(f"The header line of {name} is not UTF-8 text.") from exc
        header = next(csv.reader([header_line]), [])
        present = {column.strip() for column in header}
        missing = [column for column in columns if column not in present]
        if missing:
            raise CorruptArchive(f"{name} lacks the column{_plural(missing)} {', '.join(missing)}.")

    return validate


def local_source(source_dir: Path, file_name: str, validate: Validator | None = None) -> Path:
    """Return ``source_dir / file_name`` after validating it, for offline runs.

    Raises ``SourceMissing`` if the file is absent, or the validator's error if it is rejected.
    """
    path = source_dir / file_name
    if not path.is_file():
        raise SourceMissing(f"The source file {file_name} is missing from {source_dir}.")
    if validate is not None:
        validate(path)
    return path


def _usable_cached_file(final: Path, validate: Validator | None) -> bool:
    if not final.is_file():
        return False
    if validate is None:
        return True
    try:
        validate(final)
    except PirepError as exc:
        logger.warning("Downloading %s again: %s", final, exc.detail)
        final.unlink(missing_ok=True)
        return False
    return True


def _validate_and_rename(part: Path, final: Path, validate: Validator | None) -> None:
    if validate is not None:
        try:
            validate(part)
        except Exception:
            part.unlink(missing_ok=True)
            raise
    part.replace(final)


def _body_start(url: str, response: httpx.Response, offset: int) -> int:
    """The byte of the file at which the body of ``response`` starts; raises on failure."""
    status = response.status_code
    if status == httpx.codes.OK:
        return 0
    if status == httpx.codes.PARTIAL_CONTENT:
        start = _range_start(response.headers.get("Content-Range", ""))
        if start is not None and start in (0, offset):
            return start
        if offset:
            raise _StartOver
        raise DownloadFailed(f"Could not download {url}: the server sent only part of the file.")
    if status == httpx.codes.REQUESTED_RANGE_NOT_SATISFIABLE and offset:
        raise _StartOver
    reason = f"the server answered {status} {response.reason_phrase}".rstrip()
    if status == httpx.codes.TOO_MANY_REQUESTS or status >= httpx.codes.INTERNAL_SERVER_ERROR:
        raise _Retryable(reason)
    raise DownloadFailed(f"Could not download {url}: {reason}.")


def _range_start(content_range: str) -> int | None:
    """The first byte of a ``Content-Range`` that runs to the end of the file, else None."""
    match = _CONTENT_RANGE.fullmatch(content_range.strip())
    if match is None:
        return None
    start, end, total = match.groups()
    if total != "*" and int(end) + 1 != int(total):
        return None
    return int(start)


def _size_or_zero(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def _display_name(path: Path) -> str:
    return path.name.removesuffix(PART_SUFFIX)


def _describe(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def _plural(items: list[str]) -> str:
    return "s" if len(items) > 1 else ""


def _attempts(count: int) -> str:
    return f"{count} attempt{'s' if count > 1 else ''}"
