"""The charts product of a cycle: fetch the archives, tile each layer, describe the layers.

Each layer becomes one PMTiles archive, ``tiles/<cycle>/<layer>.pmtiles``, built in a
scratch directory and stored whole (one multipart upload on S3), where no reader looks until
the cycle is activated. A layer whose chart archives are byte for byte those it was last tiled
from in this cycle (its manifest, stored after its archive, says so) is not tiled again: a
rerun after a failure resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from api.core.errors import PirepError
from api.core.settings import Settings
from api.core.storage import Sink, StorageFailed, sha256_of, sink_from_settings
from importer.charts.catalogue import FAA_CHARTS, LAYERS, SAMPLE_CHARTS, Chart, select
from importer.charts.grid import Bounds
from importer.charts.tiler import ChartError, ChartSource, TileOptions, tile_layer
from importer.progress import Reporter
from importer.sources.charts import fetch_chart_archives

Update = Callable[..., Awaitable[None]]


class ChartsFailed(PirepError):
    status_code = 422
    error = "ChartsFailed"


@dataclass
class ChartsOutcome:
    details: dict[str, Any] = field(default_factory=dict)  # stored with the active cycle
    counts: dict[str, Any] = field(default_factory=dict)  # reported in the run


def make_sink(settings: Settings) -> Sink:
    return sink_from_settings(settings)


def catalogue(settings: Settings) -> tuple[Chart, ...]:
    return SAMPLE_CHARTS if settings.chart_catalogue == "sample" else FAA_CHARTS


async def build_charts(
    settings: Settings,
    cycle: date,
    *,
    names: list[str] | None,
    source_dir: Path | None,
    dry_run: bool,
    reporter: Reporter,
    update: Update,
) -> ChartsOutcome:
    try:
        charts = select(catalogue(settings), names)
    except ValueError as error:
        raise ChartsFailed(str(error)) from None
    reporter.step(f"Fetching {len({c.archive for c in charts})} chart archives of {cycle}")
    await update(progress={"step": "fetching the chart archives"})
    archives = await fetch_chart_archives(
        charts,
        cycle,
        base_url=settings.charts_base_url,
        cache_dir=settings.cache_dir,
        source_dir=source_dir,
        timeout_seconds=settings.http_timeout_seconds,
        retries=settings.http_retries,
        on_progress=reporter.transfer,
    )
    hashes = {
        archive: await asyncio.to_thread(sha256_of, path) for archive, path in archives.items()
    }
    sink = make_sink(settings)
    outcome = ChartsOutcome(details={"layers": {}})
    failed: list[str] = []  # a sentence for each chart that could not be tiled
    for layer in LAYERS.values():
        chosen = [chart for chart in charts if chart.layer == layer.name]
        if not chosen:
            continue
        low, high = settings.zoom_range(layer.name)
        key = archive_key(cycle, layer.name)
        fingerprint = {
            "charts": {chart.name: hashes[chart.archive] for chart in chosen},
            "zooms": [low, high],
            "quality": settings.tile_quality,
        }
        previous = await asyncio.to_thread(sink.get, f"{key}.json")
        manifest = json.loads(previous) if previous else None
        if manifest and manifest.get("fingerprint") == fingerprint:
            reporter.info(f"The {layer.name} layer of {cycle} is already tiled from these charts.")
            outcome.details["layers"][layer.name] = manifest["layer"]
            outcome.counts[layer.name] = {"tiles": manifest["layer"]["tiles"], "reused": True}
            continue
        if dry_run:
            outcome.counts[layer.name] = {"charts": len(chosen), "would_tile": True}
            continue
        sources = [
            ChartSource(
                chart.name,
                f"/vsizip/{archives[chart.archive].resolve()}/{chart.tif}",
                chart.cutline_geometry(),
            )
            for chart in chosen
        ]
        options = TileOptions(low, high, quality=settings.tile_quality)
        if settings.tile_processes:
            options = TileOptions(
                low, high, settings.tile_quality, processes=settings.tile_processes
            )
        reporter.step(f"Tiling the {layer.name} layer: {len(chosen)} charts, zooms {low}-{high}")
        metadata = {"name": layer.title, "attribution": layer.attribution, "cycle": str(cycle)}
        with tempfile.TemporaryDirectory(prefix="pirep-archive-") as scratch:
            path = Path(scratch) / f"{layer.name}.pmtiles"
            try:
                info, footprints = await _tile(
                    layer.name, sources, path, options, metadata, reporter, update
                )
            except ChartError as error:
                # The other layers are tiled still: one run finds every chart that fails.
                reporter.info(
                    f"Tiled the {layer.name} layer without the charts that failed: {error}"
                )
                failed.extend(error.failures)
                continue
            info |= {"title": layer.title, "attribution": layer.attribution, "archive": key}
            # The charts' regions: each is an offline pack of its own.
            info["charts"] = {
                chart.key: {"title": chart.title, "bounds": list(footprints[chart.name])}
                for chart in chosen
            }
            info["archive_bytes"] = path.stat().st_size
            reporter.step(f"Storing the {layer.name} archive ({info['archive_bytes']:,} bytes)")
            await update(progress={"step": f"storing the {layer.name} archive"})
            await asyncio.to_thread(sink.put_file, key, path)
        manifest_body = json.dumps({"fingerprint": fingerprint, "layer": info}).encode()
        await asyncio.to_thread(sink.put, f"{key}.json", manifest_body)
        outcome.details["layers"][layer.name] = info
        outcome.counts[layer.name] = {"tiles": info["tiles"], "bytes": info["archive_bytes"]}
    if failed:
        raise ChartsFailed(" ".join(f"Chart {failure.rstrip('.')}." for failure in failed))
    return outcome


def archive_key(cycle: date, layer: str) -> str:
    """Where a layer's archive of a cycle is stored."""
    return f"tiles/{cycle.isoformat()}/{layer}.pmtiles"


async def _tile(
    name: str,
    sources: list[ChartSource],
    archive: Path,
    options: TileOptions,
    metadata: dict[str, Any],
    reporter: Reporter,
    update: Update,
) -> tuple[dict[str, Any], dict[str, Bounds]]:
    """Tile a layer into ``archive`` in worker processes while the run's progress is reported
    every 2 s; the layer's description and where each chart lies. ``ChartError`` names the
    charts that failed, once the others are tiled."""
    state = {"done": 0, "total": 1}
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        state["done"], state["total"] = done, total

    task = asyncio.create_task(
        asyncio.to_thread(tile_layer, sources, archive, options, progress, metadata)
    )
    while not task.done():
        await asyncio.wait({task}, timeout=2)
        done, total = state["done"], max(state["total"], 1)
        reporter.work(f"Tiling {name}", done, total)
        elapsed = time.monotonic() - started
        left = elapsed / done * (total - done) if done else None
        await update(
            progress={
                "step": f"tiling the {name} layer",
                "done": done,
                "total": total,
                "seconds_left": round(left) if left is not None else None,
            }
        )
    try:
        result = task.result()
    except StorageFailed:
        raise
    except OSError as error:
        raise ChartsFailed(f"Tiling the {name} layer failed: {error.strerror or error}.") from None
    return {
        "min_zoom": options.min_zoom,
        "max_zoom": options.max_zoom,
        "bounds": list(result.bounds) if result.bounds else None,
        "tiles": result.tiles,
        "bytes": result.bytes,
        "tiles_by_zoom": {str(zoom): count for zoom, count in sorted(result.tiles_by_zoom.items())},
    }, result.footprints
