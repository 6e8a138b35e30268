"""Encoding tiles: a metatile's tiles as WebP, and averaged down the zooms below it.

The metatile's tiles are encoded into a scratch file of the task (the layer's archive is
written from those files once every tile is made), then it is averaged down 2 × 2 three times,
giving its tiles at the three zooms below; the last one (a single tile) is kept, premultiplied,
in the scratch directory for the next pass, which gathers those tiles into metatiles again.
Fully transparent tiles are never written.

A metatile is a NumPy array (rows, columns, 4) of premultiplied RGBA: OpenCV averages it down
without a copy into Pillow (whose ``RGBa`` images cannot share an array's memory), and Pillow
sees each tile only to encode it.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image
from pmtiles.tile import zxy_to_tileid

from importer.charts.grid import META, TILE, Canvas


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
    """What every task of a layer shares: how its tiles are made, where they are kept."""

    options: TileOptions
    scratch: str


@dataclass(frozen=True)
class TaskResult:
    """What a task made: its tiles (in a scratch file) and the tile it kept for the next pass."""

    zoom: int  # zoom of the kept tile
    x: int
    y: int
    scratch_file: str | None  # None: the kept tile is empty
    tiles_by_zoom: dict[int, int]
    bytes: int
    tiles_file: str | None  # the encoded tiles, one after the other; None: no tile
    index: list[tuple[int, int, int]]  # PMTiles tile id, offset and length in tiles_file
    failures: dict[str, str] = field(default_factory=dict)  # chart name → why it was left out


def gather(task: ReduceTask) -> Canvas:
    """The kept tiles of a pass, placed in their metatile."""
    canvas = np.zeros((META * TILE, META * TILE, 4), np.uint8)
    for x, y, path in task.tiles:
        with open(path, "rb") as handle:
            tile = np.frombuffer(handle.read(), np.uint8).reshape(TILE, TILE, 4)
        left, top = (x - task.mx * META) * TILE, (y - task.my * META) * TILE
        canvas[top : top + TILE, left : left + TILE] = tile
        os.unlink(path)
    return canvas


def halved(canvas: Canvas) -> Canvas:
    """Each 2 × 2 block of pixels averaged into one (rounded, as Pillow's ``reduce(2)``)."""
    rows, columns = canvas.shape[:2]
    return np.asarray(
        cv2.resize(canvas, (columns // 2, rows // 2), interpolation=cv2.INTER_AREA), np.uint8
    )


def tile_image(canvas: Canvas, row: int, column: int, *, opaque: bool = False) -> Image.Image:
    """The tile at ``row``, ``column`` of a metatile, as a Pillow ``RGBa`` image; ``RGB`` when
    the tile is ``opaque`` (premultiplied or not, its colours are then the same)."""
    # Pillow reads the tile's rows straight from the metatile (one copy): from its first pixel,
    # a row every metatile's width.
    width = canvas.shape[1] * 4
    start = row * TILE * width + column * TILE * 4
    flat = canvas.reshape(-1)[start : start + (TILE - 1) * width + TILE * 4]
    if opaque:
        return Image.frombytes("RGB", (TILE, TILE), flat, "raw", "RGBX", width, 1)
    return Image.frombuffer("RGBa", (TILE, TILE), flat, "raw", "RGBa", width, 1)


def emit(job: Job, zoom: int, x0: int, y0: int, span: int, canvas: Canvas) -> TaskResult:
    """Encode the ``span`` × ``span`` tiles of ``canvas`` (whose top left tile is ``x0``, ``y0``
    at ``zoom``) and the levels below it down to the layer's lowest zoom into the task's scratch
    file; keep the last level's single tile for the next pass. Each level below is the one above
    averaged 2 × 2 (premultiplied, so colours at transparent edges stay true)."""
    options = job.options
    tiles_by_zoom: dict[int, int] = {}
    index: list[tuple[int, int, int]] = []
    written = 0
    level_zoom = zoom
    tiles_file = os.path.join(job.scratch, f"tiles-{zoom}-{x0}-{y0}.bin")
    with open(tiles_file, "wb") as handle:
        while True:
            if level_zoom <= options.max_zoom:
                for (x, y), body in _encode_tiles(job, level_zoom, x0, y0, span, canvas):
                    handle.write(body)
                    index.append((zxy_to_tileid(level_zoom, x, y), written, len(body)))
                    tiles_by_zoom[level_zoom] = tiles_by_zoom.get(level_zoom, 0) + 1
                    written += len(body)
            if span == 1 or level_zoom == options.min_zoom:
                break
            canvas = halved(canvas)
            level_zoom, span, x0, y0 = level_zoom - 1, span // 2, x0 // 2, y0 // 2
    if not index:
        os.unlink(tiles_file)
    scratch_file = None
    # Premultiplied: a pixel with any colour is not transparent.
    if span == 1 and level_zoom > options.min_zoom and canvas.any():
        scratch_file = os.path.join(job.scratch, f"{level_zoom}-{x0}-{y0}.raw")
        with open(scratch_file, "wb") as handle:
            handle.write(canvas.tobytes())
    return TaskResult(
        level_zoom,
        x0,
        y0,
        scratch_file,
        tiles_by_zoom,
        written,
        tiles_file if index else None,
        index,
    )


OPAQUE = 255 << 24


def _encode_tiles(
    job: Job, zoom: int, x0: int, y0: int, span: int, canvas: Canvas
) -> Iterator[tuple[tuple[int, int], bytes]]:
    # A pixel as one little-endian 32-bit number has its alpha in the top byte: a tile is
    # opaque when its least pixel is at least 255 << 24, and (premultiplied) transparent when
    # its greatest is 0. Contiguous words are read twice as fast as a strided alpha channel.
    pixels = canvas.view("<u4").reshape(span, TILE, span, TILE)
    lowest, highest = pixels.min(axis=(1, 3)), pixels.max(axis=(1, 3))
    for row in range(span):
        for column in range(span):
            if highest[row, column] == 0:
                continue
            opaque = bool(lowest[row, column] >= OPAQUE)
            body = encode_webp(
                tile_image(canvas, row, column, opaque=opaque),
                job.options.quality,
                job.options.method,
                opaque=opaque,
            )
            yield (x0 + column, y0 + row), body


def encode_webp(tile: Image.Image, quality: int, method: int, *, opaque: bool) -> bytes:
    """A premultiplied tile as WebP: RGB when fully opaque, RGBA otherwise."""
    buffer = io.BytesIO()
    mode = "RGB" if opaque else "RGBA"
    (tile if tile.mode == mode else tile.convert(mode)).save(
        buffer, "WEBP", quality=quality, method=method
    )
    return buffer.getvalue()
