"""The hourly weather import: every METAR and TAF of aviationweather.gov, replaced at once."""

from __future__ import annotations

import asyncio
import gzip
import io
import re
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
import sqlalchemy as sa
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from api.core.bulk import copy_rows
from api.core.changes import ChangeKind, record
from api.core.settings import Settings
from api.core.weather import ceiling_ft, flight_category, fresh_metar_sql
from api.jobs.http import SourceError, request
from api.models.enums import FlightCategory, WeatherReportKind

METARS_FILE = "metars.cache.xml.gz"
TAFS_FILE = "tafs.cache.xml.gz"


class WeatherError(Exception):
    """The weather could not be imported; nothing was changed."""


class WeatherFeedError(WeatherError):
    """A downloaded feed is not a complete gzip file of the expected XML."""


class WeatherDownloadError(WeatherError, SourceError):
    """A feed could not be downloaded, even after retrying."""


class AviationWeatherClient:
    """Downloads the cache files of aviationweather.gov, retrying what may pass: timeouts,
    connection errors and 5xx answers (``attempts`` tries, the wait doubling each time)."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_seconds: float,
        attempts: int,
        backoff_seconds: float,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = httpx.Timeout(timeout_seconds)
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self.client = client

    async def fetch(self, *names: str) -> list[bytes]:
        """The bytes of each file, as served, downloaded at once over one client."""
        if self.client is not None:
            return await self._fetch_all(self.client, names)
        async with httpx.AsyncClient(timeout=self.timeout, follow_redirects=True) as client:
            return await self._fetch_all(client, names)

    async def _fetch_all(self, client: httpx.AsyncClient, names: tuple[str, ...]) -> list[bytes]:
        return list(await asyncio.gather(*(self._fetch(client, name) for name in names)))

    async def _fetch(self, client: httpx.AsyncClient, name: str) -> bytes:
        url = f"{self.base_url}/{name}"
        try:
            response = await request(
                client,
                "GET",
                url,
                what="Weather",
                attempts=self.attempts,
                backoff_seconds=self.backoff_seconds,
                timeout=self.timeout,
            )
        except SourceError as error:
            raise WeatherDownloadError(f"{error}; the weather was not updated.") from None
        return response.content


@dataclass(slots=True)
class Conditions:
    """What a METAR observes or a TAF period forecasts, decoded."""

    raw: str
    flight_category: FlightCategory | None
    visibility_sm: float | None
    weather: str | None
    wind_direction: int | None
    wind_speed_kt: int | None
    wind_gusts_kt: int | None
    cloud_layers: list[dict[str, Any]]
    temperature_c: float | None = None
    dewpoint_c: float | None = None


@dataclass(slots=True)
class Metar:
    station: str
    observed_at: datetime
    conditions: Conditions


@dataclass(slots=True)
class TafPeriod:
    starts_at: datetime
    ends_at: datetime | None
    conditions: Conditions


@dataclass(slots=True)
class Taf:
    station: str
    issued_at: datetime | None
    periods: list[TafPeriod] = field(default_factory=list)


# --- Decoding --------------------------------------------------------------------------------

_VARIABLE_WIND = re.compile(r"\bVRB(\d{2,3})(?:G(\d{2,3}))?(KT|MPS)\b")
_FRACTION = re.compile(r"^(?:(\d+)\s+)?(\d+)/(\d+)$")


@dataclass(slots=True)
class _Fields:
    """The text of an element's children by tag (one pass), and its sky conditions."""

    texts: dict[str, str]
    skies: list[dict[str, str]]

    @classmethod
    def of(cls, element: Any) -> _Fields:
        texts: dict[str, str] = {}
        skies: list[dict[str, str]] = []
        for child in element:
            if child.tag == "sky_condition":
                skies.append(dict(child.attrib))
            elif child.text is not None and child.tag not in texts:
                text = child.text.strip()
                if text:
                    texts[child.tag] = text
        return cls(texts, skies)


def _text(fields: _Fields, tag: str) -> str | None:
    return fields.texts.get(tag)


def _number(value: str | None) -> float | None:
    """``"10+"`` → 10.0, ``"1 1/2"`` → 1.5, ``"0.25"`` → 0.25; anything else → None."""
    if value is None:
        return None
    value = value.rstrip("+").removeprefix("P").strip()
    try:
        return float(value)
    except ValueError:
        pass
    fraction = _FRACTION.match(value)
    if fraction is None or int(fraction.group(3)) == 0:
        return None
    whole = int(fraction.group(1) or 0)
    return whole + int(fraction.group(2)) / int(fraction.group(3))


def _integer(value: str | None) -> int | None:
    number = _number(value)
    return None if number is None else round(number)


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _wind(element: _Fields, raw: str) -> tuple[int | None, int | None, int | None]:
    """Direction (−1 when variable), speed and gusts in knots."""
    direction_text = _text(element, "wind_dir_degrees")
    speed_text = _text(element, "wind_speed_kt")
    gusts = _integer(_text(element, "wind_gust_kt"))
    direction = _integer(direction_text)
    speed = _integer(speed_text)
    if "VRB" in (direction_text, speed_text):
        direction = -1
        # Some stations put "VRB" where the speed goes; the raw report still has it.
        variable = _VARIABLE_WIND.search(raw)
        if speed is None and variable is not None and variable.group(3) == "KT":
            speed = int(variable.group(1))
            gusts = gusts if gusts is not None or not variable.group(2) else int(variable.group(2))
    if direction is not None and not -1 <= direction <= 360:
        direction = None
    return direction, speed, gusts


def _cloud_layers(element: _Fields) -> list[dict[str, Any]]:
    """Sky conditions from the lowest up; an obscured sky (OVX) at the vertical visibility."""
    layers: list[dict[str, Any]] = []
    vertical_visibility = _integer(_text(element, "vert_vis_ft"))
    for sky in element.skies:
        cover = (sky.get("sky_cover") or "").strip().upper()
        if not cover:
            continue
        base = _integer(sky.get("cloud_base_ft_agl"))
        if base is None and cover == "OVX":
            base = vertical_visibility
        layers.append({"cover": cover, "base_ft": base})
    layers.sort(key=lambda layer: (layer["base_ft"] is not None, layer["base_ft"] or 0))
    return layers


def _conditions(element: _Fields, raw: str) -> Conditions:
    direction, speed, gusts = _wind(element, raw)
    layers = _cloud_layers(element)
    visibility = _number(_text(element, "visibility_statute_mi"))
    category_text = _text(element, "flight_category")
    category = (
        FlightCategory(category_text)
        if category_text is not None and category_text in FlightCategory.__members__
        else flight_category(ceiling_ft(layers), visibility)
    )
    return Conditions(
        raw=raw,
        flight_category=category,
        visibility_sm=visibility,
        weather=_text(element, "wx_string"),
        wind_direction=direction,
        wind_speed_kt=speed,
        wind_gusts_kt=gusts,
        cloud_layers=layers,
        temperature_c=_number(_text(element, "temp_c")),
        dewpoint_c=_number(_text(element, "dewpoint_c")),
    )


def decode_metar(metar: Any) -> Metar | None:
    """A ``<METAR>`` element; None without a station, raw text or observation time."""
    element = _Fields.of(metar)
    station = (_text(element, "station_id") or "").upper()
    raw = _text(element, "raw_text")
    observed_at = _time(_text(element, "observation_time"))
    if not station or raw is None or observed_at is None:
        return None
    conditions = _conditions(element, raw)
    # The feed leaves the category out when it cannot tell; the original showed VFR then.
    if _text(element, "flight_category") not in FlightCategory.__members__:
        conditions.flight_category = FlightCategory.VFR
    return Metar(station=station, observed_at=observed_at, conditions=conditions)


def decode_taf(taf_element: Any) -> Taf | None:
    """A ``<TAF>`` element with one period per ``<forecast>``; None without station or text."""
    element = _Fields.of(taf_element)
    station = (_text(element, "station_id") or "").upper()
    raw = _text(element, "raw_text")
    if not station or raw is None:
        return None
    taf = Taf(station=station, issued_at=_time(_text(element, "issue_time")))
    for forecast_element in taf_element.iterfind("forecast"):
        forecast = _Fields.of(forecast_element)
        starts_at = _time(_text(forecast, "fcst_time_from"))
        if starts_at is None:
            continue
        taf.periods.append(
            TafPeriod(
                starts_at=starts_at,
                ends_at=_time(_text(forecast, "fcst_time_to")),
                conditions=_conditions(forecast, raw),
            )
        )
    return taf


def _records(payload: bytes, name: str, tag: str) -> Iterator[Any]:
    """Each ``response/data/<tag>`` element of a (gzipped) feed, parsed as a stream.

    libxml2 parses (several times faster than expat here); a document type declaration is
    refused outright, so no entity can be declared, let alone expanded, and nothing is fetched.
    """
    stream: io.IOBase = (
        gzip.GzipFile(fileobj=io.BytesIO(payload), mode="rb")
        if payload[:2] == b"\x1f\x8b"
        else io.BytesIO(payload)
    )
    context = etree.iterparse(
        stream,
        events=("end",),
        tag=(tag, "data"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    seen_data = False
    root = None
    try:
        for _, element in context:
            if root is None:
                root = element.getroottree().getroot()
                _check_document(root, name)
            parent = element.getparent()
            if element.tag == "data":
                seen_data = seen_data or parent is root
                element.clear()
                continue
            if parent is not None and parent.tag == "data" and parent.getparent() is root:
                yield element
            element.clear()
            while element.getprevious() is not None:
                del parent[0]
        if root is None and context.root is not None:
            _check_document(context.root, name)
    except etree.XMLSyntaxError as error:
        line = max(error.position[0], 1) if error.position else 1
        message = str(error.msg).split(", line ")[0]
        raise WeatherFeedError(
            f"{name} is not well-formed XML (line {line}: {message}); "
            "it may be truncated; the weather was not updated."
        ) from None
    except (OSError, EOFError, zlib.error) as error:
        raise WeatherFeedError(
            f"{name} is not a complete gzip file ({error}); the weather was not updated."
        ) from None
    if not seen_data:
        raise WeatherFeedError(
            f"{name} has no <response><data> element; the weather was not updated."
        )


def _check_document(root: Any, name: str) -> None:
    """A feed is a ``<response>`` document without a document type declaration."""
    if root.getroottree().docinfo.doctype:
        raise WeatherFeedError(
            f"{name} holds forbidden XML (a document type declaration); "
            "the weather was not updated."
        )
    if root.tag != "response":
        raise WeatherFeedError(
            f"{name} is not a weather feed: its root element is <{root.tag}>, "
            "not <response>; the weather was not updated."
        )


def parse_metars(payload: bytes, name: str = METARS_FILE) -> list[Metar]:
    """Every METAR of a feed; WeatherFeedError if the feed is broken anywhere."""
    return [m for element in _records(payload, name, "METAR") if (m := decode_metar(element))]


def parse_tafs(payload: bytes, name: str = TAFS_FILE) -> list[Taf]:
    """Every TAF of a feed; WeatherFeedError if the feed is broken anywhere."""
    return [t for element in _records(payload, name, "TAF") if (t := decode_taf(element))]


# --- Storing ---------------------------------------------------------------------------------

COLUMNS = (
    "airport_id",
    "kind",
    "raw",
    "observed_at",
    "starts_at",
    "ends_at",
    "flight_category",
    "visibility_sm",
    "weather",
    "wind_direction",
    "wind_speed_kt",
    "wind_gusts_kt",
    "temperature_c",
    "dewpoint_c",
    "cloud_layers",
)

Row = tuple[Any, ...]
_NEVER = datetime.min.replace(tzinfo=UTC)

# A station's airport: the one with that FAA code, else the one with that ICAO code (KPAE → PAE).
_MATCH_SQL = sa.text(
    """
    SELECT s.station, m.id
    FROM unnest(CAST(:stations AS text[])) AS s(station)
    CROSS JOIN LATERAL (
        SELECT id FROM (
            SELECT id, 0 AS rank FROM airports WHERE code = s.station
            UNION ALL
            SELECT id, 1 AS rank FROM airports WHERE icao_code = s.station
        ) found ORDER BY rank, id LIMIT 1
    ) m
    """
)

# The weather_report tag on exactly the airports whose METAR is still shown (the airport
# detail shows weather under the same rule).
_SYNC_TAGS_SQL = sa.text(
    f"""
    WITH fresh AS (
        SELECT DISTINCT airport_id FROM weather_reports w WHERE {fresh_metar_sql("w")}
    ),
    gone AS (
        DELETE FROM tags WHERE name = 'weather_report'
        AND airport_id NOT IN (SELECT airport_id FROM fresh) RETURNING airport_id
    ),
    made AS (
        INSERT INTO tags (airport_id, name) SELECT airport_id, 'weather_report' FROM fresh
        ON CONFLICT DO NOTHING RETURNING airport_id
    )
    SELECT airport_id FROM gone UNION SELECT airport_id FROM made
    """
)


def _row(
    airport_id: uuid.UUID,
    kind: WeatherReportKind,
    conditions: Conditions,
    *,
    observed_at: datetime | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> Row:
    return (
        airport_id,
        kind.value,
        conditions.raw,
        observed_at,
        starts_at,
        ends_at,
        conditions.flight_category.value if conditions.flight_category else None,
        conditions.visibility_sm,
        conditions.weather,
        conditions.wind_direction,
        conditions.wind_speed_kt,
        conditions.wind_gusts_kt,
        conditions.temperature_c,
        conditions.dewpoint_c,
        orjson.dumps(conditions.cloud_layers).decode(),
    )


def weather_rows(
    metars: list[Metar], tafs: list[Taf], airports: dict[str, uuid.UUID]
) -> tuple[list[Row], list[Row]]:
    """The rows to store: one METAR per airport (the latest observed) and the periods of one
    TAF per airport (the latest issued), for the stations ``airports`` maps."""
    latest_metar: dict[uuid.UUID, Metar] = {}
    for metar in metars:
        airport_id = airports.get(metar.station)
        if airport_id is None:
            continue
        kept = latest_metar.get(airport_id)
        if kept is None or metar.observed_at > kept.observed_at:
            latest_metar[airport_id] = metar
    latest_taf: dict[uuid.UUID, Taf] = {}
    for taf in tafs:
        airport_id = airports.get(taf.station)
        if airport_id is None or not taf.periods:
            continue
        kept_taf = latest_taf.get(airport_id)
        if kept_taf is None or (taf.issued_at or _NEVER) > (kept_taf.issued_at or _NEVER):
            latest_taf[airport_id] = taf
    metar_rows = [
        _row(airport_id, WeatherReportKind.METAR, m.conditions, observed_at=m.observed_at)
        for airport_id, m in latest_metar.items()
    ]
    taf_rows = [
        _row(
            airport_id,
            WeatherReportKind.TAF,
            period.conditions,
            starts_at=period.starts_at,
            ends_at=period.ends_at,
        )
        for airport_id, taf in latest_taf.items()
        for period in taf.periods
    ]
    return metar_rows, taf_rows


async def update_weather(
    engine: AsyncEngine, settings: Settings, *, client: httpx.AsyncClient | None = None
) -> dict[str, int]:
    """Replace every stored METAR and TAF with those aviationweather.gov publishes now.

    Both feeds are downloaded and decoded before anything is written; then one transaction
    replaces all reports, puts the ``weather_report`` tag on exactly the airports with a METAR
    younger than two hours, moves the data generation (cached airport details are dropped) and
    rebuilds the map's GeoJSON if a tag changed. A feed that cannot be downloaded
    (WeatherDownloadError) or read (WeatherFeedError) changes nothing.

    Returns the counts ``metars``, ``tafs`` (forecast periods), ``airports`` (with a report)
    and ``stations_unmatched`` (stations of no known airport).
    """
    downloader = AviationWeatherClient(
        settings.weather_base_url,
        timeout_seconds=settings.weather_timeout_seconds,
        attempts=settings.weather_attempts,
        backoff_seconds=settings.weather_backoff_seconds,
        client=client,
    )
    metar_bytes, taf_bytes = await downloader.fetch(METARS_FILE, TAFS_FILE)
    metars, tafs = await asyncio.to_thread(_parse_both, metar_bytes, taf_bytes)
    stations = sorted({m.station for m in metars} | {t.station for t in tafs})

    async with AsyncSession(engine) as session, session.begin():
        # One import at a time; a second waits, then replaces the first's rows.
        await session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('pirep.weather'))"))
        matched = await session.execute(_MATCH_SQL, {"stations": stations})
        airports: dict[str, uuid.UUID] = {row.station: row.id for row in matched}
        metar_rows, taf_rows = weather_rows(metars, tafs, airports)
        reported = set(
            (
                await session.execute(sa.text("DELETE FROM weather_reports RETURNING airport_id"))
            ).scalars()
        )
        await copy_rows(session, "weather_reports", COLUMNS, metar_rows + taf_rows)
        reported.update(row[0] for row in metar_rows + taf_rows)
        retagged = set((await session.execute(_SYNC_TAGS_SQL)).scalars())
        await record(
            session,
            ChangeKind.WEATHER,
            {
                airport: ["weather", *(["tags"] if airport in retagged else [])]
                for airport in reported | retagged
            },
        )

    return {
        "metars": len(metar_rows),
        "tafs": len(taf_rows),
        "airports": len({row[0] for row in metar_rows} | {row[0] for row in taf_rows}),
        "stations_unmatched": len(stations) - len(airports),
    }


def _parse_both(metar_bytes: bytes, taf_bytes: bytes) -> tuple[list[Metar], list[Taf]]:
    return parse_metars(metar_bytes), parse_tafs(taf_bytes)
