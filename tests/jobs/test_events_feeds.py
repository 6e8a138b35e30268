"""The AOPA and EAA events import against the bundled sample airports and a local server that
answers like the two feeds, with the original's sample answers moved to the weeks ahead."""

from __future__ import annotations

import copy
import gzip
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from api.core.settings import Settings
from api.jobs.events_feeds import import_events
from tests.api.conftest import import_sample
from tests.conftest import FIXTURES
from tests.local_http import Handler, local_server

PACIFIC = ZoneInfo("America/Los_Angeles")
NOW = datetime.now(UTC).replace(microsecond=0)
AOPA_DAY = (NOW + timedelta(days=10)).date()
EAA_DAY = (NOW + timedelta(days=20)).date()


def aopa_answer() -> list[dict[str, Any]]:
    """The sample event ten days ahead at 20:00 UTC, one held a month ago, one whose end
    is its start, and one far from any airport."""
    sample = json.loads((FIXTURES / "aopa" / "events.json").read_text())[0]
    upcoming = dict(sample, startDateTimeUTC=f"{AOPA_DAY}T20:00:00")
    upcoming["endDateTimeUTC"] = f"{AOPA_DAY}T21:00:00"
    past_day = (NOW - timedelta(days=30)).date()
    past = dict(sample, eventId=2, title="Last month's fly-in")
    past |= {"startDateTimeUTC": f"{past_day}T18:00:00", "endDateTimeUTC": f"{past_day}T19:00:00"}
    instant = dict(sample, eventId=3, title="Safety seminar")
    instant |= {
        "startDateTimeUTC": f"{AOPA_DAY}T02:00:00",
        "endDateTimeUTC": f"{AOPA_DAY}T02:00:00",
    }
    nowhere = dict(upcoming, eventId=4, title="Fly-in at sea", latitude=30.0, longitude=-140.0)
    return [upcoming, past, instant, nowhere]


def eaa_answer() -> dict[str, Any]:
    """The sample event twenty days ahead, 11:00 AM to 11:00 AM local (so an hour long)."""
    sample = json.loads((FIXTURES / "eaa" / "events.json").read_text())
    day = datetime(EAA_DAY.year, EAA_DAY.month, EAA_DAY.day, 5, tzinfo=UTC)  # midnight Central
    stamp = f"/Date({int(day.timestamp() * 1000)})/"
    sample["CalendarItems"][0] |= {"StartDate": stamp, "EndDate": stamp}
    return sample


class Feeds(Handler):
    """Answers POST /aopa and /eaa with what the test set; ``slow`` feeds stall their first
    request for longer than the client waits."""

    answers: ClassVar[dict[str, bytes]] = {}
    slow: ClassVar[set[str]] = set()
    requests: ClassVar[list[tuple[str, Any]]] = []
    lock: ClassVar[threading.Lock] = threading.Lock()

    def do_POST(self) -> None:
        feed = self.path.strip("/")
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.lock:
            self.requests.append((feed, body))
            stall = feed in self.slow
            self.slow.discard(feed)
        if stall:
            time.sleep(1.5)
        try:
            if feed not in self.answers:
                self.send_error(404)
            else:
                self.send_body(self.answers[feed], "application/json")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped waiting


@pytest.fixture
def feeds() -> Iterator[tuple[str, type[Feeds]]]:
    Feeds.answers = {
        "aopa": json.dumps(aopa_answer()).encode(),
        "eaa": json.dumps(eaa_answer()).encode(),
    }
    Feeds.slow = set()
    Feeds.requests = []
    with local_server(Feeds) as url:
        yield url, Feeds


@pytest.fixture
async def sample_engine(
    fresh_database: str, settings_for: Callable[..., Settings]
) -> AsyncIterator[AsyncEngine]:
    """A database of this test's own holding the bundled sample airports."""
    await import_sample(settings_for(fresh_database))
    engine = create_async_engine(fresh_database)
    yield engine
    await engine.dispose()


async def run(engine: AsyncEngine, base: str, wait_seconds: float = 10.0) -> dict[str, int]:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        environment="test",
        aopa_events_url=f"{base}/aopa",
        eaa_events_url=f"{base}/eaa",
    )
    async with httpx.AsyncClient(timeout=wait_seconds) as client:
        return await import_events(engine, settings, client=client, now=NOW)


async def imported(engine: AsyncEngine) -> list[sa.Row[Any]]:
    async with engine.connect() as connection:
        result = await connection.execute(
            sa.text(
                "SELECT a.code, a.timezone, e.name, e.starts_at, e.ends_at, e.url, "
                "e.data_source::text AS source, e.digest FROM events e "
                "JOIN airports a ON a.id = e.airport_id ORDER BY e.starts_at"
            )
        )
        return list(result.all())


async def tags_of(engine: AsyncEngine, code: str) -> set[str]:
    async with engine.connect() as connection:
        result = await connection.execute(
            sa.text(
                "SELECT t.name::text FROM tags t JOIN airports a ON a.id = t.airport_id "
                "WHERE a.code = :code"
            ),
            {"code": code},
        )
        return set(result.scalars())


async def test_events_land_at_the_host_airport_in_its_local_time_once(
    sample_engine: AsyncEngine, feeds: tuple[str, type[Feeds]]
) -> None:
    base, server = feeds
    async with sample_engine.connect() as connection:
        generation = await connection.scalar(sa.text("SELECT data_generation FROM site_settings"))
    assert "events" not in await tags_of(sample_engine, "PAE")

    counts = await run(sample_engine, base)

    assert counts == {
        "aopa": 2, "eaa": 1, "imported": 3, "skipped_duplicate": 0, "skipped_past": 1,
        "skipped_invalid": 0, "unmatched": 1, "failed_feeds": 0,
    }  # fmt: skip
    rows = await imported(sample_engine)
    assert [(row.code, row.source, row.name) for row in rows] == [
        ("PAE", "aopa", "Safety seminar"),
        ("PAE", "aopa", "Test Event"),
        ("PAE", "eaa", "Test Event"),
    ]
    assert {row.timezone for row in rows} == {"America/Los_Angeles"}  # stored on the airport
    seminar, aopa, eaa = rows
    assert aopa.starts_at == datetime(AOPA_DAY.year, AOPA_DAY.month, AOPA_DAY.day, 20, tzinfo=UTC)
    assert aopa.ends_at - aopa.starts_at == timedelta(hours=1)
    assert aopa.url == "https://www.example.com/"
    assert aopa.digest == "aopa:1"
    assert seminar.ends_at - seminar.starts_at == timedelta(hours=1)  # end == start: +1 h
    # EAA gives the local time of day: 11:00 at Paine Field, whatever the offset that day.
    local = eaa.starts_at.astimezone(PACIFIC)
    assert (local.date(), local.hour, local.minute) == (EAA_DAY, 11, 0)
    assert eaa.ends_at - eaa.starts_at == timedelta(hours=1)
    assert eaa.url == "https://eaa.org/eaa/event/2023-11-05-testevent?id=1234567890"
    assert eaa.digest == "fe37c223-ef7a-415d-9158-ab153053ff94"

    assert "events" in await tags_of(sample_engine, "PAE")
    async with sample_engine.connect() as connection:
        # Each feed's airports are recorded as changed with the events it stored.
        changes = (
            await connection.execute(
                sa.text(
                    "SELECT airport_code, kind, fields, generation FROM data_changes"
                    " WHERE generation > :before ORDER BY id"
                ),
                {"before": generation or 0},
            )
        ).all()
        assert [(c.airport_code, c.kind) for c in changes] == [("PAE", "event"), ("PAE", "event")]
        assert "events" in changes[0].fields
        assert "tags" in changes[0].fields  # the events tag came with the first feed
        assert changes[-1].generation == await connection.scalar(
            sa.text("SELECT data_generation FROM site_settings")
        )
        document = await connection.scalar(
            sa.text("SELECT body_gzip FROM cached_documents WHERE name = 'airports.geojson'")
        )
    assert document is not None
    features = json.loads(gzip.decompress(document))["features"]
    pae = next(f for f in features if f["properties"]["code"] == "PAE")
    assert "events" in pae["properties"]["tags"]

    # What the feeds were asked.
    (aopa_feed, aopa_query), (eaa_feed, eaa_query) = server.requests
    assert (aopa_feed, aopa_query) == ("aopa", {"startDate": NOW.isoformat()})
    assert eaa_feed == "eaa"
    assert eaa_query["startDate"] == NOW.strftime("%m/%d/%Y")
    assert eaa_query["pageSize"] == "1000"

    # A second run finds every event already there.
    again = await run(sample_engine, base)
    assert (again["imported"], again["skipped_duplicate"], again["skipped_past"]) == (0, 3, 1)
    assert len(await imported(sample_engine)) == 3


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(b'[{"title": "Fly-in", "startDateTimeUTC": ', id="truncated JSON"),
        pytest.param(b"<html>Service Unavailable</html>", id="not JSON"),
        pytest.param(b'{"events": []}', id="not a list"),
        pytest.param("missing field", id="an event without its start"),
    ],
)
async def test_a_malformed_feed_changes_nothing_and_the_other_still_imports(
    sample_engine: AsyncEngine,
    feeds: tuple[str, type[Feeds]],
    caplog: pytest.LogCaptureFixture,
    answer: bytes | str,
) -> None:
    base, server = feeds
    if answer == "missing field":
        # The first event is fine; the feed is still refused whole.
        events = aopa_answer()
        broken = copy.deepcopy(events[0]) | {"eventId": 9}
        del broken["startDateTimeUTC"]
        server.answers["aopa"] = json.dumps([events[0], broken]).encode()
    else:
        assert isinstance(answer, bytes)
        server.answers["aopa"] = answer

    with caplog.at_level(logging.INFO, logger="api.jobs"):
        counts = await run(sample_engine, base)

    assert (counts["failed_feeds"], counts["aopa"], counts["eaa"]) == (1, 0, 1)
    assert [(row.source, row.name) for row in await imported(sample_engine)] == [
        ("eaa", "Test Event")
    ]
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].getMessage().startswith("AOPA events feed failed, nothing imported from it:")
    assert "events" in await tags_of(sample_engine, "PAE")


async def test_a_feed_that_times_out_once_is_asked_again(
    sample_engine: AsyncEngine,
    feeds: tuple[str, type[Feeds]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    base, server = feeds
    server.slow = {"eaa"}
    with caplog.at_level(logging.WARNING, logger="api.jobs"):
        counts = await run(sample_engine, base, wait_seconds=0.5)
    assert (counts["failed_feeds"], counts["aopa"], counts["eaa"]) == (0, 2, 1)
    assert [feed for feed, _ in server.requests] == ["aopa", "eaa", "eaa"]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "EAA events: attempt 1 of 3 failed (timed out); trying again."
    ]


async def test_a_feed_that_keeps_failing_is_reported_once(
    sample_engine: AsyncEngine,
    feeds: tuple[str, type[Feeds]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    base, server = feeds
    del server.answers["eaa"]  # 404: not worth asking again
    with caplog.at_level(logging.INFO, logger="api.jobs"):
        counts = await run(sample_engine, base)
    assert (counts["failed_feeds"], counts["aopa"], counts["eaa"]) == (1, 2, 0)
    assert [feed for feed, _ in server.requests] == ["aopa", "eaa"]
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [
        f"EAA events feed failed, nothing imported from it: {base}/eaa answered HTTP 404"
    ]
