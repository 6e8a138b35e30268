"""What every `pirep` command shares: the settings or one red sentence, and a database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError
from rich.console import Console

from api.core.embedded_pg import EmbeddedPostgresError, database_settings
from api.core.settings import Settings, get_settings

console = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    """Says ``message`` in red; raise what it returns to end the command with status 1."""
    console.print(f"[red]{message}[/red]")
    return typer.Exit(1)


def settings_or_exit() -> Settings:
    """The settings, or a clear sentence (not a traceback) when one is wrong."""
    try:
        return get_settings()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'settings'}: {item['msg']}"
            for item in error.errors()
        )
        raise fail(f"The settings are not valid: {problems}.") from None


@contextmanager
def database(settings: Settings) -> Iterator[Settings]:
    """Settings with a database URL: the configured server, or the embedded cluster."""
    try:
        with database_settings(settings, console.print) as configured:
            yield configured
    except EmbeddedPostgresError as error:
        raise fail(error.detail) from None
