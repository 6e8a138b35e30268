"""Orchestration of an import run: fetch, parse, validate, load, activate, report."""

from __future__ import annotations

import gc
import logging
import multiprocessing
import uuid
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.core.changes import ChangeKind, record_changes
from api.core.cycles import Product, current_cycle, is_cycle_date
from api.core.db import create_engine
from api.core.documents import geojson
from api.core.errors import PirepError
from api.core.settings import Settings
from api.core.storage import delete_files
from api.models.enums import DataSource, ImporterRunStatus
from api.models.system import FaaDataCycle, ImporterRun
from importer.charts.product import build_charts, make_sink
from importer.diagrams.product import build_diagrams
from importer.load import airports as airport_load
from importer.load import staging
from importer.parse.nasr import parse_nasr_archive
from importer.parse.ourairports import parse_ourairports
from importer.parse.records import AirportRecord
from importer.progress import Reporter
from importer.sources.airports import AirportSourceConfig, fetch_airport_sources

logger = logging.getLogger("importer")

AVAILABLE_PRODUCTS = (Product.AIRPORTS, Product.DIAGRAMS, Product.CHARTS)


@dataclass(frozen=True, slots=True)
class RunOptions:
    products: tuple[Product, ...] = AVAILABLE_PRODUCTS
    force: bool = False
    dry_run: bool = False
    source_dir: Path | None = None
    cycle: date | None = None
    countries: frozenset[str] | None = frozenset({"CA"})
    max_closed_fraction: float = 0.02
    run_id: uuid.UUID | None = None
    today: date | None = None
    charts: tuple[str, ...] = ()  # chart keys, layer/key names or layers; empty: all


@dataclass(slots=True)
class RunResult:
    run_id: uuid.UUID
    status: ImporterRunStatus
    cycles: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)


class _RunRecorder:
    """Writes the run's state to ``importer_runs`` in short transactions of its own."""

    def __init__(self, engine: AsyncEngine, run_id: uuid.UUID) -> None:
        self._engine = engine
        self.run_id = run_id

    async def update(self, **values: Any) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                sa.update(ImporterRun).where(ImporterRun.id == self.run_id).values(**values)
            )


STALE_AFTER = timedelta(minutes=30)


async def _abort_stale_runs(connection: AsyncConnection) -> None:
    """Mark as aborted the runs that stopped reporting progress long ago (a killed process)."""
    await connection.execute(
        sa.update(ImporterRun)
        .where(
            ImporterRun.status.in_([ImporterRunStatus.REQUESTED, ImporterRunStatus.RUNNING]),
            ImporterRun.updated_at < sa.func.now() - STALE_AFTER,
        )
        .values(
            status=ImporterRunStatus.ABORTED,
            error="The run stopped reporting progress for 30 minutes and is presumed dead.",
            finished_at=sa.func.now(),
        )
    )


async def _refuse_concurrent_run(engine: AsyncEngine) -> NoReturn:
    async with engine.connect() as connection:
        other = (
            await connection.execute(
                sa.select(ImporterRun.id, ImporterRun.started_at).where(
                    ImporterRun.status.in_(
                        [ImporterRunStatus.REQUESTED, ImporterRunStatus.RUNNING]
                    ),
                    sa.not_(ImporterRun.dry_run),
                )
            )
        ).first()
    started = (
        f", started {other.started_at:%Y-%m-%d %H:%M} UTC" if other and other.started_at else ""
    )
    raise PirepError(
        f"Another import is running (run {other.id if other else 'unknown'}{started}); "
        "wait for it to finish."
    )


async def _start_run(engine: AsyncEngine, options: RunOptions) -> _RunRecorder:
    values = {
        "status": ImporterRunStatus.RUNNING.value,
        "started_at": datetime.now(UTC),
        "progress": {"step": "starting"},
    }
    if not options.dry_run:
        async with engine.begin() as connection:
            await _abort_stale_runs(connection)
    try:
        return await _record_start(engine, options, values)
    except IntegrityError:
        await _refuse_concurrent_run(engine)


async def _record_start(
    engine: AsyncEngine, options: RunOptions, values: dict[str, Any]
) -> _RunRecorder:
    async with engine.begin() as connection:
        if options.run_id is not None:
            result = await connection.execute(
                sa.update(ImporterRun).where(ImporterRun.id == options.run_id).values(**values)
            )
            if result.rowcount == 0:
                raise PirepError(f"There is no importer run with id {options.run_id}.")
            return _RunRecorder(engine, options.run_id)
        run_id = (
            await connection.execute(
                sa.insert(ImporterRun)
                .values(
                    products=[product.value for product in options.products],
                    force=options.force,
                    dry_run=options.dry_run,
                    options={
                        "source_dir": str(options.source_dir) if options.source_dir else None,
                        "cycle": options.cycle.isoformat() if options.cycle else None,
                        "countries": "ALL"
                        if options.countries is None
                        else sorted(options.countries),
                    },
                    **values,
                )
                .returning(ImporterRun.id)
            )
        ).scalar_one()
    return _RunRecorder(engine, run_id)


async def _active_cycles(connection: AsyncConnection) -> dict[str, date]:
    rows = await connection.execute(sa.select(FaaDataCycle.product, FaaDataCycle.cycle))
    return {str(product): cycle for product, cycle in rows}


async def _set_diagrams(connection: AsyncConnection, diagrams: dict[str, str]) -> int:
    """Point each FAA airport at its diagram of the new cycle (or at none); how many have one.
    Each airport whose diagram changed is recorded (its address names the cycle)."""
    codes, names = list(diagrams), list(diagrams.values())
    cleared = await connection.execute(
        sa.text(
            "UPDATE airports SET diagram = NULL WHERE data_source = 'faa' "
            "AND diagram IS NOT NULL AND NOT (code = ANY(CAST(:codes AS text[]))) "
            "RETURNING code"
        ),
        {"codes": codes},
    )
    result = await connection.execute(
        sa.text(
            "UPDATE airports SET diagram = d.name "
            "FROM unnest(CAST(:codes AS text[]), CAST(:names AS text[])) AS d(code, name) "
            "WHERE airports.code = d.code AND airports.data_source = 'faa' "
            "RETURNING airports.code"
        ),
        {"codes": codes, "names": names},
    )
    with_diagram = list(result.scalars())
    changed = [*cleared.scalars(), *with_diagram]
    if changed:
        await record_changes(connection, ChangeKind.IMPORT, dict.fromkeys(changed, ("diagram",)))
    return len(with_diagram)


async def _rotate_archives(
    connection: AsyncConnection, cycle: date, details: dict[str, Any]
) -> list[str]:
    """Keep the archives of the charts cycle being replaced for one more cycle (a map opened
    before the switch still reads them), recorded as ``kept`` in the new cycle's details;
    the files of the cycle before that, to delete once the new cycle is active."""
    row = (
        await connection.execute(
            sa.select(FaaDataCycle.cycle, FaaDataCycle.details).where(
                FaaDataCycle.product == Product.CHARTS
            )
        )
    ).first()
    if row is None:
        return []
    new = set(_archive_files(details))
    current = _archive_files(row.details)
    kept: list[str] = row.details.get("kept", [])
    if row.cycle == cycle:  # the same cycle again: its kept files stay kept
        details["kept"] = [key for key in kept if key not in new]
        return [key for key in current if key not in new]
    details["kept"] = [key for key in current if key not in new]
    return [key for key in kept if key not in new]


def _archive_files(details: dict[str, Any]) -> list[str]:
    """The stored files of a charts cycle's layers: each archive and its manifest."""
    archives = [
        layer["archive"] for layer in details.get("layers", {}).values() if "archive" in layer
    ]
    return [file for key in archives for file in (key, f"{key}.json")]


async def _activate(
    connection: AsyncConnection,
    cycles: dict[Product, date],
    run_id: uuid.UUID,
    details: dict[Product, dict[str, Any]],
) -> None:
    for product, cycle in cycles.items():
        statement = insert(FaaDataCycle).values(
            product=product.value,
            cycle=cycle,
            run_id=run_id,
            activated_at=sa.func.now(),
            details=details.get(product, {}),
        )
        await connection.execute(
            statement.on_conflict_do_update(
                index_elements=[FaaDataCycle.product],
                set_={
                    "cycle": statement.excluded.cycle,
                    "run_id": statement.excluded.run_id,
                    "activated_at": statement.excluded.activated_at,
                    "details": statement.excluded.details,
                },
            )
        )
    # Readers cache what depends on the active cycles (the meta document, airport details).
    await record_changes(
        connection, ChangeKind.SITE, {None: [f"{product.value}_cycle" for product in cycles]}
    )


def merge_sources(
    faa: dict[str, AirportRecord], others: dict[str, AirportRecord]
) -> list[AirportRecord]:
    """FAA records win on a code collision."""
    merged = dict(others)
    merged.update(faa)
    return list(merged.values())


@contextmanager
def _helper_process() -> Iterator[Executor]:
    """A forked process for work that can run beside this one (in this process without fork)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        with ThreadPoolExecutor(max_workers=1) as inline:
            yield inline
        return
    # Forked, the helper starts at once with everything already imported; it only parses.
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Parsing builds about a million small acyclic objects; the cyclic garbage collector would
    rescan them again and again (measured: three times slower), and it has nothing to find."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


async def _prepare_airports(
    settings: Settings, options: RunOptions, cycle: date, reporter: Reporter
) -> tuple[list[AirportRecord], dict[str, int]]:
    reporter.step(f"Fetching the airport sources of cycle {cycle.isoformat()}")
    sources = await fetch_airport_sources(
        cycle,
        source_dir=options.source_dir,
        config=AirportSourceConfig(
            nasr_base_url=settings.nasr_base_url,
            ourairports_base_url=settings.ourairports_base_url,
            cache_dir=settings.cache_dir,
            timeout_seconds=settings.http_timeout_seconds,
            retries=settings.http_retries,
        ),
        today=options.today or date.today(),
        on_progress=reporter.transfer,
    )
    reporter.step(f"Reading {sources.nasr_archive.name} and the OurAirports files")
    with _without_cyclic_gc(), _helper_process() as helper:
        # The two sources are independent: the one with the smaller result to send back is read
        # by a second process meanwhile (OurAirports for a few countries, NASR for the world).
        if options.countries is None:
            nasr_future = helper.submit(parse_nasr_archive, sources.nasr_archive)
            ours = parse_ourairports(sources.ourairports_dir, options.countries)
            nasr = nasr_future.result()
        else:
            ours_future = helper.submit(
                parse_ourairports, sources.ourairports_dir, options.countries
            )
            nasr = parse_nasr_archive(sources.nasr_archive)
            ours = ours_future.result()
    if not nasr.has_frequencies:
        for code, airport in nasr.airports.items():
            if not airport.frequencies:
                airport.frequencies = ours.nasr_frequencies.get(code, [])
    for code, (size, scheduled) in ours.nasr_service.items():
        faa = nasr.airports.get(code)
        if faa is not None:
            faa.size = size
            faa.scheduled_service = faa.scheduled_service or scheduled
    warnings = {**nasr.warnings.counts, **ours.warnings.counts}
    return merge_sources(nasr.airports, ours.airports), warnings


async def run_import(settings: Settings, options: RunOptions, reporter: Reporter) -> RunResult:
    """Run the importer for the selected products.

    The database is changed in one transaction that also activates the new cycles; on any
    failure, or with ``dry_run``, it is left exactly as it was.
    """
    unavailable = [p for p in options.products if p not in AVAILABLE_PRODUCTS]
    if unavailable:
        raise PirepError(
            f"The {', '.join(unavailable)} product is not available in this version; "
            f"choose from {', '.join(AVAILABLE_PRODUCTS)}."
        )
    # Loading a large cycle may take minutes: no statement timeout for the importer.
    for product in options.products:
        if options.cycle and not is_cycle_date(product, options.cycle):
            raise PirepError(
                f"{options.cycle.isoformat()} does not start a data cycle for {product.value}; "
                f"the cycle in force that day began on "
                f"{current_cycle(product, options.cycle).isoformat()}."
            )
    engine = create_engine(settings, pool_size=2, statement_timeout_ms=0)
    try:
        recorder = await _start_run(engine, options)
        try:
            result = await _run(engine, settings, options, reporter, recorder)
        except BaseException as error:
            message = (
                error.detail
                if isinstance(error, PirepError)
                else (f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)
            )
            status = (
                ImporterRunStatus.FAILED
                if isinstance(error, Exception)
                else ImporterRunStatus.ABORTED
            )
            await recorder.update(status=status.value, error=message, finished_at=datetime.now(UTC))
            raise
        await recorder.update(
            status=result.status.value,
            finished_at=datetime.now(UTC),
            progress={"step": "finished"},
            cycles=result.cycles,
            counts=result.counts,
            diff=result.report,
        )
        return result
    finally:
        await engine.dispose()


async def _run(
    engine: AsyncEngine,
    settings: Settings,
    options: RunOptions,
    reporter: Reporter,
    recorder: _RunRecorder,
) -> RunResult:
    result = RunResult(run_id=recorder.run_id, status=ImporterRunStatus.SUCCEEDED)
    today = options.today or date.today()
    async with engine.connect() as connection:
        active = await _active_cycles(connection)
    targets: dict[Product, date] = {}
    for product in options.products:
        cycle = options.cycle or current_cycle(product, today)
        current = active.get(product.value)
        if current is not None and cycle < current and not options.force:
            raise PirepError(
                f"Cycle {cycle.isoformat()} of {product.value} is older than the active cycle "
                f"{current.isoformat()}; use --force to go back to it."
            )
        if current == cycle and not options.force:
            result.skipped[product.value] = (
                f"cycle {cycle.isoformat()} is already active (use --force to import it again)"
            )
            continue
        targets[product] = cycle
    result.cycles = {product.value: cycle.isoformat() for product, cycle in targets.items()}
    if not targets:
        return result

    details: dict[Product, dict[str, Any]] = {}
    superseded: list[str] = []  # chart archives no reader needs once the new cycle is active
    if Product.CHARTS in targets:
        charts = await build_charts(
            settings,
            targets[Product.CHARTS],
            names=list(options.charts) or None,
            source_dir=options.source_dir,
            dry_run=options.dry_run,
            reporter=reporter,
            update=recorder.update,
        )
        details[Product.CHARTS] = charts.details
        result.counts["charts"] = charts.counts

    diagrams = None
    if Product.DIAGRAMS in targets:
        diagrams = await build_diagrams(
            settings,
            targets[Product.DIAGRAMS],
            make_sink(settings),
            source_dir=options.source_dir,
            dry_run=options.dry_run,
            reporter=reporter,
            update=recorder.update,
        )
        result.counts["diagrams"] = diagrams.counts

    report = None
    if Product.AIRPORTS in targets:
        await recorder.update(progress={"step": "fetching and reading sources"})
        records, warnings = await _prepare_airports(
            settings, options, targets[Product.AIRPORTS], reporter
        )
        scope = airport_load.LoadScope(
            sources=frozenset({DataSource.FAA, DataSource.OUR_AIRPORTS}),
            our_airports_countries=options.countries,
        )
        await recorder.update(progress={"step": "loading", "airports": len(records)})
        reporter.step(f"Loading {len(records):,} airports")
    # One transaction loads the airports (when chosen) and activates every product's cycle:
    # readers see all of the new cycle, or none of it.
    async with engine.connect() as connection:
        transaction = await connection.begin()
        try:
            if Product.AIRPORTS in targets:
                staged = await staging.stage(connection, records)
                await airport_load.check_shrink(connection, scope, options.max_closed_fraction)
                report = await airport_load.apply(connection, targets[Product.AIRPORTS], scope)
                if report.changes_map or not await geojson.is_built(connection):
                    reporter.step("Building the airports map layer")
                    await geojson.rebuild(connection)
                result.counts |= {"staged_rows": staged, "skipped_rows": warnings}
            if diagrams is not None:
                result.counts["diagrams"]["airports_with_diagram"] = await _set_diagrams(
                    connection, diagrams.diagrams
                )
            if Product.CHARTS in details:
                superseded = await _rotate_archives(
                    connection, targets[Product.CHARTS], details[Product.CHARTS]
                )
            await _activate(connection, targets, recorder.run_id, details)
            if options.dry_run:
                await transaction.rollback()
            else:
                await transaction.commit()
        except BaseException:
            await transaction.rollback()
            raise
    if superseded and not options.dry_run:
        await delete_files(make_sink(settings), superseded, "chart archive")
    if report is not None:
        result.report = report.summary()
    return result
