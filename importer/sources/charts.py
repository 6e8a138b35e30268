"""The chart archives of an edition: downloaded (cached, resumable, validated) or local."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from importer.charts.catalogue import Chart
from importer.sources.download import (
    Downloader,
    ProgressCallback,
    local_source,
    validate_zip,
)


def archive_url(base_url: str, edition: date, chart: Chart) -> str:
    """Where the FAA publishes ``chart`` of the edition starting on ``edition``."""
    return f"{base_url}/{edition:%m-%d-%Y}/{chart.directory}/{chart.archive}"


async def fetch_chart_archives(
    charts: Sequence[Chart],
    edition: date,
    *,
    base_url: str,
    cache_dir: Path,
    source_dir: Path | None,
    timeout_seconds: float,
    retries: int,
    on_progress: ProgressCallback | None = None,
) -> dict[str, Path]:
    """Each archive the charts need (once, whatever the number of its GeoTIFFs), checked to be
    a complete zip holding those GeoTIFFs. Already downloaded archives are not fetched again."""
    members: dict[str, set[str]] = {}
    first: dict[str, Chart] = {}
    for chart in charts:
        members.setdefault(chart.archive, set()).add(chart.tif)
        first.setdefault(chart.archive, chart)
    found: dict[str, Path] = {}
    if source_dir is not None:
        for archive, tifs in members.items():
            validate = validate_zip(sorted(tifs))
            found[archive] = await asyncio.to_thread(local_source, source_dir, archive, validate)
        return found
    downloader = Downloader(
        cache_dir / "charts" / edition.isoformat(),
        timeout=timeout_seconds,
        retries=retries,
        on_progress=on_progress,
    )
    for archive, tifs in members.items():
        found[archive] = await downloader.fetch(
            archive_url(base_url, edition, first[archive]),
            archive,
            validate=validate_zip(sorted(tifs)),
        )
    return found
