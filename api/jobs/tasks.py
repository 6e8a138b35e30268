"""Every job and its schedule (the original's cron table). Periodic jobs are deferred once per
scheduled time whatever the number of workers (procrastinate records each deferral), run under
a lock of their own so two never overlap, and are retried with growing waits when a source
is unreachable. A failure is logged (and reaches Sentry when configured)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import sentry_sdk
from procrastinate import Blueprint, JobContext, RetryStrategy
from sqlalchemy.ext.asyncio import AsyncEngine

from api.core.settings import Settings
from api.exports import build as exports
from api.exports import offline
from api.jobs import (
    bounding_boxes,
    content_packs,
    elevations,
    events_feeds,
    external_photos,
    geoip,
    maintenance,
    weather,
)
from api.jobs.http import SourceError

blueprint = Blueprint()
logger = logging.getLogger("api.jobs")

# Sources on the internet fail for a while now and then: try again 2, 4, 8, 16 minutes later.
TRANSIENT = RetryStrategy(
    max_attempts=5,
    exponential_wait=120,
    retry_exceptions={httpx.TransportError, OSError, SourceError},
)


def _engine(context: JobContext) -> AsyncEngine:
    engine: AsyncEngine = context.additional_context["engine"]
    return engine


PeriodicJob = Callable[[JobContext, int], Awaitable[None]]


def _periodic(name: str, cron: str, **options: Any) -> Callable[[PeriodicJob], Any]:
    """A job run on a cron schedule, at most one at a time."""

    def register(function: PeriodicJob) -> Any:
        @functools.wraps(function)
        async def traced(context: JobContext, timestamp: int) -> None:
            # A performance trace per run (sent only when Sentry is configured).
            with sentry_sdk.start_transaction(op="queue.task", name=name, source="task"):
                await function(context, timestamp)

        task = blueprint.task(
            name=name, lock=name, queueing_lock=name, pass_context=True, **options
        )(traced)
        return blueprint.periodic(cron=cron, periodic_id=name)(task)

    return register


def _settings(context: JobContext) -> Settings:
    settings: Settings = context.additional_context["settings"]
    return settings


def _online(context: JobContext) -> bool:
    """Whether this job may fetch from the internet (not in the embedded default)."""
    if _settings(context).jobs_use_internet:
        return True
    logger.info(
        "%s skipped: this worker fetches nothing from the internet (PIREP_JOBS_USE_INTERNET).",
        context.task.name if context.task else "The job",
    )
    return False


@_periodic("update_weather", "31 * * * *", retry=TRANSIENT)
async def update_weather(context: JobContext, timestamp: int) -> None:
    if not _online(context):
        return
    await weather.update_weather(_engine(context), _settings(context))


@_periodic("import_events", "0 7 * * *", retry=TRANSIENT)
async def import_events(context: JobContext, timestamp: int) -> None:
    if not _online(context):
        return
    counts = await events_feeds.import_events(_engine(context), _settings(context))
    if counts["failed_feeds"]:
        # What did import is kept (digests make a second run skip it); the rest is retried.
        raise SourceError(f"{counts['failed_feeds']} events feed(s) failed: trying again later.")


@_periodic("fill_in_bounding_boxes", "45 * * * *")
async def fill_in_bounding_boxes(context: JobContext, timestamp: int) -> None:
    if not _online(context):
        return
    await bounding_boxes.fill_in_bounding_boxes(_engine(context), _settings(context))


@_periodic("fill_in_elevations", "*/10 * * * *")
async def fill_in_elevations(context: JobContext, timestamp: int) -> None:
    if not _online(context):
        return
    await elevations.fill_in_elevations(_engine(context), _settings(context))


@_periodic("cache_external_photos", "* * * * *")
async def cache_external_photos(context: JobContext, timestamp: int) -> None:
    if not _settings(context).google_api_key or not _online(context):
        return
    await external_photos.cache_external_photos(_engine(context), _settings(context))


@_periodic("refresh_geoip", "0 5 * * 3,6", retry=TRANSIENT)
async def refresh_geoip(context: JobContext, timestamp: int) -> None:
    if not _online(context):
        return
    await geoip.refresh_geoip(_settings(context))


@_periodic("build_content_packs", "0 0 1 * *")
async def build_content_packs(context: JobContext, timestamp: int) -> None:
    await content_packs.build_content_packs(_engine(context), _settings(context))


@_periodic("clean_up_events_tags", "30 6 * * *")
async def clean_up_events_tags(context: JobContext, timestamp: int) -> None:
    await maintenance.clean_up_events_tags(_engine(context))


@_periodic("refresh_geojson", "0 * * * *")
async def refresh_geojson(context: JobContext, timestamp: int) -> None:
    await maintenance.refresh_geojson(_engine(context))


@_periodic("purge_rate_limits", "0 6 * * *")
async def purge_rate_limits(context: JobContext, timestamp: int) -> None:
    await maintenance.purge_rate_limits(_engine(context))


@_periodic("purge_changes", "15 6 * * *")
async def purge_changes(context: JobContext, timestamp: int) -> None:
    await maintenance.purge_old_changes(_engine(context))


@_periodic("build_exports", "30 3 * * *")
async def build_exports(context: JobContext, timestamp: int) -> None:
    await exports.build_exports(_engine(context), _settings(context))


@_periodic("build_exports_after_a_cycle", "*/10 * * * *")
async def build_exports_after_a_cycle(context: JobContext, timestamp: int) -> None:
    """The exports again as soon as an activated cycle changed airports."""
    if await exports.cycle_since_last_export(_engine(context)):
        await exports.build_exports(_engine(context), _settings(context))


@_periodic("build_offline_packs", "0 4 * * *")
async def build_offline_packs(context: JobContext, timestamp: int) -> None:
    """The offline packs' airports and diagrams of the night (their tiles stay for the cycle)."""
    await offline.build_offline_packs(_engine(context), _settings(context), airports_only=True)


@_periodic("build_offline_packs_after_a_cycle", "*/10 * * * *")
async def build_offline_packs_after_a_cycle(context: JobContext, timestamp: int) -> None:
    """Every offline pack as soon as a charts cycle is activated."""
    if await offline.cycle_without_packs(_engine(context)):
        await offline.build_offline_packs(_engine(context), _settings(context))


@_periodic("fill_in_timezones", "15 * * * *")
async def fill_in_timezones(context: JobContext, timestamp: int) -> None:
    await maintenance.fill_in_timezones(_engine(context))
