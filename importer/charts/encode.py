"""Encoding tiles: a metatile's tiles as WebP, and averaged down the zooms below it.

The metatile's tiles are encoded into a scratch file of the task (the layer's archive is
written from those files once every tile is made), then it is averaged down 2 × 2 three times,
giving its tiles at the three zooms below; the last one (a single tile) is kept, premultiplied,
in the scratch directory for the next pass, which gathers those tiles into metatiles again.
Fully transparent tiles are never written.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from PIL import Image
from pmtiles.tile import zxy_to_tileid

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


def gather(task: ReduceTask) -> Image.Image:
    """The kept tiles of a pass, placed in their metatile."""
    canvas = Image.new("RGBa", (META * TILE, META * TILE))
    for x, y, path in task.tiles:
        with open(path, "rb") as handle:
            tile = Image.frombytes("RGBa", (TILE, TILE), handle.read())
        canvas.paste(tile, ((x - task.mx * META) * TILE, (y - task.my * META) * TILE))
        os.unlink(path)
    return canvas


def emit(job: Job, zoom: int, x0: int, y0: int, span: int, canvas: Image.Image) -> TaskResult:
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
            canvas = canvas.reduce(2)
            level_zoom, span, x0, y0 = level_zoom - 1, span // 2, x0 // 2, y0 // 2
    if not index:
        os.unlink(tiles_file)
    scratch_file = None
    if span == 1 and level_zoom > options.min_zoom and canvas.getchannel(3).getbbox():
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


def _encode_tiles(
    job: Job, zoom: int, x0: int, y0: int, span: int, canvas: Image.Image
) -> Iterator[tuple[tuple[int, int], bytes]]:
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
            yield (x0 + column, y0 + row), body


def encode_webp(tile: Image.Image, quality: int, method: int, *, opaque: bool) -> bytes:
    """A premultiplied tile as WebP: RGB when fully opaque, RGBA otherwise."""
    buffer = io.BytesIO()
    tile.convert("RGB" if opaque else "RGBA").save(buffer, "WEBP", quality=quality, method=method)
    return buffer.getvalue()
