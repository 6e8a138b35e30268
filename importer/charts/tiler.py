"""Chart GeoTIFFs to a PMTiles archive of Web Mercator map tiles (XYZ, 256 px, WebP).

The layer is cut at its top zoom into metatiles of ``META`` × ``META`` tiles. A worker process
builds one metatile: it warps into it every chart that reaches it (``warp``), encodes its tiles
and averages it down 2 × 2 three times, giving its tiles at the three zooms below (``encode``);
the last one (a single tile) is kept in a scratch directory. The next pass gathers those tiles
into metatiles again and goes on down to the layer's lowest zoom. While the workers start (their
process imports the tiler first, about half a second), the calling process draws the first
metatiles itself. Memory is bounded by a metatile per worker, whatever the size of the charts.
Workers write their tiles to scratch files; once every tile is made, they are written into one
archive in the order of their PMTiles tile ids (a clustered archive: a map reading it asks for
few, nearby byte ranges).

A chart that cannot be read or placed does not stop the others: the layer is tiled without it,
then ``ChartError`` names every chart that failed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import shutil
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from api.core.archives import write_webp_archive
from importer.charts.encode import (
    Job,
    ReduceTask,
    TaskResult,
    TileOptions,
    emit,
    encode_webp,
    gather,
    halved,
)
from importer.charts.grid import META, Bounds, metatiles
from importer.charts.warp import (
    ChartError,
    ChartSource,
    PreparedChart,
    TopTask,
    close_datasets,
    prepare,
    warp_metatile,
)

__all__ = [
    "ChartError",
    "ChartSource",
    "LayerResult",
    "TileOptions",
    "encode_webp",
    "tile_layer",
]


@dataclass
class LayerResult:
    """What a layer's tiling made: its tiles, their bytes, where it lies."""

    tiles: int = 0
    bytes: int = 0  # of the tiles, the archive's directories left out
    tiles_by_zoom: dict[int, int] = field(default_factory=dict)
    bounds: Bounds | None = None  # longitude/latitude
    footprints: dict[str, Bounds] = field(default_factory=dict)  # chart name → where it lies


def tile_layer(
    charts: Sequence[ChartSource],
    archive: Path,
    options: TileOptions,
    progress: Callable[[int, int], None] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> LayerResult:
    """Tile ``charts`` (drawn in this order) into the PMTiles archive ``archive``, with
    ``metadata`` (name, attribution...) in it. A chart that cannot be read or placed is left
    out and the others are tiled; then ``ChartError`` names each that failed (and no archive is
    written)."""
    failures: dict[str, str] = {}
    prepared = []
    for chart in charts:
        try:
            prepared.append(prepare(chart))
        except ChartError as error:
            failures[chart.name] = str(error)
    result = LayerResult(
        bounds=_lonlat_bounds(prepared),
        footprints={chart.name: _rounded(chart.footprint) for chart in prepared},
    )
    top_tasks = _top_tasks(prepared, options.max_zoom)
    # The number of metatiles of every pass, roughly (for progress): the top pass dominates.
    total = len(top_tasks) + max(1, len(top_tasks) // (META * META)) * 2
    done = 0
    index: list[tuple[int, int, int]] = []  # tile id, offset and length in the tiles file
    with tempfile.TemporaryDirectory(prefix="pirep-tiles-") as scratch:
        job = Job(options, scratch)
        tiles_path = os.path.join(scratch, "tiles.bin")
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["importer.charts.tiler"])
        with (
            ProcessPoolExecutor(max_workers=options.processes, mp_context=context) as pool,
            open(tiles_path, "wb") as tiles,
        ):
            tasks: Sequence[TopTask | ReduceTask] = top_tasks
            started = _start_workers(pool, options.processes)
            while tasks:
                # Until the workers are up (their process imports the tiler first, half a
                # second), this process draws metatiles itself.
                here: list[TaskResult] = []
                try:
                    while len(here) < len(tasks) and not started.is_set():
                        here.append(_run(job, tasks[len(here)]))
                finally:
                    close_datasets()
                futures = [pool.submit(_run, job, task) for task in tasks[len(here) :]]
                kept: list[TaskResult] = []
                for outcome in chain(here, (future.result() for future in as_completed(futures))):
                    for zoom, count in outcome.tiles_by_zoom.items():
                        result.tiles_by_zoom[zoom] = result.tiles_by_zoom.get(zoom, 0) + count
                        result.tiles += count
                    if outcome.tiles_file is not None:
                        _append(tiles, outcome, index, result.bytes)
                    result.bytes += outcome.bytes
                    for name, failure in outcome.failures.items():
                        failures.setdefault(name, failure)
                    if outcome.scratch_file is not None:
                        kept.append(outcome)
                    done += 1
                    if progress:
                        progress(done, max(total, done))
                tasks = _reduce_tasks(kept, options.min_zoom)
        if progress:
            progress(done, done)
        if failures:
            raise ChartError(*(failures[chart.name] for chart in charts if chart.name in failures))
        if not index:  # an archive without a tile cannot be read
            raise ChartError("no chart of the layer covers any part of the map")
        _write_archive(archive, tiles_path, index, result, options, metadata or {})
    return result


def _start_workers(pool: ProcessPoolExecutor, processes: int) -> threading.Event:
    """Start the pool's workers in a thread; the event is set once they are all up."""
    started = threading.Event()

    def start() -> None:
        # A broken pool is reported by the next submit, in the tiler's own thread; a pool
        # shut down (the tiler failed meanwhile) has nothing left to start.
        with contextlib.suppress(BrokenProcessPool, RuntimeError):
            for future in [pool.submit(int) for _ in range(processes)]:
                future.result()
        started.set()

    threading.Thread(target=start, name="tiler-workers", daemon=True).start()
    return started


def _append(tiles: Any, outcome: TaskResult, index: list[tuple[int, int, int]], start: int) -> None:
    """Add a task's tiles to the layer's tiles file (and their places to ``index``)."""
    assert outcome.tiles_file is not None
    with open(outcome.tiles_file, "rb") as part:
        shutil.copyfileobj(part, tiles, 1 << 20)
    os.unlink(outcome.tiles_file)
    index.extend((tile_id, start + offset, length) for tile_id, offset, length in outcome.index)


def _write_archive(
    archive: Path,
    tiles_path: str,
    index: list[tuple[int, int, int]],
    result: LayerResult,
    options: TileOptions,
    metadata: Mapping[str, Any],
) -> None:
    """The tiles in the order of their tile ids, then the archive's header and directories."""
    index.sort()
    bounds = result.bounds or (-180.0, -85.05112878, 180.0, 85.05112878)
    described = {
        **metadata,
        "format": "webp",
        "type": "overlay",
        "minzoom": options.min_zoom,
        "maxzoom": options.max_zoom,
        "bounds": ",".join(str(value) for value in bounds),
    }
    with open(tiles_path, "rb") as tiles:
        descriptor = tiles.fileno()
        entries = (
            (tile_id, os.pread(descriptor, length, offset)) for tile_id, offset, length in index
        )
        write_webp_archive(archive, entries, bounds, options.min_zoom, described)


def _lonlat_bounds(charts: Sequence[PreparedChart]) -> Bounds | None:
    if not charts:
        return None
    west = min(chart.footprint[0] for chart in charts)
    south = min(chart.footprint[1] for chart in charts)
    east = max(chart.footprint[2] for chart in charts)
    north = max(chart.footprint[3] for chart in charts)
    return _rounded((west, south, east, north))


def _rounded(bounds: Bounds) -> Bounds:
    west, south, east, north = bounds
    return (round(west, 6), round(south, 6), round(east, 6), round(north, 6))


def _top_tasks(charts: Sequence[PreparedChart], zoom: int) -> list[TopTask]:
    """One task per metatile that some chart's footprint reaches, with those charts in order."""
    reached: dict[tuple[int, int], list[PreparedChart]] = defaultdict(list)
    for chart in charts:
        for mx, my in metatiles(chart.footprint, zoom):
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


def _levels(task: TopTask | ReduceTask) -> tuple[int, int, int, int]:
    """Where a task's tiles start: zoom, x, y of the top left tile, tiles per side."""
    if isinstance(task, TopTask):
        return task.zoom, task.mx * META, task.my * META, META
    # The gathered tiles were written by the pass before: it starts one zoom below them.
    half = META // 2
    return task.zoom - 1, task.mx * half, task.my * half, half


def _run(job: Job, task: TopTask | ReduceTask) -> TaskResult:
    """One task, in a worker process."""
    zoom, x0, y0, span = _levels(task)
    if isinstance(task, ReduceTask):
        return emit(job, zoom, x0, y0, span, halved(gather(task)))
    canvas, failures = warp_metatile(task)
    return dataclasses.replace(emit(job, zoom, x0, y0, span, canvas), failures=failures)
