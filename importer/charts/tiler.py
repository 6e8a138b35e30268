"""Chart GeoTIFFs to Web Mercator map tiles (XYZ, 256 px, WebP).

The layer is cut at its top zoom into metatiles of ``META`` × ``META`` tiles. A worker process
builds one metatile: it warps into it every chart that reaches it (``warp``), encodes its tiles
and averages it down 2 × 2 three times, giving its tiles at the three zooms below (``encode``);
the last one (a single tile) is kept in a scratch directory. The next pass gathers those tiles
into metatiles again and goes on down to the layer's lowest zoom. Memory is bounded by a
metatile per worker, whatever the size of the charts.

A chart that cannot be read or placed does not stop the others: the layer is tiled without it,
then ``ChartError`` names every chart that failed.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from api.core.storage import Sink
from importer.charts.encode import (
    Job,
    ReduceTask,
    TaskResult,
    TileOptions,
    emit,
    encode_webp,
    gather,
)
from importer.charts.grid import META, Bounds, metatiles
from importer.charts.warp import (
    ChartError,
    ChartSource,
    PreparedChart,
    TopTask,
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
    """What a layer's tiling made: its tiles, their bytes and hashes, where it lies."""

    tiles: int = 0
    bytes: int = 0
    tiles_by_zoom: dict[int, int] = field(default_factory=dict)
    bounds: Bounds | None = None  # longitude/latitude
    hashes: dict[str, str] = field(default_factory=dict)  # key → MD5 of each tile
    unchanged: int = 0  # tiles not stored again: the same bytes were there already


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
    run): a tile whose bytes are the same is not stored again. A chart that cannot be read or
    placed is left out and the others are tiled; then ``ChartError`` names each that failed.
    """
    known = known or {}
    failures: dict[str, str] = {}
    prepared = []
    for chart in charts:
        try:
            prepared.append(prepare(chart))
        except ChartError as error:
            failures[chart.name] = str(error)
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
    return result


def _lonlat_bounds(charts: Sequence[PreparedChart]) -> Bounds | None:
    if not charts:
        return None
    west = min(chart.footprint[0] for chart in charts)
    south = min(chart.footprint[1] for chart in charts)
    east = max(chart.footprint[2] for chart in charts)
    north = max(chart.footprint[3] for chart in charts)
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


def _task_keys(job: Job, task: TopTask | ReduceTask) -> Iterator[str]:
    """Every key the task may write (the loop of ``emit``, without the pixels)."""
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
    """One task, in a worker process."""
    zoom, x0, y0, span = _levels(task)
    if isinstance(task, ReduceTask):
        return emit(job, zoom, x0, y0, span, gather(task).reduce(2), known)
    canvas, failures = warp_metatile(task)
    return dataclasses.replace(emit(job, zoom, x0, y0, span, canvas, known), failures=failures)
