"""The weather import against a real database holding the bundled sample, fed by a local
server that serves aviationweather.gov's cache files (built from the original's fixtures)."""

from __future__ import annotations

import gzip
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from api.airports.caches import DetailCache
from api.app import create_app
from api.core.settings import Settings
from api.core.weather import flight_category
from api.jobs.weather import (
    WeatherDownloadError,
    WeatherFeedError,
    parse_metars,
    update_weather,
)
from api.models.enums import FlightCategory
from api.state import state_of
from tests.api.conftest import import_sample
from tests.conftest import FIXTURES
from tests.local_http import Handler, local_server

WEATHER = FIXTURES / "aviation_weather"
METARS = gzip.decompress((WEATHER / "metars.xml.gz").read_bytes()).decode()
TAFS = gzip.decompress((WEATHER / "tafs.xml.gz").read_bytes()).decode()


def metars_observed(moment: datetime) -> bytes:
    """The fixture's METARs, gzipped, as if every station had reported at ``moment``."""
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = re.sub(r"<observation_time>[^<]*<", f"<observation_time>{stamp}<", METARS)
    return gzip.compress(text.encode())


FIXTURE_FEED = {
    "metars.cache.xml.gz": (WEATHER / "metars.xml.gz").read_bytes(),
    "tafs.cache.xml.gz": (WEATHER / "tafs.xml.gz").read_bytes(),
}


class Feed(Handler):
    """Serves ``files`` by name; the first ``failures`` requests of each file time out
    (``failure = "timeout"``) or answer 503."""

    files: ClassVar[dict[str, bytes]] = {}
    failures: ClassVar[int] = 0
    failure: ClassVar[str] = "timeout"
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        name = self.path.rsplit("/", 1)[-1]
        Feed.requests.append(name)
        if Feed.requests.count(name) <= Feed.failures:
            if Feed.failure == "timeout":
                time.sleep(0.6)  # the client gave up meanwhile: nothing to answer
            else:
                self.send_error(503)
            return
        if name not in Feed.files:
            self.send_error(404)
            return
        self.send_body(Feed.files[name], "application/gzip")


@pytest.fixture
def feed() -> Iterator[tuple[str, type[Feed]]]:
    Feed.files = dict(FIXTURE_FEED)
    Feed.failures = 0
    Feed.failure = "timeout"
    Feed.requests = []
    with local_server(Feed) as base:
        yield base, Feed


@pytest.fixture(scope="module")
async def weather_database(
    clone_template: Callable[[str], Awaitable[str]], tmp_path_factory: Any
) -> str:
    """A database of this module's own holding the bundled sample (PAE, FHR, AWO…)."""
    url = await clone_template("pirep_weather_sample")
    settings = Settings(
        database_url=url, environment="test", data_dir=tmp_path_factory.mktemp("weather")
    )
    await import_sample(settings)
    return url


@pytest.fixture(scope="module")
async def weather_engine(weather_database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(weather_database, pool_size=2)
    yield engine
    await engine.dispose()


@pytest.fixture
def weather_settings(
    weather_database: str, feed: tuple[str, type[Feed]], tmp_path: Path
) -> Settings:
    return Settings(
        database_url=weather_database,
        environment="test",
        data_dir=tmp_path / "data",
        weather_base_url=feed[0],
        weather_timeout_seconds=0.3,
        weather_backoff_seconds=0.01,
        cache_revalidate_seconds=0,
        read_limit_per_minute=100_000,
        spa_dir=tmp_path / "no-spa",
    )


async def reports(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            sa.text(
                "SELECT a.code, w.kind, w.raw, w.observed_at, w.starts_at, w.ends_at, "
                "w.flight_category, w.visibility_sm, w.weather, w.wind_direction, "
                "w.wind_speed_kt, w.wind_gusts_kt, w.temperature_c, w.dewpoint_c, "
                "w.cloud_layers FROM weather_reports w JOIN airports a ON a.id = w.airport_id "
                "ORDER BY a.code, w.kind, w.starts_at"
            )
        )
        return [dict(row) for row in rows.mappings()]


async def tagged(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            sa.text(
                "SELECT a.code FROM tags t JOIN airports a ON a.id = t.airport_id "
                "WHERE t.name = 'weather_report' ORDER BY a.code"
            )
        )
        return list(rows.scalars())


async def generation(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(sa.text("SELECT data_generation FROM site_settings")))


async def geojson_has_tag(engine: AsyncEngine, code: str) -> bool:
    async with engine.connect() as connection:
        body = await connection.scalar(
            sa.text("SELECT body_gzip FROM cached_documents WHERE name = 'airports.geojson'")
        )
    features = httpx.Response(200, content=gzip.decompress(body)).json()["features"]
    (feature,) = (f for f in features if f["properties"]["code"] == code)
    return "weather_report" in feature["properties"]["tags"]


async def test_the_fixture_feeds_are_stored_under_their_airports(
    weather_engine: AsyncEngine, weather_settings: Settings
) -> None:
    counts = await update_weather(weather_engine, weather_settings)

    assert counts == {"metars": 3, "tafs": 3, "airports": 3, "stations_unmatched": 0}
    rows = await reports(weather_engine)
    paine = [row for row in rows if row["code"] == "PAE"]
    metar = next(row for row in paine if row["kind"] == "metar")
    assert metar["raw"].startswith("KPAE 280553Z AUTO 11006KT 10SM -RA")
    assert metar["observed_at"] == datetime(2023, 12, 28, 5, 53, tzinfo=UTC)
    assert metar["flight_category"] == "IFR"
    assert metar["visibility_sm"] == 10.0  # "10+"
    assert metar["weather"] == "-SHRA"
    assert (metar["wind_direction"], metar["wind_speed_kt"], metar["wind_gusts_kt"]) == (
        110,
        6,
        None,
    )
    assert (metar["temperature_c"], metar["dewpoint_c"]) == (8.3, 3.9)
    assert metar["cloud_layers"] == [
        {"cover": "OVC", "base_ft": 500},
        {"cover": "BKN", "base_ft": 6000},
    ]
    periods = [row for row in paine if row["kind"] == "taf"]
    assert [(p["starts_at"].hour, p["ends_at"].hour) for p in periods] == [(6, 8), (8, 21), (21, 6)]
    assert {p["raw"] for p in periods} == {
        "KPAE 290520Z 2906/3006 11007KT P6SM VCSH BKN070 OVC090 FM290800 11009KT P6SM -RA "
        "OVC100 FM292100 07006KT P6SM BKN120"
    }
    assert [p["weather"] for p in periods] == ["-VCSH", "-RA", None]
    assert [p["wind_direction"] for p in periods] == [110, 110, 70]
    assert [p["visibility_sm"] for p in periods] == [6.0, 6.0, 6.0]
    assert periods[0]["cloud_layers"] == [
        {"cover": "BKN", "base_ft": 7000},
        {"cover": "OVC", "base_ft": 9000},
    ]
    # TAF periods carry no category in the feed: it follows from ceiling and visibility.
    assert [p["flight_category"] for p in periods] == ["VFR", "VFR", "VFR"]

    friday_harbor = next(row for row in rows if row["code"] == "FHR")
    # "VRB" in the speed field: variable, with the speed from the report itself (VRB05KT).
    assert (friday_harbor["wind_direction"], friday_harbor["wind_speed_kt"]) == (-1, 5)
    assert friday_harbor["cloud_layers"][0] == {"cover": "CLR", "base_ft": None}
    arlington = next(row for row in rows if row["code"] == "AWO")
    assert arlington["cloud_layers"] == [{"cover": "OVX", "base_ft": 200}]  # vert_vis_ft
    assert (arlington["visibility_sm"], arlington["wind_gusts_kt"]) == (0.25, 15)
    assert arlington["flight_category"] == "LIFR"
    # The fixture's reports are from 2023: far too old for the tag.
    assert await tagged(weather_engine) == []


async def test_the_tag_follows_fresh_metars_and_a_second_run_replaces(
    weather_engine: AsyncEngine, weather_settings: Settings, feed: tuple[str, type[Feed]]
) -> None:
    now = datetime.now(UTC)
    feed[1].files["metars.cache.xml.gz"] = metars_observed(now - timedelta(minutes=20))
    before = await generation(weather_engine)
    await update_weather(weather_engine, weather_settings)
    assert await tagged(weather_engine) == ["AWO", "FHR", "PAE"]
    assert await geojson_has_tag(weather_engine, "PAE")
    assert await generation(weather_engine) > before

    await update_weather(weather_engine, weather_settings)
    rows = await reports(weather_engine)
    assert len(rows) == 6  # three METARs, three TAF periods: replaced, not added
    assert await tagged(weather_engine) == ["AWO", "FHR", "PAE"]

    feed[1].files["metars.cache.xml.gz"] = metars_observed(now - timedelta(hours=2, minutes=5))
    await update_weather(weather_engine, weather_settings)
    assert await tagged(weather_engine) == []
    assert not await geojson_has_tag(weather_engine, "PAE")
    assert len(await reports(weather_engine)) == 6


# Entity expansion ("billion laughs"): a feed may not declare entities at all.
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE response [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;">]><response><data num_results="1"><METAR><raw_text>&c;'
    b"</raw_text><station_id>KPAE</station_id></METAR></data></response>"
)


def _truncated_gzip() -> bytes:
    return FIXTURE_FEED["metars.cache.xml.gz"][:-40]


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (_truncated_gzip(), "not a complete gzip file"),
        (gzip.compress(METARS[: len(METARS) // 2].encode()), "not well-formed XML (line "),
        (gzip.compress(b"<html><body>Maintenance</body></html>"), "root element is <html>"),
        (gzip.compress(b"<response><errors/></response>"), "no <response><data> element"),
        (b"", "not well-formed XML (line 1"),
        (gzip.compress(LAUGHS), "forbidden XML (a document type declaration)"),
        (gzip.compress(b"<response><x><data/></x></response>"), "no <response><data> element"),
    ],
    ids=["truncated-gzip", "broken-xml", "wrong-root", "no-data", "empty", "entities", "nested"],
)
async def test_a_broken_feed_changes_nothing_and_says_why(
    weather_engine: AsyncEngine,
    weather_settings: Settings,
    feed: tuple[str, type[Feed]],
    payload: bytes,
    problem: str,
) -> None:
    await update_weather(weather_engine, weather_settings)
    rows, tags, before = (
        await reports(weather_engine),
        await tagged(weather_engine),
        await generation(weather_engine),
    )

    feed[1].files["metars.cache.xml.gz"] = payload
    with pytest.raises(WeatherFeedError) as raised:
        await update_weather(weather_engine, weather_settings)

    message = str(raised.value)
    assert message.startswith("metars.cache.xml.gz ")
    assert problem in message
    assert message.endswith("the weather was not updated.")
    assert await reports(weather_engine) == rows
    assert await tagged(weather_engine) == tags
    assert await generation(weather_engine) == before


@pytest.mark.parametrize("failure", ["timeout", "503"])
async def test_a_server_failing_twice_is_tried_a_third_time(
    weather_engine: AsyncEngine,
    weather_settings: Settings,
    feed: tuple[str, type[Feed]],
    failure: str,
) -> None:
    feed[1].failures = 2
    feed[1].failure = failure

    counts = await update_weather(weather_engine, weather_settings)

    assert counts["metars"] == 3
    assert feed[1].requests.count("metars.cache.xml.gz") == 3
    assert feed[1].requests.count("tafs.cache.xml.gz") == 3


async def test_a_server_that_always_times_out_fails_clearly(
    weather_engine: AsyncEngine, weather_settings: Settings, feed: tuple[str, type[Feed]]
) -> None:
    feed[1].failures = 100

    with pytest.raises(WeatherDownloadError, match=r"failed 3 times; last: timed out"):
        await update_weather(weather_engine, weather_settings)

    assert feed[1].requests.count("metars.cache.xml.gz") == 3


async def test_the_airport_detail_shows_weather_only_while_the_metar_is_fresh(
    weather_engine: AsyncEngine, weather_settings: Settings, feed: tuple[str, type[Feed]]
) -> None:
    app = create_app(weather_settings, engine=weather_engine)
    observed = (datetime.now(UTC) - timedelta(minutes=30)).replace(second=0, microsecond=0)
    feed[1].files["metars.cache.xml.gz"] = metars_observed(observed)
    await update_weather(weather_engine, weather_settings)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://test"
    ) as client:
        weather = (await client.get("/api/v1/airports/KPAE")).json()["weather"]
        assert weather["disclaimer"].startswith("Not for flight planning:")
        metar = weather["metar"]
        assert datetime.fromisoformat(metar["observed_at"]) == observed
        assert metar["flight_category"] == "IFR"
        assert metar["ceiling_ft"] == 500
        assert (metar["wind_direction"], metar["wind_speed_kt"]) == (110, 6)
        assert (metar["temperature_c"], metar["dewpoint_c"]) == (8.3, 3.9)
        assert metar["visibility_sm"] == 10.0
        assert metar["cloud_layers"][0] == {"cover": "OVC", "base_ft": 500}
        assert [period["starts_at"][:16] for period in weather["tafs"]] == [
            "2023-12-29T06:00",
            "2023-12-29T08:00",
            "2023-12-29T21:00",
        ]
        assert weather["tafs"][1]["weather"] == "-RA"
        friday_harbor = (await client.get("/api/v1/airports/FHR")).json()["weather"]["metar"]
        assert friday_harbor["ceiling_ft"] is None  # clear below, scattered above
        assert "KPAE" in state_of(app).detail_cache.expires

        # The next import brings a stale METAR: its generation drops the cached detail.
        feed[1].files["metars.cache.xml.gz"] = metars_observed(observed - timedelta(hours=2))
        await update_weather(weather_engine, weather_settings)
        assert (await client.get("/api/v1/airports/PAE")).json()["weather"] is None
        # An airport without any report has no weather either.
        assert (await client.get("/api/v1/airports/CYRV")).json()["weather"] is None


def test_a_cached_detail_with_weather_expires_with_its_metar() -> None:
    cache = DetailCache(max_entries=10, revalidate_seconds=60, seen=0)
    cache.put("PAE", b"fresh", expires=time.time() + 60, seen=0)
    cache.put("AWO", b"stale", expires=time.time() - 1, seen=0)
    cache.put("FHR", b"no weather", seen=0)
    assert cache.get("PAE") == b"fresh"
    assert cache.get("AWO") is None
    assert "AWO" not in cache.entries
    assert cache.get("FHR") == b"no weather"


def test_flight_categories_follow_the_worse_of_ceiling_and_visibility() -> None:
    assert flight_category(None, 10) is FlightCategory.VFR
    assert flight_category(3000, 10) is FlightCategory.MVFR
    assert flight_category(5000, 4) is FlightCategory.MVFR
    assert flight_category(800, 10) is FlightCategory.IFR
    assert flight_category(5000, 0.5) is FlightCategory.LIFR
    assert flight_category(None, None) is None


def test_a_metar_without_a_category_is_vfr_and_visibility_may_be_a_fraction() -> None:
    text = METARS.replace("<flight_category>IFR</flight_category>", "").replace(
        "<visibility_statute_mi>0.25<", "<visibility_statute_mi>1 1/2<"
    )
    metars = {metar.station: metar for metar in parse_metars(text.encode())}
    assert metars["KPAE"].conditions.flight_category is FlightCategory.VFR
    assert metars["KAWO"].conditions.visibility_sm == 1.5
