import io
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from api.core.errors import PirepError
from importer.sources.download import (
    CorruptArchive,
    Downloader,
    DownloadFailed,
    SourceMissing,
    local_source,
    validate_csv,
    validate_zip,
)

BACKOFF = 0.01
# Large enough that the server's socket buffers cannot hold the whole body at once.
BODY = bytes(range(256)) * 4096


@dataclass
class Route:
    """How the test server answers one path."""

    body: bytes = BODY
    status: int = 200
    fail_first: int = 0  # answer 503 to this many requests first,
    drop_first: int = 0  # then cut off this many bodies halfway,
    hang: bool = False  # or never answer.
    honour_range: bool = True


@dataclass
class Recorded:
    path: str
    range: str | None


@dataclass
class FileServer:
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    base_url: str = ""

    def url(self, path: str) -> str:
        return self.base_url + path

    def requests_for(self, path: str) -> list[Recorded]:
        return [request for request in self.requests if request.path == path]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: FileServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        state = self.server.state
        range_header = self.headers.get("Range")
        state.requests.append(Recorded(self.path, range_header))
        route = state.routes.get(self.path)
        if route is None:
            self._empty(HTTPStatus.NOT_FOUND)
            return
        if route.hang:
            state.release.wait(timeout=10)
            self.close_connection = True
            return
        count = len(state.requests_for(self.path))
        if count <= route.fail_first:
            self._empty(HTTPStatus.SERVICE_UNAVAILABLE)
            return
        if route.status != HTTPStatus.OK:
            self._empty(route.status)
            return
        body, status = route.body, HTTPStatus.OK
        headers: dict[str, str] = {}
        if range_header and route.honour_range:
            start = int(range_header.removeprefix("bytes=").removesuffix("-"))
            if start >= len(body):
                self._empty(
                    HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                    {"Content-Range": f"bytes */{len(body)}"},
                )
                return
            status = HTTPStatus.PARTIAL_CONTENT
            headers["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
            body = body[start:]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if count <= route.fail_first + route.drop_first:
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        self.wfile.write(body)

    def _empty(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[FileServer]:
    state = FileServer()
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.state = state
    host, port = httpd.server_address[:2]
    state.base_url = f"http://{host!s}:{port}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    state.release.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def downloader(cache_dir: Path, *, timeout: float = 5.0, retries: int = 3) -> Downloader:
    return Downloader(cache_dir, timeout=timeout, retries=retries, backoff_seconds=BACKOFF)


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            # A fixed timestamp keeps the archive's bytes the same from run to run.
            info = zipfile.ZipInfo(name, date_time=(2026, 8, 6, 0, 0, 0))
            archive.writestr(info, data, compress_type=compression)
    return buffer.getvalue()


def leftovers(cache_dir: Path) -> list[str]:
    return sorted(path.name for path in cache_dir.iterdir()) if cache_dir.exists() else []


async def test_downloads_a_file_and_reports_progress(server: FileServer, tmp_path: Path) -> None:
    server.routes["/a.bin"] = Route()
    progress: list[tuple[str, int, int | None]] = []
    client = Downloader(
        tmp_path, timeout=5, retries=0, on_progress=lambda *call: progress.append(call)
    )

    path = await client.fetch(server.url("/a.bin"), "a.bin")

    assert path == tmp_path / "a.bin"
    assert path.read_bytes() == BODY
    assert leftovers(tmp_path) == ["a.bin"]
    assert progress
    assert progress[-1] == ("a.bin", len(BODY), len(BODY))
    assert all(name == "a.bin" and total == len(BODY) for name, _, total in progress)


async def test_a_valid_cached_file_is_used_without_a_request(
    server: FileServer, tmp_path: Path
) -> None:
    server.routes["/a.zip"] = Route(body=zip_bytes({"APT_BASE.csv": b"SITE_NO\n"}))
    client = downloader(tmp_path)
    validate = validate_zip(["APT_BASE.csv"])

    first = await client.fetch(server.url("/a.zip"), "a.zip", validate=validate)
    second = await client.fetch(server.url("/a.zip"), "a.zip", validate=validate)

    assert first == second
    assert len(server.requests) == 1


async def test_an_invalid_cached_file_is_downloaded_again(
    server: FileServer, tmp_path: Path
) -> None:
    body = zip_bytes({"APT_BASE.csv": b"SITE_NO\n"})
    server.routes["/a.zip"] = Route(body=body)
    (tmp_path / "a.zip").write_bytes(body[:-10])

    path = await downloader(tmp_path).fetch(
        server.url("/a.zip"), "a.zip", validate=validate_zip(["APT_BASE.csv"])
    )

    assert path.read_bytes() == body
    assert len(server.requests) == 1


async def test_resumes_after_a_dropped_connection_with_a_range_request(
    server: FileServer, tmp_path: Path
) -> None:
    server.routes["/a.bin"] = Route(drop_first=1)

    path = await downloader(tmp_path).fetch(server.url("/a.bin"), "a.bin")

    assert path.read_bytes() == BODY
    ranges = [request.range for request in server.requests_for("/a.bin")]
    assert len(ranges) == 2
    assert ranges[0] is None
    assert ranges[1] is not None
    resumed_at = int(ranges[1].removeprefix("bytes=").removesuffix("-"))
    assert 0 < resumed_at < len(BODY)
    assert leftovers(tmp_path) == ["a.bin"]


async def test_resumes_a_part_file_left_by_an_earlier_run(
    server: FileServer, tmp_path: Path
) -> None:
    server.routes["/a.bin"] = Route()
    (tmp_path / "a.bin.part").write_bytes(BODY[:1000])

    path = await downloader(tmp_path).fetch(server.url("/a.bin"), "a.bin")

    assert path.read_bytes() == BODY
    assert [request.range for request in server.requests] == ["bytes=1000-"]


async def test_restarts_from_zero_when_the_server_ignores_the_range(
    server: FileServer, tmp_path: Path
) -> None:
    server.routes["/a.bin"] = Route(honour_range=False)
    (tmp_path / "a.bin.part").write_bytes(b"stale bytes that must not survive")

    path = await downloader(tmp_path).fetch(server.url("/a.bin"), "a.bin")

    assert path.read_bytes() == BODY
    assert [request.range for request in server.requests] == ["bytes=33-"]


async def test_starts_over_when_the_range_is_not_satisfiable(
    server: FileServer, tmp_path: Path
) -> None:
    server.routes["/a.bin"] = Route()
    (tmp_path / "a.bin.part").write_bytes(b"x" * (len(BODY) + 5))

    path = await downloader(tmp_path, retries=0).fetch(server.url("/a.bin"), "a.bin")

    assert path.read_bytes() == BODY
    assert [request.range for request in server.requests] == [f"bytes={len(BODY) + 5}-", None]


async def test_retries_after_server_errors_then_succeeds(
    server: FileServer, tmp_path: Path
) -> None:
    server.routes["/a.bin"] = Route(fail_first=2)

    path = await downloader(tmp_path, retries=2).fetch(server.url("/a.bin"), "a.bin")

    assert path.read_bytes() == BODY
    assert len(server.requests) == 3


async def test_gives_up_after_the_retries_with_a_clear_message(
    server: FileServer, tmp_path: Path
) -> None:
    server.routes["/a.bin"] = Route(fail_first=100)
    url = server.url("/a.bin")

    with pytest.raises(DownloadFailed) as caught:
        await downloader(tmp_path, retries=2).fetch(url, "a.bin")

    assert caught.value.detail == (
        f"Could not download {url}: the server answered 503 Service Unavailable "
        "(gave up after 3 attempts)."
    )
    assert caught.value.status_code == 502
    assert caught.value.to_dict()["error"] == "DownloadFailed"
    assert len(server.requests) == 3
    assert not (tmp_path / "a.bin").exists()


async def test_a_missing_file_is_not_retried(server: FileServer, tmp_path: Path) -> None:
    url = server.url("/missing.zip")

    with pytest.raises(DownloadFailed) as caught:
        await downloader(tmp_path, retries=3).fetch(url, "missing.zip")

    assert caught.value.detail == f"Could not download {url}: the server answered 404 Not Found."
    assert len(server.requests) == 1
    assert leftovers(tmp_path) == []


async def test_other_client_errors_are_not_retried(server: FileServer, tmp_path: Path) -> None:
    server.routes["/a.bin"] = Route(status=403)

    with pytest.raises(DownloadFailed, match="403 Forbidden"):
        await downloader(tmp_path, retries=3).fetch(server.url("/a.bin"), "a.bin")

    assert len(server.requests) == 1


async def test_a_hanging_server_times_out_quickly(server: FileServer, tmp_path: Path) -> None:
    server.routes["/slow.bin"] = Route(hang=True)
    url = server.url("/slow.bin")
    started = time.monotonic()

    with pytest.raises(DownloadFailed) as caught:
        await downloader(tmp_path, timeout=0.5, retries=1).fetch(url, "slow.bin")

    assert time.monotonic() - started < 3
    assert caught.value.detail == (
        f"Could not download {url}: the server did not respond within 0.5 seconds "
        "(gave up after 2 attempts)."
    )
    assert len(server.requests) == 2
    assert not (tmp_path / "slow.bin").exists()


async def test_a_refused_connection_fails_with_a_clear_message(tmp_path: Path) -> None:
    holder = _Server(("127.0.0.1", 0), _Handler)
    port = holder.server_address[1]
    holder.server_close()
    url = f"http://127.0.0.1:{port}/a.bin"

    with pytest.raises(DownloadFailed, match=r"^Could not download .*: the connection failed"):
        await downloader(tmp_path, retries=1).fetch(url, "a.bin")


async def test_a_truncated_zip_is_rejected_and_not_kept(server: FileServer, tmp_path: Path) -> None:
    body = zip_bytes({"APT_BASE.csv": b"SITE_NO\n" * 1000})
    server.routes["/26_Dec_2024_APT_CSV.zip"] = Route(body=body[: len(body) - 30])

    with pytest.raises(CorruptArchive) as caught:
        await downloader(tmp_path).fetch(
            server.url("/26_Dec_2024_APT_CSV.zip"),
            "26_Dec_2024_APT_CSV.zip",
            validate=validate_zip(["APT_BASE.csv"]),
        )

    assert caught.value.detail == (
        "26_Dec_2024_APT_CSV.zip is not a complete zip archive (truncated or corrupt)."
    )
    assert caught.value.status_code == 422
    assert leftovers(tmp_path) == []


async def test_a_zip_missing_a_member_is_rejected(server: FileServer, tmp_path: Path) -> None:
    body = zip_bytes({"APT_BASE.csv": b"SITE_NO\n", "APT_RMK.csv": b"SITE_NO\n"})
    server.routes["/apt.zip"] = Route(body=body)

    with pytest.raises(CorruptArchive) as caught:
        await downloader(tmp_path).fetch(
            server.url("/apt.zip"),
            "apt.zip",
            validate=validate_zip(["APT_BASE.csv", "APT_RWY.csv", "APT_RMK.csv"]),
        )

    assert caught.value.detail == "apt.zip lacks the member APT_RWY.csv."
    assert leftovers(tmp_path) == []


def test_a_zip_with_a_damaged_member_is_rejected(tmp_path: Path) -> None:
    data = b"SITE_NO,ARPT_ID\n" * 100
    body = zip_bytes({"APT_BASE.csv": data}, compression=zipfile.ZIP_STORED)
    damaged = body.replace(data[:16], data[:15] + b"X", 1)
    path = tmp_path / "apt.zip"
    path.write_bytes(damaged)

    with pytest.raises(CorruptArchive) as caught:
        validate_zip(["APT_BASE.csv"])(path)

    assert caught.value.detail == "apt.zip is corrupt: its member APT_BASE.csv fails its checksum."


def test_a_zip_with_damaged_compressed_data_is_rejected(tmp_path: Path) -> None:
    body = bytearray(zip_bytes({"APT_BASE.csv": b"SITE_NO,ARPT_ID\n" * 500}))
    body[len(body) // 3] ^= 0xFF
    path = tmp_path / "apt.zip"
    path.write_bytes(bytes(body))

    with pytest.raises(CorruptArchive, match=r"^apt\.zip (is not a complete|is corrupt)"):
        validate_zip(["APT_BASE.csv"])(path)


def test_a_complete_zip_passes(tmp_path: Path) -> None:
    path = tmp_path / "apt.zip"
    path.write_bytes(zip_bytes({"APT_BASE.csv": b"x", "APT_RWY.csv": b"y"}))

    validate_zip(["APT_RWY.csv", "APT_BASE.csv"])(path)


def test_validate_csv_accepts_a_header_with_a_bom_and_latin1_rows(tmp_path: Path) -> None:
    path = tmp_path / "airports.csv"
    path.write_bytes(
        '\ufeff"id","ident","name"\r\n'.encode() + "1,CYUL,Montréal\r\n".encode("latin-1")
    )

    validate_csv(["ident", "name"])(path)


def test_validate_csv_names_the_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "airports.csv"
    path.write_text('"id","ident","name"\n1,CYUL,Montreal\n', encoding="utf-8")

    with pytest.raises(CorruptArchive) as caught:
        validate_csv(["ident", "latitude_deg", "longitude_deg"])(path)

    assert caught.value.detail == "airports.csv lacks the columns latitude_deg, longitude_deg."


def test_validate_csv_rejects_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "airports.csv"
    path.write_bytes(b"")

    with pytest.raises(CorruptArchive, match=r"^airports\.csv lacks the column ident\.$"):
        validate_csv(["ident"])(path)


def test_local_source_returns_a_present_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "airports.csv"
    path.write_text("id,ident\n", encoding="utf-8")

    assert local_source(tmp_path, "airports.csv", validate_csv(["ident"])) == path


def test_local_source_names_the_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(SourceMissing) as caught:
        local_source(tmp_path, "15_Jun_2023_APT_CSV.zip")

    assert caught.value.detail == (
        f"The source file 15_Jun_2023_APT_CSV.zip is missing from {tmp_path}."
    )
    assert caught.value.status_code == 404
    assert isinstance(caught.value, PirepError)


def test_local_source_runs_the_validator(tmp_path: Path) -> None:
    (tmp_path / "apt.zip").write_bytes(b"not a zip")

    with pytest.raises(CorruptArchive, match=r"^apt\.zip is not a complete zip archive"):
        local_source(tmp_path, "apt.zip", validate_zip([]))


async def test_a_short_body_without_a_transport_error_is_resumed(tmp_path: Path) -> None:
    ranges: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        ranges.append(request.headers.get("Range"))
        if len(ranges) == 1:
            return httpx.Response(
                200, headers={"Content-Length": str(len(BODY))}, content=BODY[:1000]
            )
        start = int(request.headers["Range"].removeprefix("bytes=").removesuffix("-"))
        return httpx.Response(
            206,
            headers={"Content-Range": f"bytes {start}-{len(BODY) - 1}/{len(BODY)}"},
            content=BODY[start:],
        )

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        client = Downloader(tmp_path, timeout=5, retries=1, client=http, backoff_seconds=BACKOFF)
        path = await client.fetch("http://faa.invalid/a.bin", "a.bin")

    assert path.read_bytes() == BODY
    assert ranges == [None, "bytes=1000-"]


async def test_a_range_that_stops_short_of_the_end_is_not_appended(tmp_path: Path) -> None:
    ranges: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        ranges.append(request.headers.get("Range"))
        if request.headers.get("Range"):
            return httpx.Response(
                206,
                headers={"Content-Range": f"bytes 1000-1999/{len(BODY)}"},
                content=BODY[1000:2000],
            )
        return httpx.Response(200, content=BODY)

    (tmp_path / "a.bin.part").write_bytes(BODY[:1000])
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        client = Downloader(tmp_path, timeout=5, retries=0, client=http, backoff_seconds=BACKOFF)
        path = await client.fetch("http://faa.invalid/a.bin", "a.bin")

    assert path.read_bytes() == BODY
    assert ranges == ["bytes=1000-", None]
