"""`pirep worker`: runs the queued and scheduled jobs until it is stopped."""

from __future__ import annotations

import logging

from procrastinate import App

from api.core.db import create_engine
from api.core.monitoring import start_monitoring
from api.core.settings import Settings
from api.jobs.app import make_app

logger = logging.getLogger("api.jobs")


async def run_worker(
    settings: Settings,
    *,
    concurrency: int = 2,
    wait: bool = True,
    install_signal_handlers: bool = True,
    name: str = "pirep-worker",
    app: App | None = None,
) -> None:
    """Work through the queue (and defer the periodic jobs when they are due). With ``wait``
    false it returns once the queue is empty (tests, one-off runs)."""
    # Jobs may run longer than a web request may.
    start_monitoring(settings, "worker")
    engine = create_engine(settings, pool_size=concurrency + 1, statement_timeout_ms=600_000)
    app = app or make_app(settings)
    try:
        async with app.open_async():
            await app.run_worker_async(
                name=name,
                concurrency=concurrency,
                wait=wait,
                install_signal_handlers=install_signal_handlers,
                additional_context={"engine": engine, "settings": settings},
                delete_jobs="successful",
            )
    finally:
        await engine.dispose()
