"""Hostile photo uploads: bombs, polyglots and disguised files are refused with a 4xx, nothing
of them is stored, and decoding stays within bounded memory."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import textwrap
import zlib
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from PIL import Image, PngImagePlugin
from sqlalchemy.ext.asyncio import AsyncConnection

from api.core.settings import PROJECT_ROOT, Settings
from tests.api import conftest as api_tests
from tests.api.conftest import MakePerson

# The API tests' fixtures: the app on the sample database, people of every role.
api_settings = api_tests.api_settings
sample_database = api_tests.sample_database
engine = api_tests.engine
settings = api_tests.settings
app = api_tests.app
client = api_tests.client
password_hash = api_tests.password_hash
make_person = api_tests.make_person

URL = "/api/v1/airports/PAE/photos"
PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(
    width: int, height: int, *, color_type: int = 2, before_data: bytes = b"", rows: bytes = b""
) -> bytes:
    """A PNG whose header declares ``width`` × ``height`` 8-bit pixels, with ``rows`` (raw
    scanlines, compressed here) as its only image data."""
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + before_data
        + _chunk(b"IDAT", zlib.compress(rows or b"\x00" * 16))
        + _chunk(b"IEND", b"")
    )


def blank_png(width: int, height: int) -> bytes:
    """A complete RGBA PNG of transparent pixels: a few hundred kilobytes whatever its size,
    written a row at a time so that building it costs no memory."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + 4 * width)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def encoded(image: Image.Image, kind: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def jpeg_declaring(width: int, height: int) -> bytes:
    """A 16 × 16 JPEG whose frame header is changed to declare ``width`` × ``height``."""
    data = bytearray(encoded(Image.new("RGB", (16, 16), (90, 90, 90)), "JPEG"))
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def animated_png(frames: int) -> bytes:
    images = [Image.new("RGB", (8, 8), (number, 0, 0)) for number in range(frames)]
    return encoded(images[0], "PNG", save_all=True, append_images=images[1:])


def polyglot(kind: str) -> bytes:
    """A valid JPEG or PNG that is also an HTML page: the markup in a comment segment (a
    text chunk) and after the end of the image, where browsers sniffing HTML find it."""
    image = Image.new("RGB", (64, 64), (10, 200, 10))
    if kind == "JPEG":
        return encoded(image, "JPEG", comment=PAYLOAD) + PAYLOAD
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", PAYLOAD.decode())
    return encoded(image, "PNG", pnginfo=text, icc_profile=b"icc" + PAYLOAD) + PAYLOAD


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)
SMALL = Image.new("RGB", (16, 16), (1, 2, 3))
REFUSED: dict[str, tuple[str, bytes, str, int]] = {
    # name: (file name, content, declared content type, status)
    "PNG declaring 50000 × 50000": ("bomb.png", png_declaring(50_000, 50_000), "image/png", 422),
    "PNG over the pixel limit": ("big.png", png_declaring(6000, 6000), "image/png", 422),
    "PNG with a 1000-colour palette": (
        "palette.png",
        png_declaring(10, 10, color_type=3, before_data=_chunk(b"PLTE", b"\x01" * 3000)),
        "image/png",
        422,
    ),
    "animated PNG of 50 frames": ("frames.png", animated_png(50), "image/png", 422),
    "GIF of 50 frames": (
        "frames.gif",
        encoded(SMALL, "GIF", save_all=True, append_images=[SMALL] * 49),
        "image/gif",
        422,
    ),
    "JPEG declaring 65000 × 65000": ("huge.jpg", jpeg_declaring(65_000, 65_000), "image/jpeg", 422),
    "SVG named .png": ("logo.png", SVG, "image/png", 422),
    "HTML named .jpg": ("page.jpg", PAYLOAD, "image/jpeg", 422),
    "zero bytes": ("empty.jpg", b"", "image/jpeg", 422),
    "truncated JPEG": (
        "half.jpg",
        encoded(Image.effect_noise((800, 600), 60).convert("RGB"), "JPEG")[:4000],
        "image/jpeg",
        422,
    ),
    "truncated PNG": ("half.png", blank_png(400, 300)[:60], "image/png", 422),
    "TIFF": ("scan.tif", encoded(SMALL, "TIFF"), "image/tiff", 422),
    "TIFF named .jpg": ("scan.jpg", encoded(SMALL, "TIFF"), "image/jpeg", 422),
    "BMP": ("paint.bmp", encoded(SMALL, "BMP"), "image/bmp", 422),
    "ICO named .png": ("favicon.png", encoded(SMALL, "ICO"), "image/png", 422),
    "WebP": ("phone.webp", encoded(SMALL, "WEBP"), "image/webp", 422),
}


def stored_files(settings: Settings) -> list[Path]:
    return sorted(path for path in settings.storage_root.rglob("*") if path.is_file())


async def photo_rows(connection: AsyncConnection) -> int:
    return int(await connection.scalar(sa.text("SELECT count(*) FROM photos")) or 0)


@pytest.mark.parametrize("case", list(REFUSED))
async def test_a_hostile_upload_is_refused_and_nothing_is_stored(
    case: str,
    app: FastAPI,
    settings: Settings,
    make_person: MakePerson,
    connection: AsyncConnection,
) -> None:
    filename, body, content_type, status = REFUSED[case]
    pilot = await make_person("known")
    files_before, rows_before = stored_files(settings), await photo_rows(connection)
    async with pilot.client(app) as http:
        answer = await http.post(URL, files={"file": (filename, body, content_type)})
    assert answer.status_code == status, answer.text
    error = answer.json()
    assert error["error"] == "ValidationFailed"
    assert error["detail"]
    assert error["fields"][0]["field"] == "file"
    assert await photo_rows(connection) == rows_before
    assert stored_files(settings) == files_before


async def test_a_file_over_the_photo_limit_is_refused_with_413_however_it_arrives(
    app: FastAPI, settings: Settings, make_person: MakePerson, connection: AsyncConnection
) -> None:
    pilot = await make_person("known")
    limit = settings.max_photo_bytes
    image = encoded(Image.new("RGB", (64, 64)), "JPEG")
    just_over = image + b"\x00" * (limit + 1 - len(image))  # inside the multipart allowance
    far_over = image + b"\x00" * (2 * limit)  # refused by the body limit before it is read
    files_before = stored_files(settings)
    async with pilot.client(app) as http:
        answers = [
            await http.post(URL, files={"file": ("big.jpg", body, "image/jpeg")})
            for body in (just_over, far_over)
        ]
    for answer in answers:
        assert answer.status_code == 413, answer.text
        assert answer.json()["error"] == "PayloadTooLarge"
        assert answer.json()["detail"]
    assert await photo_rows(connection) == 0
    assert stored_files(settings) == files_before


@pytest.mark.parametrize(("kind", "name"), [("JPEG", "ramp.jpg"), ("PNG", "ramp.png")])
async def test_a_polyglot_is_served_re_encoded_as_an_image_that_cannot_be_sniffed(
    kind: str, name: str, app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson
) -> None:
    pilot = await make_person("known")
    original = polyglot(kind)
    assert Image.open(io.BytesIO(original)).format == kind
    async with pilot.client(app) as http:
        answer = await http.post(URL, files={"file": (name, original, "text/html")})
    assert answer.status_code == 201, answer.text
    [photo] = (await client.get("/api/v1/airports/PAE")).json()["photos"]
    served = await client.get(photo["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == f"image/{kind.lower()}"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert b"<script" not in served.content
    assert b"<html" not in served.content
    ending = b"\xff\xd9" if kind == "JPEG" else b"IEND\xaeB`\x82"
    assert served.content.endswith(ending)  # nothing after the end of the image


async def test_exif_is_not_kept_so_a_photo_does_not_reveal_where_it_was_taken(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson
) -> None:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (47.0, 54.0, 0.0), 3: "W", 4: (122.0, 17.0, 0.0)}  # GPS
    exif[0x010F] = "PhoneMaker"
    pilot = await make_person("known")
    photo = encoded(Image.new("RGB", (300, 200), (5, 5, 5)), "JPEG", exif=exif)
    async with pilot.client(app) as http:
        answer = await http.post(URL, files={"file": ("gps.jpg", photo, "image/jpeg")})
    assert answer.status_code == 201, answer.text
    [photo_out] = (await client.get("/api/v1/airports/PAE")).json()["photos"]
    served = (await client.get(photo_out["url"])).content
    assert not Image.open(io.BytesIO(served)).getexif()
    assert b"Exif" not in served
    assert b"PhoneMaker" not in served


MEASURE = textwrap.dedent(
    """
    import json, resource, sys
    from api.core import photos
    from api.core.errors import PirepError
    data, name = open(sys.argv[1], "rb").read(), sys.argv[2]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        photos.process(data, name, 5 * 1024 * 1024)
        outcome = "accepted"
    except PirepError as error:
        outcome = type(error).__name__
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"outcome": outcome, "grown_mb": (after - before) / 1024}))
    """
)


@pytest.mark.parametrize(
    ("name", "make", "outcome", "most_mb"),
    [
        ("largest.png", lambda: blank_png(5000, 5000), "accepted", 260),  # at the PNG limit
        ("huge.jpg", lambda: jpeg_declaring(10_000, 6000), "accepted", 120),  # the JPEG limit
        ("long.jpg", lambda: jpeg_declaring(60_000, 1000), "accepted", 120),
        ("bomb.png", lambda: png_declaring(50_000, 50_000), "ValidationFailed", 20),
        ("bomb.jpg", lambda: jpeg_declaring(65_000, 65_000), "ValidationFailed", 20),
    ],
)
def test_decoding_the_largest_image_accepted_takes_bounded_memory(
    name: str, make: Callable[[], bytes], outcome: str, most_mb: int, tmp_path: Path
) -> None:
    # In a process of its own: the peak resident size is a property of the whole process.
    path = tmp_path / name
    path.write_bytes(make())
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), name],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    )
    measured = json.loads(run.stdout)
    assert measured["outcome"] == outcome
    assert measured["grown_mb"] < most_mb, measured
