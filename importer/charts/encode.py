"""Encoding and writing tiles: a metatile's tiles as WebP, stored, and averaged down the zooms
below it.

The metatile's tiles are encoded, then it is averaged down 2 × 2 three times, giving its tiles
at the three zooms below; the last one (a single tile) is kept, premultiplied, in a scratch
directory for the next pass, which gathers those tiles into metatiles again. Fully transparent
tiles are never written.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from api.core.storage import Sink
from importer.charts.grid import META, TILE


@dataclass(frozen=True)
class TileOptions:
    """The zooms of a layer, the WebP quality and effort, and how many worker processes."""

    min_zoom: int
    max_zoom: int
    quality: int = 80
    method: int = 2  # libwebp effort 0-6: 2 is twice as fast as 4 for 3 % more bytes
    processes: int = field(default_factory=lambda: os.cpu_count() or 1)


@dataclass(frozen=True)
class ReduceTask:
    """Gather the kept tiles of ``zoom`` inside one metatile and build the zooms below."""

    zoom: int
    mx: int
    my: int
    tiles: tuple[tuple[int, int, str], ...]  # x, y, scratch file


@dataclass(frozen=True)
class Job:
    """What every task of a layer shares: where its tiles go and how they are made."""

    key_prefix: str  # e.g. tiles/2024-12-26/sectional
    options: TileOptions
    sink: Sink
    scratch: str


@dataclass(frozen=True)
class TaskResult:
    """What a task made: its tiles' counts and hashes, and the tile it kept for the next pass."""

    zoom: int  # zoom of the kept tile
    x: int
    y: int
    scratch_file: str | None  # None: the kept tile is empty
    tiles_by_zoom: dict[int, int]
    bytes: int
    hashes: dict[str, str]  # key → MD5 of every tile made
    unchanged: int  # tiles whose stored bytes were already these
    failures: dict[str, str] = field(default_factory=dict)  # chart name → why it was left out


def gather(task: ReduceTask) -> Image.Image:
    """The kept tiles of a pass, placed in their metatile."""
    canvas = Image.new("RGBa", (META * TILE, META * TILE))
    for x, y, path in task.tiles:
        with open(path, "rb") as handle:
            tile = Image.frombytes("RGBa", (TILE, TILE), handle.read())
        canvas.paste(tile, ((x - task.mx * META) * TILE, (y - task.my * META) * TILE))
        os.unlink(path)
    return canvas


def emit(
    job: Job,
    zoom: int,
    x0: int,
    y0: int,
    span: int,
    canvas: Image.Image,
    known: dict[str, str],
) -> TaskResult:
    """Encode and store the ``span`` × ``span`` tiles of ``canvas`` (whose top left tile is
    ``x0``, ``y0`` at ``zoom``) and the levels below it down to the layer's lowest zoom; keep the
    last level's single tile for the next pass. Each level below is the one above averaged 2 × 2
    (premultiplied, so colours at transparent edges stay true)."""
    options = job.options
    tiles_by_zoom: dict[int, int] = {}
    written = 0
    level_zoom = zoom
    # Each tile is stored by a writer thread while the next ones are encoded.
    stored: list[Future[None]] = []
    hashes: dict[str, str] = {}
    unchanged = 0
    while True:
        if level_zoom <= options.max_zoom:
            for key, body in _encode_tiles(job, level_zoom, x0, y0, span, canvas):
                digest = hashlib.md5(body, usedforsecurity=False).hexdigest()
                hashes[key] = digest
                if known.get(key) == digest:
                    unchanged += 1
                else:
                    stored.append(_writer().submit(job.sink.put, key, body))
                tiles_by_zoom[level_zoom] = tiles_by_zoom.get(level_zoom, 0) + 1
                written += len(body)
        if span == 1 or level_zoom == options.min_zoom:
            break
        canvas = canvas.reduce(2)
        level_zoom, span, x0, y0 = level_zoom - 1, span // 2, x0 // 2, y0 // 2
    for future in stored:
        future.result()  # the first failure to store fails the task
    scratch_file = None
    if span == 1 and level_zoom > options.min_zoom and canvas.getchannel(3).getbbox():
        scratch_file = os.path.join(job.scratch, f"{level_zoom}-{x0}-{y0}.raw")
        with open(scratch_file, "wb") as handle:
            handle.write(canvas.tobytes())
    return TaskResult(level_zoom, x0, y0, scratch_file, tiles_by_zoom, written, hashes, unchanged)


_writers: ThreadPoolExecutor | None = None


def _writer() -> ThreadPoolExecutor:
    """The threads of this worker that store tiles (many, for the latency of S3)."""
    global _writers  # one pool per worker process
    if _writers is None:
        _writers = ThreadPoolExecutor(max_workers=8, thread_name_prefix="store")
    return _writers


def _encode_tiles(
    job: Job, zoom: int, x0: int, y0: int, span: int, canvas: Image.Image
) -> Iterator[tuple[str, bytes]]:
    alpha = np.asarray(canvas.getchannel(3)).reshape(span, TILE, span, TILE)
    lowest, highest = alpha.min(axis=(1, 3)), alpha.max(axis=(1, 3))
    for row in range(span):
        for column in range(span):
            if highest[row, column] == 0:
                continue
            box = (column * TILE, row * TILE, (column + 1) * TILE, (row + 1) * TILE)
            opaque = bool(lowest[row, column] == 255)
            body = encode_webp(
                canvas.crop(box), job.options.quality, job.options.method, opaque=opaque
            )
            yield f"{job.key_prefix}/{zoom}/{x0 + column}/{y0 + row}.webp", body


def encode_webp(tile: Image.Image, quality: int, method: int, *, opaque: bool) -> bytes:
    """A premultiplied tile as WebP: RGB when fully opaque, RGBA otherwise."""
    buffer = io.BytesIO()
    tile.convert("RGB" if opaque else "RGBA").save(buffer, "WEBP", quality=quality, method=method)
    return buffer.getvalue()
