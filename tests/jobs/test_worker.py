"""The job queue: the schedule, one run per scheduled time whatever the number of workers,
retries that do not hold up other jobs, and the small periodic jobs end to end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import httpx
import pytest
import sentry_sdk
import sqlalchemy as sa
from procrastinate import JobContext
from procrastinate.periodic import PeriodicDeferrer
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from api.core.settings import Settings
from api.jobs import maintenance
from api.jobs.app import make_app
from api.jobs.tasks import TRANSIENT
from api.jobs.worker import run_worker
from tests.api.conftest import import_sample
from tests.local_http import Handler, SentryCollector, local_server

Query = Callable[[str], Awaitable[object]]


@pytest.fixture
async def sample(
    fresh_database: str, settings_for: Callable[..., Settings]
) -> AsyncIterator[tuple[Settings, AsyncEngine]]:
    """A database of this test's own with the bundled sample airports."""
    # Scheduled jobs that fall due while a test's worker runs must not go online.
    settings = settings_for(fresh_database, jobs_use_internet=False)
    await import_sample(settings)
    engine = create_async_engine(fresh_database)
    yield settings, engine
    await engine.dispose()


async def execute(engine: AsyncEngine, sql: str) -> None:
    async with engine.begin() as connection:
        await connection.execute(sa.text(sql))


async def scalar(engine: AsyncEngine, sql: str, **params: object) -> object:
    async with engine.connect() as connection:
        return await connection.scalar(sa.text(sql), params)


def test_the_schedule_is_the_original_cron_table() -> None:
    app = make_app(Settings(database_url="postgresql://pirep@localhost/pirep"))
    schedule = {
        task.periodic_id: task.cron for task in app.periodic_registry.periodic_tasks.values()
    }
    assert schedule == {
        "update_weather": "31 * * * *",
        "import_events": "0 7 * * *",
        "refresh_geoip": "0 5 * * 3,6",
        "build_content_packs": "0 0 1 * *",
        "fill_in_bounding_boxes": "45 * * * *",
        "fill_in_elevations": "*/10 * * * *",
        "cache_external_photos": "* * * * *",
        "clean_up_events_tags": "30 6 * * *",
        "refresh_geojson": "0 * * * *",
        "purge_rate_limits": "0 6 * * *",
        "purge_changes": "15 6 * * *",
        "build_exports": "30 3 * * *",
        "build_exports_after_a_cycle": "*/10 * * * *",
        "build_offline_packs": "0 4 * * *",
        "build_offline_packs_after_a_cycle": "*/10 * * * *",
        "fill_in_timezones": "15 * * * *",
    }
    for name in schedule:
        task = app.tasks[name]
        assert (task.lock, task.queueing_lock) == (name, name)


async def test_two_workers_defer_a_scheduled_job_once_and_one_runs_it(
    sample: tuple[Settings, AsyncEngine],
) -> None:
    settings, engine = sample
    first, second = make_app(settings), make_app(settings)
    due = int(datetime.now(UTC).replace(minute=0, second=0, microsecond=0).timestamp())
    await engine.dispose()
    async with first.open_async(), second.open_async():
        [geojson] = [
            task
            for task in first.periodic_registry.periodic_tasks.values()
            if task.periodic_id == "refresh_geojson"
        ]
        [other] = [
            task
            for task in second.periodic_registry.periodic_tasks.values()
            if task.periodic_id == "refresh_geojson"
        ]
        await asyncio.gather(
            PeriodicDeferrer(first.periodic_registry).defer_jobs([(geojson, due)]),
            PeriodicDeferrer(second.periodic_registry).defer_jobs([(other, due)]),
        )
    queued = await scalar(
        engine, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'refresh_geojson'"
    )
    assert queued == 1
    await execute(engine, "DELETE FROM cached_documents")

    await run_worker(
        settings,
        app=make_app(settings, schedule=False),
        wait=False,
        install_signal_handlers=False,
        concurrency=1,
    )

    assert await scalar(engine, "SELECT count(*) FROM cached_documents") == 1
    remaining = await scalar(
        engine, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'refresh_geojson'"
    )
    assert remaining == 0


async def test_a_failing_job_is_retried_later_without_holding_up_the_others(
    sample: tuple[Settings, AsyncEngine],
) -> None:
    settings, engine = sample
    app = make_app(settings, schedule=False)
    attempts: list[str] = []

    @app.task(name="flaky_source", retry=TRANSIENT, pass_context=True)
    async def flaky_source(context: JobContext) -> None:
        attempts.append("flaky")
        raise httpx.ConnectTimeout("the source did not answer")

    @app.task(name="steady")
    async def steady() -> None:
        attempts.append("steady")

    async with app.open_async():
        await flaky_source.defer_async()
        await steady.defer_async()
    await run_worker(settings, app=app, wait=False, install_signal_handlers=False, concurrency=1)

    assert sorted(attempts) == ["flaky", "steady"]
    async with engine.connect() as connection:
        retry = (
            await connection.execute(
                sa.text(
                    "SELECT status, attempts, scheduled_at FROM procrastinate_jobs "
                    "WHERE task_name = 'flaky_source'"
                )
            )
        ).one()
    assert retry.status == "todo"
    assert retry.attempts == 1
    assert retry.scheduled_at > datetime.now(UTC) + timedelta(seconds=60)  # 2 minutes later


async def test_time_zones_are_filled_in_offline_once(sample: tuple[Settings, AsyncEngine]) -> None:
    _, engine = sample
    await execute(engine, "UPDATE airports SET timezone = NULL, timezone_checked_at = NULL")
    async with engine.begin() as connection:
        await connection.execute(
            sa.text("UPDATE airports SET timezone = 'America/Denver' WHERE code = 'CYRV'")
        )
    filled = await maintenance.fill_in_timezones(engine)

    total = await scalar(engine, "SELECT count(*) FROM airports")
    assert isinstance(total, int)
    assert filled == total - 1
    assert await scalar(engine, "SELECT timezone FROM airports WHERE code = 'PAE'") == (
        "America/Los_Angeles"
    )
    # Only airports without one: what is there is kept.
    assert await scalar(engine, "SELECT timezone FROM airports WHERE code = 'CYRV'") == (
        "America/Denver"
    )
    assert await maintenance.fill_in_timezones(engine) == 0
    # Each airport is looked at once, zone or not.
    assert (
        await scalar(
            engine,
            "SELECT count(*) FROM airports WHERE timezone_checked_at IS NULL AND code <> 'CYRV'",
        )
        == 0
    )


async def test_the_events_tag_leaves_airports_whose_events_are_over(
    sample: tuple[Settings, AsyncEngine],
) -> None:
    _, engine = sample
    async with engine.begin() as connection:
        for code, days in (("PAE", -3), ("BFI", 3)):
            await connection.execute(
                sa.text(
                    "INSERT INTO events (airport_id, name, starts_at, ends_at, data_source) "
                    "SELECT id, 'Fly-in', now() + make_interval(days => :days), "
                    "now() + make_interval(days => :days, hours => 3), 'user_contributed' "
                    "FROM airports WHERE code = :code"
                ),
                {"code": code, "days": days},
            )
            await connection.execute(
                sa.text(
                    "INSERT INTO tags (airport_id, name) SELECT id, 'events' FROM airports "
                    "WHERE code = :code"
                ),
                {"code": code},
            )
    assert await maintenance.clean_up_events_tags(engine) == 1
    tagged = await scalar(
        engine,
        "SELECT string_agg(a.code, ',') FROM tags t JOIN airports a ON a.id = t.airport_id "
        "WHERE t.name = 'events'",
    )
    assert tagged == "BFI"
    assert await maintenance.clean_up_events_tags(engine) == 0


async def test_expired_rate_limit_counters_are_purged(sample: tuple[Settings, AsyncEngine]) -> None:
    _, engine = sample
    async with engine.begin() as connection:
        await connection.execute(
            sa.text(
                "INSERT INTO rate_limit_buckets (key, window_start, count, expires_at) VALUES "
                "('old', now() - interval '2 hours', 3, now() - interval '1 hour'), "
                "('current', now(), 1, now() + interval '1 minute')"
            )
        )
    assert await maintenance.purge_rate_limits(engine) == 1
    assert await scalar(engine, "SELECT string_agg(key, ',') FROM rate_limit_buckets") == (
        "current"
    )


async def test_a_failing_job_is_reported_to_sentry_when_configured(
    sample: tuple[Settings, AsyncEngine],
) -> None:
    settings, _ = sample
    SentryCollector.received = []
    with local_server(SentryCollector) as base:
        host = base.removeprefix("http://")
        configured = settings.model_copy(update={"sentry_dsn": f"http://key@{host}/7"})
        app = make_app(configured, schedule=False)

        @app.task(name="broken")
        async def broken() -> None:
            raise RuntimeError("the feed parser fell over")

        async with app.open_async():
            await broken.defer_async()
        try:
            await run_worker(
                configured, app=app, wait=False, install_signal_handlers=False, concurrency=1
            )
            sentry_sdk.flush(timeout=5)
        finally:
            sentry_sdk.get_client().close()
            sentry_sdk.init()  # off again for the other tests
    sent = b"".join(SentryCollector.received)
    assert b"the feed parser fell over" in sent
    assert b'"component":"worker"' in sent.replace(b" ", b"")


async def test_each_job_run_is_a_performance_trace_when_configured(
    sample: tuple[Settings, AsyncEngine],
) -> None:
    settings, _ = sample
    SentryCollector.received = []
    with local_server(SentryCollector) as base:
        host = base.removeprefix("http://")
        configured = settings.model_copy(
            update={"sentry_dsn": f"http://key@{host}/7", "sentry_traces_sample_rate": 1.0}
        )
        app = make_app(configured, schedule=False)
        async with app.open_async():
            await app.tasks["purge_rate_limits"].defer_async(timestamp=0)
        try:
            await run_worker(
                configured, app=app, wait=False, install_signal_handlers=False, concurrency=1
            )
            sentry_sdk.flush(timeout=5)
        finally:
            sentry_sdk.get_client().close()
            sentry_sdk.init()
    [trace] = SentryCollector.transactions()
    assert trace["transaction"] == "purge_rate_limits"
    assert trace["contexts"]["trace"]["op"] == "queue.task"
    assert trace["tags"]["component"] == "worker"
    # The job's queries are spans of it.
    assert any(span["op"] == "db" for span in trace["spans"])


class Counting(Handler):
    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Counting.asked.append(self.path)
        self.send_error(503)


@pytest.mark.parametrize("online", [False, True], ids=["offline", "online"])
async def test_the_embedded_default_fetches_nothing_from_the_internet(
    sample: tuple[Settings, AsyncEngine], online: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, engine = sample
    monkeypatch.setattr("api.jobs.http.BACKOFF_SECONDS", 0.0)
    Counting.asked = []
    with local_server(Counting) as base:
        configured = settings.model_copy(
            update={
                "jobs_use_internet": online,
                "weather_base_url": base,
                "weather_attempts": 1,
                "weather_backoff_seconds": 0,
            }
        )
        app = make_app(configured, schedule=False)
        async with app.open_async():
            await app.tasks["update_weather"].defer_async(timestamp=0)
        await run_worker(
            configured, app=app, wait=False, install_signal_handlers=False, concurrency=1
        )
    assert bool(Counting.asked) is online
    if not online:  # skipped: done, and gone from the queue
        remaining = await scalar(
            engine,
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'update_weather' "
            "AND args->>'timestamp' = '0'",
        )
        assert remaining == 0
