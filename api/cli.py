"""The `pirep` command: serve, dev, db, exports, import."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import logging.config
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
import typer
import uvicorn
import uvicorn.config
from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

import migrations
from api.core.cycles import Product
from api.core.db import create_engine
from api.core.embedded_pg import port_is_free
from api.core.errors import PirepError
from api.core.logs import as_json, configure_logging
from api.core.passwords import generate_password, hash_password
from api.core.settings import PROJECT_ROOT, Settings
from api.core.task_runner import settings_environment
from api.models.enums import UserRole
from api.models.users import User
from api.ops.cli import register as register_ops
from api.terminal import console, database, fail, settings_or_exit

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Pirep, the airport database.")
db_app = typer.Typer(no_args_is_help=True, help="Database maintenance.")
app.add_typer(db_app, name="db")
exports_app = typer.Typer(no_args_is_help=True, help="Exports of the database for API consumers.")
app.add_typer(exports_app, name="exports")
try:
    from importer.cli import app as importer_app

    app.add_typer(importer_app, name="import", help="Import FAA and OurAirports data (see `run`).")
except ImportError as missing:  # The API image leaves out the importer's raster stack.
    _missing_importer = missing.name

    @app.command(
        "import",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        add_help_option=False,
    )
    def _no_importer() -> None:
        """Import FAA and OurAirports data (not installed here)."""
        raise fail(
            f"The importer is not installed here ({_missing_importer} is missing): run it with "
            "the importer image (`pirep importer run-task` on AWS), or install the `importer` "
            "extra."
        )


register_ops(app, db_app)

SAMPLE_DATA_DIR = PROJECT_ROOT / "importer" / "sample_data"
SAMPLE_CYCLE = date(2024, 12, 26)
# The map of `pirep dev` opens over the sample's airports (Washington state).
SAMPLE_VIEW = (47.75, -122.25, 8.5)


def _say(settings: Settings, message: str) -> None:
    """A line for the operator: on the terminal, or a log line where logs are JSON."""
    if settings.log_format == "json":
        logging.getLogger("api").info(message)
    else:
        console.print(message)


def upgrade_database(settings: Settings) -> None:
    """Run every migration not yet applied."""
    # The migrations are a package of their own, so that an installed image (no alembic.ini,
    # no source tree) migrates as a checkout does.
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", settings.database_url or "")
    command.upgrade(config, "head")


async def _missing_sample_products(settings: Settings) -> tuple[Product, ...]:
    """The products of the sample not loaded yet (diagrams and charts came later)."""
    engine = create_engine(settings, pool_size=1)
    try:
        async with engine.connect() as connection:
            airports = await connection.scalar(sa.text("SELECT count(*) FROM airports"))
            active: dict[str, Any] = dict(
                (await connection.execute(sa.text("SELECT product, details FROM faa_data_cycles")))
                .tuples()
                .all()
            )
            diagrams = "diagrams" in active
            # Charts tiled before they were archives are tiled again.
            layers = (active.get("charts") or {}).get("layers", {})
            charts = bool(layers) and all("archive" in layer for layer in layers.values())
    finally:
        await engine.dispose()
    return tuple(
        product
        for product, loaded in (
            (Product.AIRPORTS, airports),
            (Product.DIAGRAMS, diagrams),
            (Product.CHARTS, charts),
        )
        if not loaded
    )


def load_sample_data(settings: Settings) -> None:
    """Import the bundled sample (airports and a small chart) into an empty database, and
    build the chart's offline pack."""
    products = asyncio.run(_missing_sample_products(settings))
    if products:
        _import_sample(settings, products)
    asyncio.run(_with_engine(settings, lambda engine: _build_missing_packs(engine, settings)))


async def _build_missing_packs(engine: AsyncEngine, settings: Settings) -> None:
    """The sample chart's offline pack, at once rather than at the worker's next round."""
    from api.exports.offline import build_offline_packs, cycle_without_packs

    if await cycle_without_packs(engine):
        await build_offline_packs(engine, settings)


def _import_sample(settings: Settings, products: tuple[Product, ...]) -> None:
    from importer.progress import make_reporter
    from importer.run import RunOptions, run_import

    console.print(
        "Loading the sample data (Washington state, Canada, a diagram and a sample chart)…"
    )
    options = RunOptions(
        products=products,
        force=True,
        source_dir=SAMPLE_DATA_DIR,
        cycle=SAMPLE_CYCLE,
        countries=frozenset({"CA"}),
    )
    sample = settings.model_copy(update={"chart_catalogue": "sample"})
    with make_reporter() as reporter:
        result = asyncio.run(run_import(sample, options, reporter))
    if result.report:
        console.print(f"Loaded {result.report['new']['count']:,} airports.")
    for layer, counts in result.counts.get("charts", {}).items():
        console.print(f"Tiled the sample {layer} chart: {counts.get('tiles', 0):,} tiles.")


def log_config(settings: Settings) -> dict[str, Any]:
    """Uvicorn's logging, with Pirep's own INFO lines (mails without SMTP, admin switches),
    as text or JSON lines (PIREP_LOG_FORMAT)."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["api"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return as_json(config) if settings.log_format == "json" else config


def _serve(settings: Settings, host: str, port: int, workers: int) -> None:
    # Uvicorn applies the same configuration again when it starts.
    logging.config.dictConfig(log_config(settings))
    if not port_is_free(port) and host in ("127.0.0.1", "localhost", "0.0.0.0"):  # noqa: S104
        raise fail(f"Port {port} is already in use: pass --port or set PIREP_PORT.")
    _say(
        settings,
        f"Serving on http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}"  # noqa: S104
        " — the map at /, API docs at /api/v1/docs. Press Ctrl+C to stop.",
    )
    if workers > 1:
        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            proxy_headers=False,
            log_level="info",
            log_config=log_config(settings),
        )
    else:
        from api.app import create_app

        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            proxy_headers=False,
            log_level="info",
            log_config=log_config(settings),
        )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the API with the database of PIREP_DATABASE_URL."""
    settings = settings_or_exit()
    if not settings.database_url:
        raise fail("Set PIREP_DATABASE_URL, or use `pirep dev` for the embedded database.")
    _serve(settings, host or settings.host, port or settings.port, workers)


@app.command()
def dev(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Start everything locally: PostgreSQL, migrations, sample data, the API and the SPA."""
    base = settings_or_exit()
    configure_logging(base, "%(levelname)s %(message)s")
    if base.map_initial_view is None:
        base = base.model_copy(update={"map_initial_view": SAMPLE_VIEW})
    # The embedded default needs no internet: its worker fetches nothing unless asked to.
    if "PIREP_JOBS_USE_INTERNET" not in os.environ:
        base = base.model_copy(update={"jobs_use_internet": False})
    with database(base) as settings:
        try:
            upgrade_database(settings)
            load_sample_data(settings)
        except PirepError as error:
            raise fail(error.detail) from None
        with worker_beside(settings):
            _serve(settings, host or settings.host, port or settings.port, workers=1)


@contextmanager
def worker_beside(settings: Settings) -> Iterator[None]:
    """`pirep worker` in a process of its own for as long as the block runs."""
    log_dir = settings.data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / "worker.log").open("a") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "worker"],
            env={**os.environ, **settings_environment(settings)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        console.print(f"The job worker runs beside the API (log: {log_dir / 'worker.log'}).")
        try:
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Jobs run at once.")] = 2,
) -> None:
    """Run the background jobs (weather, events feeds, clean-ups…) and their schedule."""
    from api.jobs.worker import run_worker

    configured = settings_or_exit()
    configure_logging(configured, "%(levelname)s %(name)s %(message)s")
    with database(configured) as settings:
        _say(settings, "The job worker is running. Press Ctrl+C to stop.")
        asyncio.run(run_worker(settings, concurrency=concurrency))


@app.command()
def openapi(
    output: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
) -> None:
    """Print the OpenAPI schema (the SPA's client is generated from it)."""
    from api.app import create_app

    document = json.dumps(create_app(settings_or_exit()).openapi(), indent=1, sort_keys=True) + "\n"
    if output is None:
        typer.echo(document, nl=False)
    else:
        output.write_text(document, encoding="utf-8")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    with database(settings_or_exit()) as settings:
        upgrade_database(settings)
    console.print("The database schema is up to date.")


async def _seed_admin(settings: Settings) -> tuple[str, str] | None:
    engine = create_engine(settings, pool_size=1)
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.text("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"))
            existing = await connection.scalar(
                sa.select(sa.func.count()).select_from(User).where(User.role == UserRole.ADMIN)
            )
            if existing:
                return None
            email, password = "admin@pirep.local", generate_password()
            await connection.execute(
                sa.insert(User).values(
                    role=UserRole.ADMIN,
                    email=email,
                    password_hash=hash_password(password),
                    display_name="Admin",
                    confirmed_at=sa.func.now(),
                    verified_at=sa.func.now(),
                )
            )
            return email, password
    finally:
        await engine.dispose()


@db_app.command("seed")
def db_seed() -> None:
    """Create the first admin account if there is none and print its credentials once."""
    with database(settings_or_exit()) as settings:
        upgrade_database(settings)
        created = asyncio.run(_seed_admin(settings))
    if created is None:
        console.print("An admin account already exists; nothing was changed.")
        return
    email, password = created
    typer.echo(f"Created the admin account.\n  email:    {email}\n  password: {password}")
    console.print(
        "Keep the password now: it is not stored anywhere in clear and won't be shown again."
    )


T = TypeVar("T")


async def _with_engine(settings: Settings, work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """``work`` with an engine of one connection, disposed of after."""
    engine = create_engine(settings, pool_size=1)
    try:
        return await work(engine)
    finally:
        await engine.dispose()


@exports_app.command("build")
def exports_build() -> None:
    """Build a GeoPackage, OurAirports-style CSV files and the GeoJSON of every airport, with
    the change feed's cursor they include (GET /api/v1/exports lists them)."""
    from api.exports.build import build_exports

    status = "Building the exports (a few seconds, 30 at most for the world)…"
    with database(settings_or_exit()) as settings, console.status(status):
        try:
            built = asyncio.run(
                _with_engine(settings, lambda engine: build_exports(engine, settings))
            )
        except PirepError as error:
            raise fail(error.detail) from None
    for export in built:
        console.print(f"{export.format:<8} {export.bytes / 1e6:8.1f} MB  {export.storage_key}")
    console.print(f"They include the changes up to cursor {built[0].cursor}.")


@exports_app.command("offline-packs")
def exports_offline_packs() -> None:
    """Build the offline pack of every chart region of the active charts cycle: its tiles as
    MBTiles and PMTiles, its airports as a GeoPackage, its diagrams' PDFs (GET
    /api/v1/offline-packs lists them). The worker does it after each cycle and nightly."""
    from api.exports.offline import build_offline_packs

    status = "Building the offline packs (a few minutes for a whole cycle)…"
    with database(settings_or_exit()) as settings, console.status(status):
        try:
            index = asyncio.run(
                _with_engine(settings, lambda engine: build_offline_packs(engine, settings))
            )
        except PirepError as error:
            raise fail(error.detail) from None
    if index is None:
        raise fail("No charts cycle is active: import one first (pirep import run).")
    for pack in index["packs"]:
        sizes = ", ".join(
            f"{file['format']} {file['bytes'] / 1e6:.1f} MB" for file in pack["files"]
        )
        console.print(f"{pack['region']:<40} {sizes}")
    console.print(f"{len(index['packs'])} packs of the charts cycle of {index['cycle']}.")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
