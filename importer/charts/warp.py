"""Reading and warping charts: where a chart lands on the map, and its pixels warped into a
metatile of the top zoom.

A worker reads just the source window a metatile needs, expands the palette, masks it by the
chart's cutline in the chart's own pixel space (as ``gdalwarp -cutline`` does), and warps it
once into the metatile with alpha premultiplied, so that edges blend without fringes. Charts
are drawn in catalogue order, later charts on top. A chart that fails there is left out of the
metatile and named in the result; the others are drawn.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import ColorInterp
from rasterio.env import set_gdal_config
from rasterio.errors import NotGeoreferencedWarning
from rasterio.features import geometry_mask
from rasterio.warp import transform, transform_bounds, transform_geom
from rasterio.windows import Window

from importer.charts.grid import META, TILE, Bounds, Canvas, metatile_origin, resolution

# Each worker process is one unit of parallelism: no thread pools inside it.
cv2.setNumThreads(1)

# A chart larger than this is refused before it is tiled: the FAA's largest are about
# 16,600 × 12,400 px (206 megapixels); a header claiming far more is damaged or hostile.
MAX_CHART_PIXELS = 1_000_000_000
MERCATOR = CRS.from_epsg(3857)
WGS84 = CRS.from_epsg(4326)

Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class ChartSource:
    """One GeoTIFF of a layer, with its cutline (GeoJSON geometry in longitude/latitude)."""

    name: str
    path: str  # a GDAL path: a file, or /vsizip//abs/archive.zip/member.tif
    cutline: dict[str, Any] | None = None


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
    footprint: Bounds  # longitude/latitude; west > east across the antimeridian


class ChartError(Exception):
    """Charts that cannot be tiled (no georeferencing, unreadable, …): a sentence for each in
    ``failures``, starting with the chart's name."""

    def __init__(self, *failures: str) -> None:
        super().__init__(*failures)
        self.failures = failures

    def __str__(self) -> str:
        return "; ".join(self.failures)


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
            footprint = _geometry_bounds(chart.cutline)
        else:
            footprint = transform_bounds(dataset.crs, WGS84, *dataset.bounds, densify_pts=21)
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


@dataclass(frozen=True)
class TopTask:
    """Warp the charts into one metatile of the top zoom."""

    zoom: int
    mx: int
    my: int
    charts: tuple[PreparedChart, ...]


# Per worker process: the charts it has open, and their CRS.
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


def close_datasets() -> None:
    """Close the charts this process opened (the tiler's own process draws a few metatiles
    while its workers start)."""
    for dataset in _datasets.values():
        dataset.close()
    _datasets.clear()


def warp_metatile(task: TopTask) -> tuple[Canvas, dict[str, str]]:
    """The metatile as premultiplied RGBA (rows, columns, 4), and the charts that failed there
    (name → sentence), which it leaves out."""
    size = META * TILE
    res = resolution(task.zoom)
    left, top = metatile_origin(task.zoom, task.mx, task.my)
    canvas: Canvas | None = None
    failures: dict[str, str] = {}
    for chart in task.charts:
        try:
            layer = _warp_chart(chart, left, top, res, size)
        except ChartError as error:
            failures[chart.name] = str(error)
            continue
        except rasterio.errors.RasterioError as error:
            # A damaged chart opens (its header is whole) and then fails to give its pixels.
            failures[chart.name] = f"{chart.name}: cannot read {chart.path}: {_reason(error)}"
            continue
        if layer is None:
            continue
        canvas = layer if canvas is None else _over(layer, canvas)
    return (canvas if canvas is not None else np.zeros((size, size, 4), np.uint8)), failures


def _reason(error: BaseException) -> str:
    """GDAL's own words: rasterio's error says "Read failed" and chains the causes below it."""
    while error.__cause__ is not None:
        error = error.__cause__
    return str(error)


def _over(top: Canvas, bottom: Canvas) -> Canvas:
    """``top`` drawn over ``bottom`` (both premultiplied): where the later chart has colour, it
    covers the earlier one; its soft edges blend into it."""
    upper = top.astype(np.uint16)
    lower = bottom.astype(np.uint16)
    mixed = upper + (lower * (255 - upper[..., 3:4]) + 127) // 255
    return mixed.astype(np.uint8)


# Where each metatile pixel comes from is projected exactly every `SAMPLE_STEP` px (a tile's
# edges included). At the zooms the charts are tiled at (12 and 13), the projection is affine
# within a tile to 0.05 px (GDAL's warper allows itself 0.125): each tile is warped with the
# affine map fitted to its 5 × 5 samples (OpenCV's `warpAffine`, no per-pixel positions).
# Zoomed out, where a tile's fit is further off than `AFFINE_TOLERANCE`, the metatile is
# warped through per-pixel positions interpolated between samples at the centres of
# `MESH_CELL` px cells (`remap`, < 0.01 px off).
SAMPLE_STEP = 64
AFFINE_TOLERANCE = 0.05  # source pixels
MESH_CELL = 128
OUTSIDE = -1e6  # a source position off every chart: its pixel stays transparent
_PAD = 2  # source pixels read around the samples' extent, for the bilinear sampling


def _warp_chart(
    chart: PreparedChart, left: float, top: float, res: float, size: int
) -> Canvas | None:
    """The part of ``chart`` inside the metatile, warped into it (premultiplied RGBA), sampled
    bilinearly."""
    offsets: Array = np.arange(size // SAMPLE_STEP + 1) * SAMPLE_STEP
    columns, rows = _source_positions(chart, left, top, res, offsets)
    finite = np.isfinite(columns) & np.isfinite(rows)
    affines = _tile_affines(columns, rows) if finite.all() else None
    if affines is None:
        # Off by more than the tolerance, or partly off the projection: the per-pixel way.
        offsets = (np.arange(size // MESH_CELL + 2) - 0.5) * MESH_CELL
        columns, rows = _source_positions(chart, left, top, res, offsets)
        finite = np.isfinite(columns) & np.isfinite(rows)
        if not finite.any():
            return None
    window = _window(chart, columns[finite], rows[finite])
    if window is None:
        return None
    pixels = _read_premultiplied(chart, _dataset(chart.path), window)
    if pixels is None:
        return None
    # OpenCV counts from pixel centres; the affine transform, from pixel corners.
    shift = (window.col_off + 0.5, window.row_off + 0.5)
    if affines is not None:
        warped = _warp_tiles(pixels, affines, shift, size)
    else:
        map_x = _fill(np.where(finite, columns - shift[0], OUTSIDE), size)
        map_y = _fill(np.where(finite, rows - shift[1], OUTSIDE), size)
        warped = cv2.remap(
            pixels,
            map_x,
            map_y,
            interpolation=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(0, 0, 0, 0),
        )
    # Premultiplied: where every byte is 0, nothing of the chart shows.
    if not warped.any():
        return None
    return np.asarray(warped, np.uint8)  # the same array, typed as a canvas


# A tile's corners, from its pixels' centres (with a 1 for the affine maps' offsets).
_EDGE = TILE - 0.5
_CORNERS = np.array([[-0.5, -0.5, 1], [_EDGE, -0.5, 1], [-0.5, _EDGE, 1], [_EDGE, _EDGE, 1]])


def _warp_tiles(
    pixels: Array, affines: dict[tuple[int, int], Array], shift: tuple[float, float], size: int
) -> Array:
    """Each tile of the metatile warped from ``pixels`` with its affine map (``shift`` taken
    off: the map's positions count from the chart's corner, ``pixels`` from the window's)."""
    warped = np.zeros((size, size, 4), np.uint8)
    height, width = pixels.shape[:2]
    for (row, column), affine in affines.items():
        matrix = affine - [[0, 0, shift[0]], [0, 0, shift[1]]]
        reach = _CORNERS @ matrix.T
        # None of the window's pixels between its corners: the tile stays transparent.
        if (reach.max(axis=0) < -1).any() or (reach.min(axis=0) > (width, height)).any():
            continue
        cv2.warpAffine(
            pixels,
            matrix,
            (TILE, TILE),
            dst=warped[row * TILE : (row + 1) * TILE, column * TILE : (column + 1) * TILE],
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(0, 0, 0, 0),
        )
    return warped


def _source_positions(
    chart: PreparedChart, left: float, top: float, res: float, offsets: Array
) -> tuple[Array, Array]:
    """The chart's pixel positions (from its pixels' corners) of the metatile's points
    ``offsets`` px right of and below its top left corner, on a square grid."""
    crs = _crs.get(chart.crs) or _crs.setdefault(chart.crs, CRS.from_proj4(chart.crs))
    xs, ys = np.meshgrid(left + offsets * res, top - offsets * res)
    try:
        sx, sy = transform(MERCATOR, crs, xs.ravel().tolist(), ys.ravel().tolist())
    except Exception as error:  # GDAL's errors (CPLE_*) have no public base class
        raise ChartError(
            f"{chart.name}: cannot be projected onto the map at {left:.0f}, {top:.0f} "
            f"(Web Mercator): {_reason(error)}"
        ) from None
    columns, rows = ~Affine(*chart.transform) * (np.array(sx), np.array(sy))
    return columns.reshape(xs.shape), rows.reshape(xs.shape)


def _window(chart: PreparedChart, columns: Array, rows: Array) -> Window | None:
    """The chart's pixels that the positions reach (None: none of its pixels)."""
    col0 = max(0, math.floor(columns.min()) - _PAD)
    row0 = max(0, math.floor(rows.min()) - _PAD)
    col1 = min(chart.width, math.ceil(columns.max()) + _PAD)
    row1 = min(chart.height, math.ceil(rows.max()) + _PAD)
    if col1 <= col0 or row1 <= row0:
        return None
    return Window(col0, row0, col1 - col0, row1 - row0)


def _affine_fit() -> tuple[Array, Array]:
    """The fit's design (the 5 × 5 samples of a tile, from its pixels' centres, with a 1 for
    the offset) and its pseudo-inverse: the same for every tile."""
    local = np.arange(TILE // SAMPLE_STEP + 1) * SAMPLE_STEP - 0.5
    u, v = np.meshgrid(local, local)
    design = np.column_stack([u.ravel(), v.ravel(), np.ones(u.size)])
    return design, np.linalg.pinv(design)


_DESIGN, _SOLVE = _affine_fit()


def _tile_affines(columns: Array, rows: Array) -> dict[tuple[int, int], Array] | None:
    """Per tile (row, column) of the metatile, the affine map from its pixels' centres to the
    chart's positions (from corners): a least-squares fit to the tile's 5 × 5 samples. None
    when a fit is off by more than ``AFFINE_TOLERANCE`` at a sample (zoomed out, the
    projection bends within a tile)."""
    per_tile = TILE // SAMPLE_STEP
    tiles = (columns.shape[0] - 1) // per_tile
    found: dict[tuple[int, int], Array] = {}
    for row in range(tiles):
        for column in range(tiles):
            cut = np.s_[
                row * per_tile : (row + 1) * per_tile + 1,
                column * per_tile : (column + 1) * per_tile + 1,
            ]
            samples = np.stack([columns[cut].ravel(), rows[cut].ravel()])  # 2 × 25
            matrix = samples @ _SOLVE.T  # 2 × 3
            if np.abs(matrix @ _DESIGN.T - samples).max() > AFFINE_TOLERANCE:
                return None
            found[(row, column)] = matrix
    return found


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
        # One 32-bit lookup per pixel gives its four bytes at once (``take``: 40 % faster
        # than indexing, which goes through NumPy's general iterator).
        colours = _premultiplied(chart.palette).view(np.uint32).reshape(256)
        indexes = dataset.read(1, window=window)
        pixels = np.take(colours, indexes).view(np.uint8).reshape(*shape, 4)
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
    if not pixels.any():
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
