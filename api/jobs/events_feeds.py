"""The daily import of the AOPA and EAA event calendars.

Each feed is fetched (retried on timeouts, lost connections and 5xx answers), read whole, then
written in a transaction of its own: a feed that cannot be fetched or read changes nothing,
and the other feed still imports. An event goes to the public airport within 10 statute miles
in the same city (else the nearest public airport, else the nearest airport of any use), in
that airport's local time; its digest (the source's ID, else a hash of name and start) keeps a
second run from importing it again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.core.changes import ChangeKind, record
from api.core.geo import timezone_at
from api.core.settings import Settings
from api.jobs.http import ATTEMPTS, BACKOFF_SECONDS, SourceError, request
from api.models.community import Event
from api.models.enums import EventSource
from api.tags.repository import sync_automatic_tags

logger = logging.getLogger("api.jobs")

SEARCH_RADIUS_MILES = 10
METRES_PER_MILE = 1609.344
TIMEOUT_SECONDS = 30.0
EAA_CONTEXT_ID = "d8056eaa-5550-486f-a67c-d8bbcddf23ad"
EAA_SITE = "https://eaa.org"
URL_MAX_LENGTH = 255


class FeedError(SourceError):
    """A feed could not be fetched, or its answer is not what the feed sends."""


@dataclasses.dataclass(frozen=True, slots=True)
class FeedEvent:
    """One event as a feed describes it. ``starts_at``/``ends_at`` are either instants (aware)
    or wall-clock times (naive) in the host airport's time zone."""

    name: str
    starts_at: datetime
    ends_at: datetime
    latitude: float
    longitude: float
    city: str | None = None
    state: str | None = None
    digest: str | None = None
    timezone: str | None = None
    url: str | None = None
    description: str | None = None
    location: str | None = None
    host: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class HostAirport:
    id: Any
    code: str
    latitude: float
    longitude: float
    timezone: str | None


@dataclasses.dataclass(slots=True)
class Counts:
    aopa: int = 0
    eaa: int = 0
    imported: int = 0
    skipped_duplicate: int = 0
    skipped_past: int = 0
    skipped_invalid: int = 0
    unmatched: int = 0
    failed_feeds: int = 0

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


# --- Fetching ------------------------------------------------------------------------------


class EventsFeedClient:
    """POSTs a JSON query to a feed and returns its decoded JSON answer, trying ``attempts``
    times with growing waits when the feed times out, cannot be reached or answers 5xx."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        attempts: int = ATTEMPTS,
        backoff_seconds: float = BACKOFF_SECONDS,
    ) -> None:
        self._http = http
        self._attempts = attempts
        self._backoff_seconds = backoff_seconds

    async def fetch(self, feed: str, url: str, body: dict[str, str]) -> Any:
        try:
            answer = await request(
                self._http,
                "POST",
                url,
                what=f"{feed} events",
                attempts=self._attempts,
                backoff_seconds=self._backoff_seconds,
                json=body,
            )
        except SourceError as error:
            raise FeedError(str(error)) from None
        try:
            return answer.json()
        except ValueError as error:
            raise FeedError(f"{url} answered something that is not JSON ({error})") from None


# --- Reading the feeds ---------------------------------------------------------------------


def _required(item: Any, name: str, index: int) -> Any:
    if not isinstance(item, dict):
        raise FeedError(f"item {index} is not an object")
    value = item.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise FeedError(f"item {index} has no {name!r}")
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _coordinate(item: Any, name: str, index: int) -> float:
    try:
        return float(_required(item, name, index))
    except (TypeError, ValueError):
        raise FeedError(f"item {index} has a {name!r} that is not a number") from None


def _url(value: Any) -> str | None:
    url = _text(value)
    if url is None or " " in url:
        return None
    if not re.match(r"^https?://", url, re.IGNORECASE):
        url = "https://" + url
    return url if len(url) <= URL_MAX_LENGTH else None


def _joined(*parts: Any) -> str | None:
    return ", ".join(text for part in parts if (text := _text(part))) or None


def _items(payload: Any, key: str | None) -> list[Any]:
    items = payload.get(key) if key and isinstance(payload, dict) else payload
    if not isinstance(items, list):
        raise FeedError(f"the answer holds no list of events{f' under {key!r}' if key else ''}")
    return items


def parse_aopa(payload: Any) -> list[FeedEvent]:
    """AOPA's answer: a list of events with UTC start and end times and their time zone."""

    def instant(item: Any, name: str, index: int) -> datetime:
        try:
            moment = datetime.fromisoformat(str(_required(item, name, index)))
        except ValueError:
            raise FeedError(f"item {index} has a {name!r} that is not a date and time") from None
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

    events = []
    for index, item in enumerate(_items(payload, None)):
        source_id = _text(item.get("eventId")) if isinstance(item, dict) else None
        events.append(
            FeedEvent(
                name=str(_required(item, "title", index)).strip(),
                starts_at=instant(item, "startDateTimeUTC", index),
                ends_at=instant(item, "endDateTimeUTC", index),
                latitude=_coordinate(item, "latitude", index),
                longitude=_coordinate(item, "longitude", index),
                city=_text(item.get("city")),
                state=_text(item.get("stateProvince")),
                digest=f"aopa:{source_id}" if source_id else None,
                timezone=_text(item.get("timeZone")),
                url=_url(item.get("informationWebsite") or item.get("registrationWebsite")),
                description=_text(item.get("description") or item.get("shortDescription")),
                location=_joined(
                    item.get("venueLocationName"),
                    item.get("address1"),
                    item.get("city"),
                    item.get("stateProvince"),
                ),
                host=_text(item.get("hostName")),
            )
        )
    return events


_DOTNET_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_TIME_FORMATS = ("%I:%M %p", "%I:%M%p", "%I %p", "%H:%M")


def _eaa_date(item: Any, name: str, index: int) -> date:
    match = _DOTNET_DATE.match(str(_required(item, name, index)).strip())
    if match is None:
        raise FeedError(f"item {index} has a {name!r} that is not a /Date(ms)/ value")
    # Midnight anywhere in the Americas falls on the same day in UTC.
    return datetime.fromtimestamp(int(match.group(1)) / 1000, UTC).date()


def _eaa_time(item: Any, name: str, index: int) -> time | None:
    text = _text(item.get(name))
    if text is None:
        return None
    for layout in _TIME_FORMATS:
        try:
            return datetime.strptime(text.upper(), layout).time()
        except ValueError:
            continue
    raise FeedError(f"item {index} has a {name!r} that is not a time of day: {text!r}")


def parse_eaa(payload: Any) -> list[FeedEvent]:
    """EAA's answer: ``CalendarItems`` with dates and separate local times of day. An event
    without times lasts the whole of its days."""
    events = []
    for index, item in enumerate(_items(payload, "CalendarItems")):
        start_day = _eaa_date(item, "StartDate", index)
        end_day = _eaa_date(item, "EndDate", index)
        start_time = _eaa_time(item, "sTime", index)
        end_time = _eaa_time(item, "eTime", index)
        ends_at = (
            datetime.combine(end_day, end_time)
            if end_time is not None
            else datetime.combine(end_day + timedelta(days=1), time())
        )
        path = _text(item.get("EventUrl"))
        url = path if path is None or "://" in path else EAA_SITE + "/" + path.lstrip("/")
        events.append(
            FeedEvent(
                name=str(_required(item, "Title", index)).strip(),
                starts_at=datetime.combine(start_day, start_time or time()),
                ends_at=ends_at,
                latitude=_coordinate(item, "Latitude", index),
                longitude=_coordinate(item, "Longitude", index),
                city=_text(item.get("City")),
                state=_text(item.get("State")),
                digest=str(_required(item, "ID", index)).strip(),
                url=_url(url),
                description=_text(item.get("LongDescription") or item.get("ShortDescription")),
                location=_joined(item.get("City"), item.get("State")),
            )
        )
    return events


# --- Storing -------------------------------------------------------------------------------

_HOST_SQL = sa.text(
    """
    WITH spot AS (SELECT ST_SetSRID(ST_MakePoint(:longitude, :latitude), 4326)::geography AS g)
    SELECT a.id, a.code, a.latitude, a.longitude, a.timezone
    FROM airports a, spot
    WHERE a.facility_type = 'airport'
      AND a.status IS DISTINCT FROM 'CP'
      AND ST_DWithin(a.location, spot.g, :metres)
    ORDER BY coalesce(a.facility_use = 'PU' AND upper(a.city) = upper(:city)
                      AND upper(a.state) = upper(:state), false) DESC,
             coalesce(a.facility_use = 'PU', false) DESC,
             ST_Distance(a.location, spot.g),
             a.code
    LIMIT 1
    """
)


async def host_airport(session: AsyncSession, event: FeedEvent) -> HostAirport | None:
    """The airport an event is held at: within 10 statute miles, a public one in the same
    city and state first, then the nearest public one, then the nearest of any use."""
    row = (
        await session.execute(
            _HOST_SQL,
            {
                "latitude": event.latitude,
                "longitude": event.longitude,
                "metres": SEARCH_RADIUS_MILES * METRES_PER_MILE,
                "city": event.city or "",
                "state": event.state or "",
            },
        )
    ).first()
    if row is None:
        return None
    return HostAirport(row.id, row.code, row.latitude, row.longitude, row.timezone)


def _zone_or_none(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def digest_of(name: str, starts_at: datetime) -> str:
    """The digest of an event whose feed gives it no ID."""
    return hashlib.sha256(f"{name}/{starts_at.isoformat()}".encode()).hexdigest()


@dataclasses.dataclass
class _Run:
    """What one import run has learnt and done."""

    now: datetime
    counts: Counts = dataclasses.field(default_factory=Counts)
    # The airports whose data changed in the feed being stored, and in which fields.
    changes: dict[uuid.UUID, set[str]] = dataclasses.field(default_factory=dict)

    def position_zone(self, airport: HostAirport) -> str | None:
        return timezone_at(airport.latitude, airport.longitude)


async def _airport_zone(
    session: AsyncSession, run: _Run, airport: HostAirport, event: FeedEvent
) -> ZoneInfo:
    """The airport's time zone; one it does not have yet is computed from its position (else
    taken from the feed) and stored."""
    if zone := _zone_or_none(airport.timezone):
        return zone
    name = run.position_zone(airport) or event.timezone
    zone = _zone_or_none(name)
    if zone is None:
        logger.warning("Events: no time zone for %s; its events are placed in UTC.", airport.code)
        return ZoneInfo("UTC")
    await session.execute(
        sa.text("UPDATE airports SET timezone = :zone WHERE id = :id AND timezone IS NULL"),
        {"zone": zone.key, "id": airport.id},
    )
    run.changes.setdefault(airport.id, set()).add("timezone")
    return zone


def _utc(moment: datetime, zone: ZoneInfo) -> datetime:
    """An instant as it is, a wall-clock time as it is in ``zone``; in UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)


async def _store_feed(
    session: AsyncSession, run: _Run, source: EventSource, events: list[FeedEvent]
) -> int:
    """Insert a feed's new events; how many. The caller's transaction holds them all."""
    hosts: dict[tuple[float, float, str | None, str | None], HostAirport | None] = {}
    touched: set[Any] = set()
    imported = 0
    for event in events:
        key = (event.latitude, event.longitude, event.city, event.state)
        if key not in hosts:
            hosts[key] = await host_airport(session, event)
        airport = hosts[key]
        if airport is None:
            logger.info(
                "%s event %r at (%s, %s): no airport within %d miles.",
                source.value.upper(), event.name, event.latitude, event.longitude,
                SEARCH_RADIUS_MILES,
            )  # fmt: skip
            run.counts.unmatched += 1
            continue
        zone = await _airport_zone(session, run, airport, event)
        hosts[key] = dataclasses.replace(airport, timezone=zone.key)
        starts_at = _utc(event.starts_at, zone)
        ends_at = _utc(event.ends_at, zone)
        if ends_at < starts_at:
            run.counts.skipped_invalid += 1
            continue
        if ends_at == starts_at:
            ends_at += timedelta(hours=1)
        if starts_at < run.now:
            run.counts.skipped_past += 1
            continue
        inserted = await session.scalar(
            insert(Event)
            .values(
                airport_id=airport.id,
                name=event.name,
                description=event.description,
                starts_at=starts_at,
                ends_at=ends_at,
                host=event.host,
                location=event.location,
                url=event.url,
                data_source=source,
                digest=event.digest or digest_of(event.name, starts_at.astimezone(zone)),
            )
            .on_conflict_do_nothing(index_elements=["airport_id", "digest"])
            .returning(Event.id)
        )
        if inserted is None:
            run.counts.skipped_duplicate += 1
            continue
        imported += 1
        touched.add(airport.id)
    for airport_id in sorted(touched, key=str):
        fields = run.changes.setdefault(airport_id, set())
        fields.add("events")
        if await sync_automatic_tags(session, airport_id):
            fields.add("tags")
    if run.changes:
        await record(session, ChangeKind.EVENT, run.changes)
    return imported


async def _import_feed(
    sessions: async_sessionmaker[AsyncSession],
    client: EventsFeedClient,
    run: _Run,
    source: EventSource,
    url: str,
    body: dict[str, str],
    parse: Callable[[Any], list[FeedEvent]],
) -> None:
    feed = source.value.upper()
    before = dataclasses.replace(run.counts)
    run.changes = {}
    try:
        events = parse(await client.fetch(feed, url, body))
        async with sessions() as session, session.begin():
            imported = await _store_feed(session, run, source, events)
    except Exception as error:
        # Whatever was stored is rolled back; the other feed still imports.
        run.counts = before
        run.counts.failed_feeds += 1
        if isinstance(error, FeedError):
            logger.error("%s events feed failed, nothing imported from it: %s", feed, error)
        else:
            logger.exception("%s events could not be imported; nothing stored from them.", feed)
        return
    setattr(run.counts, source.value, imported)
    run.counts.imported += imported
    logger.info("%s events: %d found, %d imported.", feed, len(events), imported)


async def import_events(
    engine: AsyncEngine,
    settings: Settings,
    *,
    client: httpx.AsyncClient | None = None,
    now: datetime | None = None,
) -> dict[str, int]:
    """Import the upcoming AOPA and EAA events; the counts of what was done (a feed that
    failed counts in ``failed_feeds`` and changes nothing)."""
    now = now or datetime.now(UTC)
    run = _Run(now=now)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    eaa_body = {
        "contextId": EAA_CONTEXT_ID,
        "pageSize": "1000",
        "startDate": now.strftime("%m/%d/%Y"),
        "endDate": (now + timedelta(days=365)).strftime("%m/%d/%Y"),
    }
    http = client or httpx.AsyncClient(timeout=TIMEOUT_SECONDS)
    try:
        feeds = EventsFeedClient(http)
        await _import_feed(
            sessions, feeds, run, EventSource.AOPA, settings.aopa_events_url,
            {"startDate": now.isoformat()}, parse_aopa,
        )  # fmt: skip
        await _import_feed(
            sessions, feeds, run, EventSource.EAA, settings.eaa_events_url, eaa_body, parse_eaa
        )
    finally:
        if client is None:
            await http.aclose()
    counts = run.counts.as_dict()
    logger.info("Events import: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts
