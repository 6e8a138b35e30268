"""Error monitoring: Sentry, when a DSN is configured (nothing is sent otherwise). Errors
logged at ERROR level and uncaught exceptions become Sentry events, with the environment."""

from __future__ import annotations

import logging

import sentry_sdk
from sentry_sdk.integrations.logging import LoggingIntegration

from api.core.settings import Settings

logger = logging.getLogger("api")


def start_monitoring(settings: Settings, component: str) -> bool:
    """Start Sentry for ``component`` (api, worker, importer); whether it was started."""
    if not settings.sentry_dsn:
        return False
    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.environment,
        traces_sample_rate=settings.sentry_traces_sample_rate,
        integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
    )
    sentry_sdk.set_tag("component", component)
    logger.info("Errors are reported to Sentry (%s).", component)
    return True
