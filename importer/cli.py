"""`python -m importer run …`: the importer's command line."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from api.core.cycles import Product
from api.core.embedded_pg import database_settings
from api.core.errors import PirepError
from api.core.logs import configure_logging
from api.core.monitoring import start_monitoring
from api.core.settings import get_settings
from importer.parse.ourairports import parse_countries
from importer.progress import TracedReporter, make_reporter
from importer.run import AVAILABLE_PRODUCTS, RunOptions, RunResult, run_import

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Import FAA and OurAirports data."
)
# Text from the data files is escaped, since rich reads "[...]" as markup. Error messages are
# printed with soft_wrap, on one line: log collectors take a line for an event.
console = Console(stderr=True)


def _products(value: str) -> tuple[Product, ...]:
    try:
        return tuple(Product(part.strip()) for part in value.split(",") if part.strip())
    except ValueError:
        raise typer.BadParameter(
            f"unknown product in {value!r}; choose from {', '.join(p.value for p in Product)}."
        ) from None


def _print_report(result: RunResult, *, dry_run: bool, as_json: bool, log_json: bool) -> None:
    summary = {
        "run_id": str(result.run_id),
        "status": result.status,
        "cycles": result.cycles,
        "skipped": result.skipped,
        "report": result.report,
        "counts": result.counts,
    }
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    if log_json:  # One log line (CloudWatch) with the whole report in its fields.
        logging.getLogger("importer").info("Import %s", result.status, extra=summary)
        return
    for product, reason in result.skipped.items():
        console.print(f"{product}: nothing to do, {reason}.")
    diagrams = result.counts.get("diagrams")
    if diagrams:
        console.print(
            f"Diagrams {result.cycles.get('diagrams')}: {diagrams['pdfs']:,} listed, "
            f"{diagrams.get('rendered', 0):,} rendered, {diagrams.get('reused', 0):,} reused, "
            f"{diagrams.get('airports_with_diagram', 0):,} airports with a diagram."
        )
    for layer, counts in result.counts.get("charts", {}).items():
        cycle = result.cycles.get("charts")
        if counts.get("reused"):
            console.print(f"Charts {cycle}, {layer}: already tiled ({counts['tiles']:,} tiles).")
        elif counts.get("would_tile"):
            console.print(f"Charts {cycle}, {layer}: would tile {counts['charts']} charts.")
        else:
            console.print(
                f"Charts {cycle}, {layer}: {counts['tiles']:,} tiles, "
                f"{counts['bytes'] / 1e6:,.1f} MB."
            )
    if not result.report:
        if dry_run:
            console.print("Dry run: nothing was written.")
        return
    report: dict[str, Any] = result.report
    verb = "Would change" if dry_run else "Imported"
    console.print(
        f"{verb}: airports cycle {result.cycles.get('airports')}, {report['staged']:,} airports "
        "in the sources."
    )
    table = Table("", "airports", "examples")
    for key, label in (
        ("new", "new"),
        ("closed", "closed"),
        ("reopened", "reopened"),
        ("changed", "changed"),
        ("children_changed", "runways/remarks/radio changed"),
        ("skipped_other_source", "left alone (other source)"),
    ):
        entry = report[key]
        table.add_row(label, f"{entry['count']:,}", ", ".join(entry["sample"][:8]))
    console.print(table)
    if report["changed_fields"]:
        fields = Table("changed field", "airports", "example")
        for name, entry in report["changed_fields"].items():
            sample = entry["sample"][0]
            fields.add_row(
                name,
                f"{entry['count']:,}",
                escape(f"{sample['code']}: {sample['old']!r} → {sample['new']!r}"),
            )
        console.print(fields)
    if dry_run:
        console.print("Dry run: nothing was written.")


@app.command()
def run(
    products: Annotated[str, typer.Option(help="Comma-separated products to import.")] = ",".join(
        AVAILABLE_PRODUCTS
    ),
    force: Annotated[
        bool, typer.Option(help="Import even if the cycle is already active.")
    ] = False,
    dry_run: Annotated[bool, typer.Option(help="Show what would change; write nothing.")] = False,
    source_dir: Annotated[
        Path | None,
        typer.Option(help="Read the source files from this directory instead of downloading."),
    ] = None,
    cycle: Annotated[
        str | None, typer.Option(help="Import this cycle (YYYY-MM-DD) instead of today's.")
    ] = None,
    countries: Annotated[
        str | None,
        typer.Option(
            help="OurAirports countries, e.g. CA,MX, or ALL (default: PIREP_IMPORT_COUNTRIES)."
        ),
    ] = None,
    max_closed_fraction: Annotated[
        float | None,
        typer.Option(help="Refuse when more than this fraction of airports would disappear."),
    ] = None,
    charts: Annotated[
        str | None,
        typer.Option(
            help="Only these charts: keys (seattle), layer/key or layers, comma-separated."
        ),
    ] = None,
    run_id: Annotated[
        str | None, typer.Option(help="Record progress in this existing importer run.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import a data cycle. Does nothing when the cycle is already active, unless forced."""
    settings = get_settings()
    configure_logging(settings, "%(asctime)s %(levelname)s %(message)s")
    start_monitoring(settings, "importer")
    try:
        cycle_date = date.fromisoformat(cycle) if cycle else None
    except ValueError:
        raise typer.BadParameter(
            f"{cycle!r} is not a date like 2024-12-26.", param_hint="--cycle"
        ) from None
    if source_dir is not None and not source_dir.is_dir():
        raise typer.BadParameter(f"{source_dir} is not a directory.", param_hint="--source-dir")
    try:
        country_codes = parse_countries(
            settings.import_countries if countries is None else countries
        )
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--countries") from None
    options = RunOptions(
        products=_products(products),
        force=force,
        dry_run=dry_run,
        source_dir=source_dir.resolve() if source_dir else None,
        cycle=cycle_date,
        countries=country_codes,
        max_closed_fraction=(
            settings.import_max_closed_fraction
            if max_closed_fraction is None
            else max_closed_fraction
        ),
        run_id=uuid.UUID(run_id) if run_id else None,
        charts=tuple(part.strip() for part in charts.split(",") if part.strip()) if charts else (),
    )
    try:
        with (
            database_settings(settings, console.print) as configured,
            make_reporter() as reporter,
            TracedReporter(reporter, f"import {products}") as traced,
        ):
            result = asyncio.run(run_import(configured, options, traced))
    except PirepError as error:
        console.print(
            f"[red]Import failed:[/red] {escape(error.detail)} The database was not changed.",
            soft_wrap=True,
        )
        raise typer.Exit(1) from None
    except (SQLAlchemyError, OSError) as error:
        lines = str(getattr(error, "orig", None) or error).strip().splitlines()
        reason = lines[0] if lines else f"{type(error).__name__} (no details)"
        console.print(
            f"[red]Import failed:[/red] {escape(reason)}. The database was not changed.",
            soft_wrap=True,
        )
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        console.print("Import interrupted. The database was not changed.", soft_wrap=True)
        raise typer.Exit(130) from None
    _print_report(result, dry_run=dry_run, as_json=as_json, log_json=settings.log_format == "json")


@app.callback()
def main() -> None:
    """The Pirep importer."""
