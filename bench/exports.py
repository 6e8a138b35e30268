"""Benchmark: the exports of the world (`pirep exports build` with every country, 67k airports)
against GDAL's own ogr2ogr copying the airports table to a GeoPackage, in the same run.

Loads the full-scale cycle with OurAirports for every country into a throwaway PostgreSQL,
then times, each in its own process, our three exports (GeoPackage with three layers, the
OurAirports-style CSV zip and the GeoJSON) and the baseline: `ogr2ogr -f GPKG` of the
airports table alone, straight from PostgreSQL. Prints wall time and peak memory of each.

    python -m bench.exports
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from bench._support import (
    cluster,
    load_full_scale,
    migrated_database,
    require_data,
    run_measured,
    source_dir,
)


def _libpq(url: str) -> str:
    parts = urlsplit(url.replace("+asyncpg", ""))
    return (
        f"PG:host={parts.hostname} port={parts.port} dbname={parts.path.lstrip('/')} "
        f"user={parts.username}"
    )


def _count(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("+asyncpg", "+psycopg"))
    with engine.connect() as connection:
        count = int(connection.scalar(text("SELECT count(*) FROM airports")) or 0)
    engine.dispose()
    return count


def main() -> None:
    require_data()
    if shutil.which("ogr2ogr") is None:
        sys.exit("GDAL's ogr2ogr is not installed: apt-get install -y gdal-bin")
    with cluster() as server, source_dir() as directory, tempfile.TemporaryDirectory() as work:
        url = migrated_database(server, "bench_exports")
        load_full_scale(url, directory, countries="ALL")
        airports = _count(url)
        env = {"PIREP_DATABASE_URL": url, "PIREP_DATA_DIR": str(Path(work) / "data")}
        ours = run_measured([sys.executable, "-m", "api.cli", "exports", "build"], env)
        baseline = run_measured(
            ["ogr2ogr", "-f", "GPKG", str(Path(work) / "baseline.gpkg"), _libpq(url),
             "-sql", "SELECT code, name, elevation_ft, location::geometry AS geom FROM airports",
             "-nln", "airports"],
            {},
        )  # fmt: skip
        stored = sorted((Path(work) / "data" / "storage" / "exports").rglob("*"))
        sizes = {path.name: path.stat().st_size for path in stored if path.is_file()}
    print(f"exports of the world: {airports:,} airports (full-scale cycle, all OurAirports)")
    print(f"{'':<46}{'seconds':>9}{'peak MB':>9}")
    print(f"{'pirep exports build (GeoPackage, CSV, GeoJSON)':<46}{ours.seconds:>9.1f}"
          f"{ours.peak_rss_mb:>9.0f}")  # fmt: skip
    print(f"{'ogr2ogr, the airports table to a GeoPackage':<46}{baseline.seconds:>9.1f}"
          f"{baseline.peak_rss_mb:>9.0f}")  # fmt: skip
    print(f"ratio: {ours.seconds / baseline.seconds:.1f}× the baseline's time")
    for name, size in sizes.items():
        print(f"  {name}: {size / 1e6:.1f} MB")
    print(ours.stdout.strip())
    print("targets: the world in ≤ 30 s and ≤ 500 MB RSS")


if __name__ == "__main__":
    main()
