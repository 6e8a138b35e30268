"""Chart GeoTIFFs to Web Mercator map tiles (XYZ, 256 px, WebP).

The layer is cut at its top zoom into metatiles of ``META`` × ``META`` tiles. A worker process
builds one metatile: for every chart that reaches it (in catalogue order, later charts on top)
it reads just the source window it needs, expands the palette, masks it by the chart's cutline
in the chart's own pixel space (as ``gdalwarp -cutline`` does), and warps it once into the
metatile with alpha premultiplied, so that edges blend without fringes. The metatile's tiles are
encoded, then it is averaged down 2 × 2 three times, giving its tiles at the three zooms below;
the last one (a single tile) is kept, premultiplied, in a scratch directory. The next pass
gathers those tiles into metatiles again and goes on down to the layer's lowest zoom. Memory is
bounded by a metatile per worker, whatever the size of the charts; fully transparent tiles are
never written.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import multiprocessing
import os
import tempfile
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import rasterio
from affine import Affine
from PIL import Image
from rasterio.crs import CRS
from rasterio.enums import ColorInterp
from rasterio.env import set_gdal_config
from rasterio.errors import NotGeoreferencedWarning
from rasterio.features import geometry_mask
from rasterio.warp import transform, transform_bounds, transform_geom
from rasterio.windows import Window

from api.core.storage import Sink

logger = logging.getLogger("importer.charts")
# Each worker process is one unit of parallelism: no thread pools inside it.
cv2.setNumThreads(1)

TILE = 256
META = 8  # tiles per metatile side: 2048 px, 16 MB of RGBA
LEVELS_PER_PASS = int(math.log2(META))
# A chart larger than this is refused before it is tiled: the FAA's largest are about
# 16,600 × 12,400 px (206 megapixels); a header claiming far more is damaged or hostile.
MAX_CHART_PIXELS = 1_000_000_000
HALF_WORLD: float = math.pi * 6378137.0  # Web Mercator extent: ±20,037,508.34 m
MERCATOR = CRS.from_epsg(3857)
WGS84 = CRS.from_epsg(4326)

Array = np.ndarray[Any, Any]
Bounds = tuple[float, float, float, float]


def resolution(zoom: int) -> float:
    """Metres per pixel of Web Mercator at ``zoom``."""
    return 2 * HALF_WORLD / (TILE * 2.0**zoom)


@dataclass(frozen=True)
class ChartSource:
    """One GeoTIFF of a layer, with its cutline (GeoJSON geometry in longitude/latitude)."""

    name: str
    path: str  # a GDAL path: a file, or /vsizip//abs/archive.zip/member.tif
    cutline: dict[str, Any] | None = None


@dataclass(frozen=True)
class TileOptions:
    min_zoom: int
    max_zoom: int
    quality: int = 80
    method: int = 2  # libwebp effort 0-6: 2 is twice as fast as 4 for 3 % more bytes
    processes: int = field(default_factory=lambda: os.cpu_count() or 1)


@dataclass(frozen=True)
class PreparedChart:
    """A chart as the workers need it: where to read, how to colour, mask and place it."""

    name: str
    path: str
    crs: str  # PROJ string; see `_fast_crs`
    transform: tuple[float, ...]
    width: int
    height: int
    palette: bytes | None  # 256 × RGBA, or None for RGB(A) sources
    alpha_band: int | None
    cutline: dict[str, Any] | None  # in the chart's CRS
    footprint: Bounds  # in Web Mercator


@dataclass
class LayerResult:
    tiles: int = 0
    bytes: int = 0
    tiles_by_zoom: dict[int, int] = field(default_factory=dict)
    bounds: Bounds | None = None  # longitude/latitude
    hashes: dict[str, str] = field(default_factory=dict)  # key → MD5 of each tile
    unchanged: int = 0  # tiles not stored again: the same bytes were there already


class ChartError(Exception):
    """A chart cannot be tiled (no georeferencing, unreadable, …)."""


def prepare(chart: ChartSource) -> PreparedChart:
    """Read a chart's georeferencing and palette, and find where it lands on the map."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)  # said below, by name
            dataset = rasterio.open(chart.path)
    except rasterio.errors.RasterioIOError as error:
        raise ChartError(f"{chart.name}: cannot read {chart.path}: {error}") from error
    with dataset:
        if dataset.width * dataset.height > MAX_CHART_PIXELS:
            raise ChartError(
                f"{chart.name}: {chart.path} claims {dataset.width:,} × {dataset.height:,} "
                f"pixels, more than the limit of {MAX_CHART_PIXELS:,}."
            )
        if dataset.crs is None or dataset.transform.is_identity:
            raise ChartError(f"{chart.name}: {chart.path} has no georeferencing.")
        interpretation = dataset.colorinterp
        palette = None
        if interpretation[0] == ColorInterp.palette:
            colours = dataset.colormap(1)
            table = np.zeros((256, 4), np.uint8)
            for index, rgba in colours.items():
                table[index] = rgba
            palette = table.tobytes()
        elif dataset.count < 3:
            raise ChartError(f"{chart.name}: expected a paletted or RGB GeoTIFF.")
        alpha_band = next(
            (number + 1 for number, kind in enumerate(interpretation) if kind == ColorInterp.alpha),
            None,
        )
        cutline = (
            transform_geom(WGS84, dataset.crs, chart.cutline, precision=-1)
            if chart.cutline
            else None
        )
        if chart.cutline:
            footprint = _geometry_bounds(transform_geom(WGS84, MERCATOR, chart.cutline))
        else:
            footprint = transform_bounds(dataset.crs, MERCATOR, *dataset.bounds, densify_pts=21)
        return PreparedChart(
            name=chart.name,
            path=chart.path,
            crs=_fast_crs(dataset.crs),
            transform=tuple(dataset.transform)[:6],
            width=dataset.width,
            height=dataset.height,
            palette=palette,
            alpha_band=alpha_band,
            cutline=cutline,
            footprint=footprint,
        )


def _fast_crs(crs: CRS) -> str:
    """The chart's CRS with its datum shift to WGS 84 spelled out. The FAA's charts are on NAD83,
    which PROJ takes as equal to WGS 84 without grids anyway; saying so spares it a search of its
    database for every transformation (40 ms each, several per metatile)."""
    proj = str(crs.to_proj4())
    if "+datum=NAD83" in proj:
        proj = proj.replace("+datum=NAD83", "+ellps=GRS80 +towgs84=0,0,0,0,0,0,0")
    return proj


def _geometry_bounds(geometry: dict[str, Any]) -> Bounds:
    points = np.array(list(_points(geometry["coordinates"])), dtype=float)
    return (
        float(points[:, 0].min()),
        float(points[:, 1].min()),
        float(points[:, 0].max()),
        float(points[:, 1].max()),
    )


def _points(coordinates: Any) -> Iterator[tuple[float, float]]:
    if coordinates and isinstance(coordinates[0], int | float):
        yield coordinates[0], coordinates[1]
        return
    for part in coordinates:
        yield from _points(part)


# --- Work units ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TopTask:
    """Warp the charts into one metatile of the top zoom."""

    zoom: int
    mx: int
    my: int
    charts: tuple[PreparedChart, ...]


@dataclass(frozen=True)
class ReduceTask:
    """Gather the kept tiles of ``zoom`` inside one metatile and build the zooms below."""

    zoom: int
    mx: int
    my: int
    tiles: tuple[tuple[int, int, str], ...]  # x, y, scratch file


@dataclass(frozen=True)
class Job:
    key_prefix: str  # e.g. tiles/2024-12-26/sectional
    options: TileOptions
    sink: Sink
    scratch: str


@dataclass(frozen=True)
class TaskResult:
    zoom: int  # zoom of the kept tile
    x: int
    y: int
    scratch_file: str | None  # None: the kept tile is empty
    tiles_by_zoom: dict[int, int]
    bytes: int
    hashes: dict[str, str]  # key → MD5 of every tile made
    unchanged: int  # tiles whose stored bytes were already these


def tile_layer(
    charts: Sequence[ChartSource],
    key_prefix: str,
    sink: Sink,
    options: TileOptions,
    progress: Callable[[int, int], None] | None = None,
    known: Mapping[str, str] | None = None,
) -> LayerResult:
    """Tile ``charts`` (drawn in this order) into ``sink`` under ``key_prefix``/z/x/y.webp.

    ``known`` holds the MD5 of tiles stored before under these keys (a manifest of an earlier
    run): a tile whose bytes are the same is not stored again.
    """
    known = known or {}
    prepared = [prepare(chart) for chart in charts]
    result = LayerResult(bounds=_lonlat_bounds(prepared))
    top_tasks = _top_tasks(prepared, options.max_zoom)
    # The number of metatiles of every pass, roughly (for progress): the top pass dominates.
    total = len(top_tasks) + max(1, len(top_tasks) // (META * META)) * 2
    done = 0
    with tempfile.TemporaryDirectory(prefix="pirep-tiles-") as scratch:
        job = Job(key_prefix, options, sink, scratch)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["importer.charts.tiler"])
        with ProcessPoolExecutor(max_workers=options.processes, mp_context=context) as pool:
            tasks: Sequence[TopTask | ReduceTask] = top_tasks
            while tasks:
                futures = [
                    pool.submit(_run, job, task, _known_for(job, task, known)) for task in tasks
                ]
                kept: list[TaskResult] = []
                for future in as_completed(futures):
                    outcome = future.result()
                    for zoom, count in outcome.tiles_by_zoom.items():
                        result.tiles_by_zoom[zoom] = result.tiles_by_zoom.get(zoom, 0) + count
                        result.tiles += count
                    result.bytes += outcome.bytes
                    result.hashes.update(outcome.hashes)
                    result.unchanged += outcome.unchanged
                    if outcome.scratch_file is not None:
                        kept.append(outcome)
                    done += 1
                    if progress:
                        progress(done, max(total, done))
                tasks = _reduce_tasks(kept, options.min_zoom)
    if progress:
        progress(done, done)
    return result


def _lonlat_bounds(charts: Sequence[PreparedChart]) -> Bounds | None:
    if not charts:
        return None
    left = min(chart.footprint[0] for chart in charts)
    bottom = min(chart.footprint[1] for chart in charts)
    right = max(chart.footprint[2] for chart in charts)
    top = max(chart.footprint[3] for chart in charts)
    west, south, east, north = transform_bounds(MERCATOR, WGS84, left, bottom, right, top)
    return (round(west, 6), round(south, 6), round(east, 6), round(north, 6))


def _tile_range(bounds: Bounds, zoom: int) -> tuple[int, int, int, int]:
    """The tiles of ``zoom`` covering Web Mercator ``bounds``: x0, y0, x1, y1 inclusive."""
    size = resolution(zoom) * TILE
    count = 2**zoom
    x0 = int((bounds[0] + HALF_WORLD) // size)
    x1 = math.ceil((bounds[2] + HALF_WORLD) / size) - 1
    y0 = int((HALF_WORLD - bounds[3]) // size)
    y1 = math.ceil((HALF_WORLD - bounds[1]) / size) - 1
    return max(0, x0), max(0, y0), min(count - 1, x1), min(count - 1, y1)


def _top_tasks(charts: Sequence[PreparedChart], zoom: int) -> list[TopTask]:
    """One task per metatile that some chart's footprint reaches, with those charts in order."""
    reached: dict[tuple[int, int], list[PreparedChart]] = defaultdict(list)
    for chart in charts:
        x0, y0, x1, y1 = _tile_range(chart.footprint, zoom)
        for my in range(y0 // META, y1 // META + 1):
            for mx in range(x0 // META, x1 // META + 1):
                reached[(mx, my)].append(chart)
    return [TopTask(zoom, mx, my, tuple(found)) for (mx, my), found in sorted(reached.items())]


def _reduce_tasks(kept: list[TaskResult], min_zoom: int) -> list[ReduceTask]:
    if not kept or kept[0].zoom <= min_zoom:
        return []
    groups: dict[tuple[int, int], list[tuple[int, int, str]]] = defaultdict(list)
    for item in kept:
        assert item.scratch_file is not None
        groups[(item.x // META, item.y // META)].append((item.x, item.y, item.scratch_file))
    zoom = kept[0].zoom
    return [ReduceTask(zoom, mx, my, tuple(tiles)) for (mx, my), tiles in sorted(groups.items())]


# --- In the workers -------------------------------------------------------------------------


_datasets: dict[str, Any] = {}
_crs: dict[str, CRS] = {}


# Decoded chart blocks kept per worker: enough for the windows of neighbouring metatiles
# (GDAL's default, 5 % of the machine's memory, would only grow the process).
BLOCK_CACHE_MB = 128


def _dataset(path: str) -> Any:
    """Charts stay open in a worker for all its metatiles."""
    dataset = _datasets.get(path)
    if dataset is None:
        if not _datasets:
            set_gdal_config("GDAL_CACHEMAX", BLOCK_CACHE_MB)
        dataset = _datasets[path] = rasterio.open(path)
    return dataset


def _levels(task: TopTask | ReduceTask) -> tuple[int, int, int, int]:
    """Where a task's tiles start: zoom, x, y of the top left tile, tiles per side."""
    if isinstance(task, TopTask):
        return task.zoom, task.mx * META, task.my * META, META
    # The gathered tiles were written by the pass before: it starts one zoom below them.
    half = META // 2
    return task.zoom - 1, task.mx * half, task.my * half, half


def _task_keys(job: Job, task: TopTask | ReduceTask) -> Iterator[str]:
    """Every key the task may write (the loop of ``_emit``, without the pixels)."""
    zoom, x0, y0, span = _levels(task)
    while True:
        if zoom <= job.options.max_zoom:
            for row in range(span):
                for column in range(span):
                    yield f"{job.key_prefix}/{zoom}/{x0 + column}/{y0 + row}.webp"
        if span == 1 or zoom == job.options.min_zoom:
            return
        zoom, span, x0, y0 = zoom - 1, span // 2, x0 // 2, y0 // 2


def _known_for(job: Job, task: TopTask | ReduceTask, known: Mapping[str, str]) -> dict[str, str]:
    if not known:
        return {}
    return {key: known[key] for key in _task_keys(job, task) if key in known}


def _run(job: Job, task: TopTask | ReduceTask, known: dict[str, str]) -> TaskResult:
    zoom, x0, y0, span = _levels(task)
    canvas = _warp_metatile(task) if isinstance(task, TopTask) else _gather(task).reduce(2)
    return _emit(job, zoom, x0, y0, span, canvas, known)


def _warp_metatile(task: TopTask) -> Image.Image:
    """The metatile as a premultiplied RGBA image (Pillow's mode ``RGBa``)."""
    size = META * TILE
    res = resolution(task.zoom)
    left = -HALF_WORLD + task.mx * size * res
    top = HALF_WORLD - task.my * size * res
    canvas: Image.Image | None = None
    for chart in task.charts:
        try:
            layer = _warp_chart(chart, left, top, res, size)
        except rasterio.errors.RasterioError as error:
            # A damaged chart opens (its header is whole) and then fails to give its pixels.
            raise ChartError(f"{chart.name}: cannot read {chart.path}: {_reason(error)}") from None
        if layer is None:
            continue
        canvas = layer if canvas is None else _over(layer, canvas)
    return canvas if canvas is not None else Image.new("RGBa", (size, size))


def _reason(error: BaseException) -> str:
    """GDAL's own words: rasterio's error says "Read failed" and chains the causes below it."""
    while error.__cause__ is not None:
        error = error.__cause__
    return str(error)


def _over(top: Image.Image, bottom: Image.Image) -> Image.Image:
    """``top`` drawn over ``bottom`` (both premultiplied): where the later chart has colour, it
    covers the earlier one; its soft edges blend into it."""
    upper = np.asarray(top, np.uint16)
    lower = np.asarray(bottom, np.uint16)
    mixed = upper + (lower * (255 - upper[..., 3:4]) + 127) // 255
    return Image.fromarray(mixed.astype(np.uint8), "RGBa")


MESH_CELL = 128  # px: the projection is interpolated linearly inside each cell (< 0.01 px off)
OUTSIDE = -1e6  # a source position off every chart: its pixel stays transparent


def _warp_chart(
    chart: PreparedChart, left: float, top: float, res: float, size: int
) -> Image.Image | None:
    """The part of ``chart`` inside the metatile, warped into it (premultiplied RGBA).

    Where each metatile pixel comes from is projected exactly at the centres of ``MESH_CELL``
    px cells (and one ring of cells around them), interpolated linearly in between, and the
    chart is sampled there bilinearly (OpenCV's ``remap``).
    """
    dataset = _dataset(chart.path)
    crs = _crs.get(chart.crs) or _crs.setdefault(chart.crs, CRS.from_proj4(chart.crs))
    count = size // MESH_CELL + 2
    centres = (np.arange(count) - 0.5) * MESH_CELL * res
    xs, ys = np.meshgrid(left + centres, top - centres)
    try:
        sx, sy = transform(MERCATOR, crs, xs.ravel().tolist(), ys.ravel().tolist())
    except Exception:
        return None
    inverse = ~Affine(*chart.transform)
    columns, rows = inverse * (np.array(sx), np.array(sy))
    columns, rows = columns.reshape(count, count), rows.reshape(count, count)
    finite = np.isfinite(columns) & np.isfinite(rows)
    if not finite.any():
        return None
    pad = 2
    col0 = max(0, math.floor(columns[finite].min()) - pad)
    row0 = max(0, math.floor(rows[finite].min()) - pad)
    col1 = min(chart.width, math.ceil(columns[finite].max()) + pad)
    row1 = min(chart.height, math.ceil(rows[finite].max()) + pad)
    if col1 <= col0 or row1 <= row0:
        return None
    window = Window(col0, row0, col1 - col0, row1 - row0)
    pixels = _read_premultiplied(chart, dataset, window)
    if pixels is None:
        return None
    # OpenCV counts from pixel centres; the affine transform, from pixel corners.
    map_x = _fill(np.where(finite, columns - col0 - 0.5, OUTSIDE), size)
    map_y = _fill(np.where(finite, rows - row0 - 0.5, OUTSIDE), size)
    warped = cv2.remap(
        pixels,
        map_x,
        map_y,
        interpolation=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0, 0),
    )
    if not warped[..., 3].any():
        return None
    return Image.frombuffer("RGBa", (size, size), warped, "raw", "RGBa", 0, 1)


def _fill(samples: Array, size: int) -> Array:
    """Per-pixel positions from the samples at cell centres (with one ring around them).

    ``cv2.resize`` puts its samples at centres too, so sample ``k`` lands exactly on the centre
    of cell ``k - 1`` and pixels in between are interpolated linearly; the outer ring is cut.
    """
    full = (len(samples)) * MESH_CELL
    resized = cv2.resize(samples.astype(np.float32), (full, full), interpolation=cv2.INTER_LINEAR)
    return resized[MESH_CELL : MESH_CELL + size, MESH_CELL : MESH_CELL + size]


def _read_premultiplied(chart: PreparedChart, dataset: Any, window: Window) -> Array | None:
    """The chart's pixels in ``window`` as premultiplied RGBA (rows, columns, 4), masked by
    its cutline; None when nothing of the chart is visible there."""
    shape = (window.height, window.width)
    inside: Array | None = None
    if chart.cutline is not None:
        inside = geometry_mask(
            [chart.cutline],
            out_shape=shape,
            transform=dataset.window_transform(window),
            invert=True,
        )
        if not inside.any():
            return None
        if inside.all():
            inside = None
    if chart.palette is not None:
        # One 32-bit lookup per pixel gives its four bytes at once.
        colours = _premultiplied(chart.palette).view(np.uint32).reshape(256)
        pixels = colours[dataset.read(1, window=window)].view(np.uint8).reshape(*shape, 4)
    else:
        pixels = np.empty((*shape, 4), np.uint8)
        pixels[..., :3] = np.moveaxis(dataset.read((1, 2, 3), window=window), 0, 2)
        pixels[..., 3] = 255
    if chart.alpha_band is not None:
        alpha = dataset.read(chart.alpha_band, window=window)
        if alpha.min() < 255:
            pixels = (pixels.astype(np.uint16) * alpha[..., None] // 255).astype(np.uint8)
    if inside is not None:
        pixels *= inside[..., None]
    if not pixels[..., 3].any():
        return None
    return pixels  # type: ignore[no-any-return]


_tables: dict[bytes, Array] = {}


def _premultiplied(palette: bytes) -> Array:
    """The palette (256 × RGBA) with its colours multiplied by their alpha."""
    table = _tables.get(palette)
    if table is None:
        rgba = np.frombuffer(palette, np.uint8).reshape(256, 4).astype(np.uint16)
        rgba[:, :3] = (rgba[:, :3] * rgba[:, 3:] + 127) // 255
        table = _tables[palette] = rgba.astype(np.uint8)
    return table


def _gather(task: ReduceTask) -> Image.Image:
    """The kept tiles of a pass, placed in their metatile."""
    canvas = Image.new("RGBa", (META * TILE, META * TILE))
    for x, y, path in task.tiles:
        with open(path, "rb") as handle:
            tile = Image.frombytes("RGBa", (TILE, TILE), handle.read())
        canvas.paste(tile, ((x - task.mx * META) * TILE, (y - task.my * META) * TILE))
        os.unlink(path)
    return canvas


def _emit(
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
