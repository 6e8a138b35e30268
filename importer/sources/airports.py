"""Where the airports product's files come from: the FAA's NASR archive and OurAirports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from api.core.cycles import nasr_airports_archive_name
from importer.parse import nasr, ourairports
from importer.sources.download import (
    Downloader,
    ProgressCallback,
    local_source,
    validate_csv,
    validate_zip,
)

_OURAIRPORTS_COLUMNS = {
    ourairports.AIRPORTS_FILE: ("id", "ident", "type", "name", "iso_country"),
    ourairports.RUNWAYS_FILE: ("airport_ref", "le_ident"),
    ourairports.FREQUENCIES_FILE: ("airport_ref", "frequency_mhz"),
    ourairports.REGIONS_FILE: ("code", "name"),
}


@dataclass(frozen=True, slots=True)
class AirportSources:
    nasr_archive: Path
    ourairports_dir: Path


@dataclass(frozen=True, slots=True)
class AirportSourceConfig:
    nasr_base_url: str
    ourairports_base_url: str
    cache_dir: Path
    timeout_seconds: float
    retries: int


async def fetch_airport_sources(
    cycle: date,
    *,
    source_dir: Path | None,
    config: AirportSourceConfig,
    today: date,
    on_progress: ProgressCallback | None = None,
) -> AirportSources:
    """The NASR archive of ``cycle`` and today's OurAirports files, validated."""
    archive_name = nasr_airports_archive_name(cycle)
    archive_check = validate_zip(nasr.REQUIRED_MEMBERS)
    if source_dir is not None:
        archive = local_source(source_dir, archive_name, archive_check)
        for name, columns in _OURAIRPORTS_COLUMNS.items():
            local_source(source_dir, name, validate_csv(columns))
        return AirportSources(archive, source_dir)

    nasr_downloader = Downloader(
        config.cache_dir / "nasr",
        timeout=config.timeout_seconds,
        retries=config.retries,
        on_progress=on_progress,
    )
    archive = await nasr_downloader.fetch(
        f"{config.nasr_base_url}/{archive_name}", archive_name, validate=archive_check
    )
    # OurAirports publishes new files daily under fixed names: cache them per day.
    ourairports_dir = config.cache_dir / "ourairports" / today.isoformat()
    ourairports_downloader = Downloader(
        ourairports_dir,
        timeout=config.timeout_seconds,
        retries=config.retries,
        on_progress=on_progress,
    )
    for name, columns in _OURAIRPORTS_COLUMNS.items():
        await ourairports_downloader.fetch(
            f"{config.ourairports_base_url}/{name}", name, validate=validate_csv(columns)
        )
    return AirportSources(archive, ourairports_dir)
