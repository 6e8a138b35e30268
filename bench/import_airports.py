"""Benchmark: importing the full-scale airports cycle, against a plain COPY floor.

Measured in one run on one PostgreSQL server:
- floor: a plain ``COPY`` of the same CSV rows (the NASR archive's three tables and the
  OurAirports airports, runways and frequencies files) into unlogged text tables;
- the full import of the full-scale cycle with Canada from OurAirports (fresh database);
- the re-import of the same, unchanged cycle (``--force``);
- the import with ``--countries ALL`` (fresh database).

Each import runs as ``python -m importer run`` in its own process, so its peak RSS is its own.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sys
import time
import uuid
import zipfile

import asyncpg

from bench._support import (
    CYCLE,
    FULL_SCALE_ARCHIVE,
    OURAIRPORTS_DIR,
    ProcessRun,
    cluster,
    migrated_database,
    require_data,
    run_measured,
    source_dir,
)


def _csv_sources() -> list[tuple[str, bytes]]:
    sources: list[tuple[str, bytes]] = []
    with zipfile.ZipFile(FULL_SCALE_ARCHIVE) as archive:
        for member in ("APT_BASE.csv", "APT_RWY.csv", "APT_RMK.csv"):
            sources.append((member, archive.read(member).decode("latin-1").encode()))
    for name in ("airports.csv", "runways.csv", "airport-frequencies.csv"):
        sources.append((name, (OURAIRPORTS_DIR / name).read_bytes()))
    return sources


async def copy_floor(url: str) -> tuple[float, int]:
    """Seconds to COPY every source row into unlogged text tables; and the row count."""
    sources = _csv_sources()
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        rows = 0
        started = time.perf_counter()
        for index, (_name, data) in enumerate(sources):
            header = next(csv.reader(io.StringIO(data[:65536].decode().splitlines()[0])))
            table = f"floor_{index}"
            columns = ", ".join(f'"c{i}" text' for i in range(len(header)))
            await connection.execute(f"CREATE UNLOGGED TABLE {table} ({columns})")
            status = await connection.copy_to_table(
                table, source=io.BytesIO(data), format="csv", header=True
            )
            rows += int(status.split()[-1])
        return time.perf_counter() - started, rows
    finally:
        await connection.close()


async def _run_seconds(url: str, run_id: str) -> float:
    """The run's own duration as it recorded it (without the interpreter's start-up)."""
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        value = await connection.fetchval(
            "SELECT extract(epoch FROM finished_at - started_at) FROM importer_runs WHERE id = $1",
            uuid.UUID(run_id),
        )
        return float(value)
    finally:
        await connection.close()


def _import(url: str, directory: str, *extra: str) -> tuple[ProcessRun, dict[str, object]]:
    run = run_measured(
        [
            sys.executable,
            "-m",
            "importer",
            "run",
            "--products",
            "airports",
            "--source-dir",
            directory,
            "--cycle",
            CYCLE,
            "--json",
            *extra,
        ],
        {"PIREP_DATABASE_URL": url},
    )
    report = json.loads(run.stdout)
    report["run_seconds"] = asyncio.run(_run_seconds(url, str(report["run_id"])))
    return run, report


def main() -> None:
    require_data()
    with cluster() as server, source_dir() as directory:
        # The floor is the best of three runs, each into a database of its own.
        floors = [
            asyncio.run(copy_floor(migrated_database(server, f"floor{attempt}")))
            for attempt in range(3)
        ]
        floor_seconds, floor_rows = min(floors)
        url = migrated_database(server, "bench_ca")
        first, first_report = _import(url, str(directory))
        again, again_report = _import(url, str(directory), "--force")
        world_url = migrated_database(server, "bench_all")
        world, world_report = _import(world_url, str(directory), "--countries", "ALL")

    def count(report: dict[str, object], key: str) -> int:
        entry = report["report"][key]  # type: ignore[index]
        return int(entry["count"])

    print(f"Full-scale airports import, cycle {CYCLE} ({floor_rows:,} source rows)")
    print(
        f"{'step':<32}{'process s':>10}{'× floor':>9}{'run s':>8}{'× floor':>9}"
        f"{'peak RSS MB':>13}  result"
    )
    print(f"{'COPY floor (unlogged, text)':<32}{floor_seconds:>10.2f}{1:>9.1f}")
    for label, run, report, key in (
        ("import FAA + Canada (new db)", first, first_report, "new"),
        ("re-import unchanged (--force)", again, again_report, "changed"),
        ("import FAA + world (ALL)", world, world_report, "new"),
    ):
        run_seconds = float(report["run_seconds"])  # type: ignore[arg-type]
        print(
            f"{label:<32}{run.seconds:>10.2f}{run.seconds / floor_seconds:>9.1f}"
            f"{run_seconds:>8.2f}{run_seconds / floor_seconds:>9.1f}"
            f"{run.peak_rss_mb:>13.0f}  {key}: {count(report, key):,}"
        )
    print("targets (the run itself): import ≤ 12× floor, re-import ≤ 6× floor; peak RSS ≤ 1024 MB")


if __name__ == "__main__":
    main()
