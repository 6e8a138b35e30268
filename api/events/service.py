"""Rules of events: created in the airport's time zone, recurring, exported as iCalendar."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import sqlalchemy as sa
from geoalchemy2 import Geography
from sqlalchemy.ext.asyncio import AsyncSession

from api.airports import repository as airports_repository
from api.airports import service as airports_service
from api.core import markdown
from api.core.errors import NotFound, ValidationFailed
from api.core.geo import timezone_at
from api.core.policy import Requester
from api.events.recurrence import Recurrence, occurrences, rrule_text, to_utc
from api.events.schemas import EventIn, EventOut, Occurrence, RecurrenceIn
from api.models.airports import Airport
from api.models.community import Event
from api.models.enums import ActionType, RecurringCadence, VersionEvent, VersionItemType
from api.versions.service import record_contribution

# Occurrences are listed however far ahead they are.
FOREVER = datetime.max.replace(tzinfo=UTC)


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "")
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(
            f"{name!r} is not a time zone name (like America/Los_Angeles).",
            fields=[{"field": "timezone", "message": "not an IANA time zone"}],
        ) from None


def listed_zone(timezone: str | None, latitude: float, longitude: float) -> str:
    """The zone an airport's events are shown in: its own, from its position when not stored
    yet (as a write would store it), never UTC by default."""
    return timezone or timezone_at(latitude, longitude) or "UTC"


async def airport_zone(airport: Airport, given: str | None) -> str:
    """The time zone an event at ``airport`` is in: always the airport's own (computed from its
    position when not yet known). A different zone given by the client is refused, so that a
    browser's zone is never taken for the airport's."""
    if airport.timezone is None:
        found = await asyncio.to_thread(timezone_at, airport.latitude, airport.longitude)
        if found is None:
            raise ValidationFailed(
                f"Pirep cannot tell the time zone of {airport.code} from its position.",
                fields=[{"field": "timezone", "message": "unknown for this airport"}],
            )
        airport.timezone = found
    if given is not None and given != airport.timezone:
        _zone(given)  # a name that is no time zone at all says so first
        raise ValidationFailed(
            f"Event times at {airport.code} are in the airport's time zone, "
            f"{airport.timezone}, not {given}: send the local times there, and send "
            "`timezone` only to confirm it.",
            fields=[{"field": "timezone", "message": f"the airport is in {airport.timezone}"}],
        )
    return airport.timezone


def _recurrence(event: Event) -> Recurrence | None:
    if event.recurring_cadence is None:
        return None
    return Recurrence(
        cadence=event.recurring_cadence.value,
        interval=event.recurring_interval or 1,
        day_of_month=event.recurring_day_of_month,
        week_of_month=event.recurring_week_of_month,
    )


def event_out(event: Event, code: str, zone_name: str, now: datetime) -> EventOut:
    zone = ZoneInfo(zone_name)
    recurrence = _recurrence(event)
    upcoming = occurrences(event.starts_at, event.ends_at, zone, recurrence, now, FOREVER, limit=5)
    return EventOut(
        id=event.id,
        airport_code=code,
        name=event.name,
        description=event.description,
        html=markdown.render(event.description),
        host=event.host,
        location=event.location,
        url=event.url,
        timezone=zone_name,
        recurrence=RecurrenceIn(**recurrence.__dict__) if recurrence else None,
        next=[Occurrence(starts_at=start, ends_at=end) for start, end in upcoming],
    )


async def add(session: AsyncSession, requester: Requester, code: str, data: EventIn) -> EventOut:
    user, current = await airports_service.locked_airport(session, requester, code)
    airport = await session.get(Airport, current.id)
    assert airport is not None
    zone_name = await airport_zone(airport, data.timezone)
    zone = ZoneInfo(zone_name)
    recurrence = data.recurrence
    event = Event(
        airport_id=airport.id,
        name=data.name.strip(),
        description=data.description,
        starts_at=to_utc(data.starts_at, zone),
        ends_at=to_utc(data.ends_at, zone),
        host=data.host,
        location=data.location,
        url=str(data.url) if data.url else None,
        data_source="user_contributed",
        recurring_cadence=recurrence.cadence if recurrence else None,
        recurring_interval=recurrence.interval if recurrence else None,
        recurring_day_of_month=recurrence.day_of_month if recurrence else None,
        recurring_week_of_month=recurrence.week_of_month if recurrence else None,
        created_by_id=user.id,
    )
    session.add(event)
    await session.flush()
    await session.refresh(event)
    await record_contribution(
        session,
        user,
        airport.id,
        item=(VersionItemType.EVENT, event.id),
        event=VersionEvent.CREATE,
        changes={"name": [None, event.name], "starts_at": [None, event.starts_at.isoformat()]},
        action=ActionType.EVENT_ADDED,
    )
    return event_out(event, airport.code, zone_name, datetime.now(UTC))


# What an edit may change, as a version shows it.
EDITABLE = (
    "name", "description", "starts_at", "ends_at", "host", "location", "url",
    "recurring_cadence", "recurring_interval", "recurring_day_of_month", "recurring_week_of_month",
)  # fmt: skip


async def edit(
    session: AsyncSession, requester: Requester, code: str, event_id: uuid.UUID, data: EventIn
) -> EventOut:
    """Replace an event's details; the version keeps the event as it was, to revert it."""
    user, current = await airports_service.locked_airport(session, requester, code)
    event = await session.get(Event, event_id, with_for_update=True)
    if event is None or event.airport_id != current.id:
        raise NotFound(f"{code.upper()} has no event {event_id}.")
    airport = await session.get(Airport, current.id)
    assert airport is not None
    zone_name = await airport_zone(airport, data.timezone)
    zone = ZoneInfo(zone_name)
    before = _state(event)
    recurrence = data.recurrence
    event.name = data.name.strip()
    event.description = data.description
    event.starts_at = to_utc(data.starts_at, zone)
    event.ends_at = to_utc(data.ends_at, zone)
    event.host = data.host
    event.location = data.location
    event.url = str(data.url) if data.url else None
    event.recurring_cadence = RecurringCadence(recurrence.cadence) if recurrence else None
    event.recurring_interval = recurrence.interval if recurrence else None
    event.recurring_day_of_month = recurrence.day_of_month if recurrence else None
    event.recurring_week_of_month = recurrence.week_of_month if recurrence else None
    await session.flush()
    after = _state(event)
    changes = {
        name: [before[name], after[name]] for name in EDITABLE if before[name] != after[name]
    }
    if changes:
        await record_contribution(
            session,
            user,
            airport.id,
            item=(VersionItemType.EVENT, event.id),
            event=VersionEvent.UPDATE,
            changes=changes,
            action=ActionType.EVENT_EDITED,
            state=before,
        )
    return event_out(event, airport.code, zone_name, datetime.now(UTC))


async def remove(
    session: AsyncSession, requester: Requester, code: str, event_id: uuid.UUID
) -> None:
    user, current = await airports_service.locked_airport(session, requester, code)
    event = await session.get(Event, event_id)
    if event is None or event.airport_id != current.id:
        raise NotFound(f"{code.upper()} has no event {event_id}.")
    name = event.name
    state = _state(event)
    await session.delete(event)
    await session.flush()
    await record_contribution(
        session,
        user,
        current.id,
        item=(VersionItemType.EVENT, event_id),
        event=VersionEvent.DESTROY,
        changes={"name": [name, None]},
        action=ActionType.EVENT_REMOVED,
        state=state,
    )


async def _upcoming(session: AsyncSession, code: str, now: datetime) -> tuple[Airport, list[Event]]:
    airport = await session.scalar(airports_repository.named(sa.select(Airport), code))
    if airport is None:
        raise NotFound(f"No airport has the code {code!r}.")
    events = await session.scalars(
        sa.select(Event)
        .where(
            Event.airport_id == airport.id,
            sa.or_(Event.recurring_cadence.is_not(None), Event.ends_at > now),
        )
        .order_by(Event.starts_at)
    )
    return airport, list(events)


async def upcoming(session: AsyncSession, code: str) -> list[EventOut]:
    """The airport's events still to come (recurring ones with their next occurrences)."""
    now = datetime.now(UTC)
    airport, events = await _upcoming(session, code, now)
    zone_name = listed_zone(airport.timezone, airport.latitude, airport.longitude)
    found = [event_out(event, airport.code, zone_name, now) for event in events]
    return sorted(
        (event for event in found if event.next), key=lambda event: event.next[0].starts_at
    )


async def calendar(session: AsyncSession, code: str) -> bytes:
    """The airport's events as an iCalendar file (recurring ones with their RRULE)."""
    now = datetime.now(UTC)
    airport, events = await _upcoming(session, code, now)
    return _calendar(airport, events, f"{airport.code} events", now)


async def event_calendar(session: AsyncSession, code: str, event_id: uuid.UUID) -> bytes:
    """One event as an iCalendar file, to add it to a calendar."""
    airport = await session.scalar(airports_repository.named(sa.select(Airport), code))
    event = await session.get(Event, event_id)
    if airport is None or event is None or event.airport_id != airport.id:
        raise NotFound(f"{code.upper()} has no event {event_id}.")
    return _calendar(airport, [event], event.name, datetime.now(UTC))


def _calendar(airport: Airport, events: list[Event], name: str, now: datetime) -> bytes:
    zone = ZoneInfo(listed_zone(airport.timezone, airport.latitude, airport.longitude))
    document = icalendar.Calendar()
    document.add("prodid", "-//Pirep//Airport events//EN")
    document.add("version", "2.0")
    document.add("x-wr-calname", name)
    for event in events:
        entry = icalendar.Event()
        entry.add("uid", f"{event.id}@pirep")
        entry.add("dtstamp", now)
        entry.add("summary", event.name)
        entry.add("dtstart", event.starts_at.astimezone(zone))
        entry.add("dtend", event.ends_at.astimezone(zone))
        recurrence = _recurrence(event)
        if recurrence is not None:
            entry.add(
                "rrule", icalendar.vRecur.from_ical(rrule_text(event.starts_at, zone, recurrence))
            )
        for name, value in (
            ("description", event.description),
            ("location", event.location),
            ("url", event.url),
        ):
            if value:
                entry.add(name, value)
        document.add_component(entry)
    document.add_missing_timezones()
    body: bytes = document.to_ical()
    return body


async def airports_with_events(session: AsyncSession, days: int) -> list[uuid.UUID]:
    """The airports with an event going on now or starting within ``days`` (a recurring event
    by its next occurrence)."""
    now = datetime.now(UTC)
    until = now + timedelta(days=days)
    rows = await session.execute(
        sa.select(Event, Airport.timezone, Airport.latitude, Airport.longitude)
        .join(Airport, Airport.id == Event.airport_id)
        .where(
            sa.or_(
                Event.recurring_cadence.is_not(None),
                sa.and_(Event.ends_at > now, Event.starts_at < until),
            )
        )
    )
    found = set()
    for event, zone_name, latitude, longitude in rows:
        zone = ZoneInfo(listed_zone(zone_name, latitude, longitude))
        if occurrences(event.starts_at, event.ends_at, zone, _recurrence(event), now, until, 1):
            found.add(event.airport_id)
    return sorted(found)


async def near(
    session: AsyncSession, latitude: float, longitude: float, metres: float, days: int
) -> list[EventOut]:
    """Events to come within ``days`` at airports within ``metres`` of a point, soonest first."""
    now = datetime.now(UTC)
    point = sa.func.ST_SetSRID(sa.func.ST_MakePoint(longitude, latitude), 4326)
    rows = await session.execute(
        sa.select(Event, Airport.code, Airport.timezone, Airport.latitude, Airport.longitude)
        .join(Airport, Airport.id == Event.airport_id)
        .where(
            sa.func.ST_DWithin(Airport.location, sa.cast(point, Geography), metres),
            sa.or_(Event.recurring_cadence.is_not(None), Event.ends_at > now),
        )
    )
    window_end = now + timedelta(days=days)
    found = []
    for event, code, zone_name, latitude, longitude in rows:
        out = event_out(event, code, listed_zone(zone_name, latitude, longitude), now)
        out.next = [o for o in out.next if o.starts_at < window_end]
        if out.next:
            found.append(out)
    return sorted(found, key=lambda event: event.next[0].starts_at)


def _state(event: Event) -> dict[str, Any]:
    """The event as a version keeps it, to bring it back if its deletion is reverted."""
    return {
        "airport_id": str(event.airport_id),
        "name": event.name,
        "description": event.description,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "host": event.host,
        "location": event.location,
        "url": event.url,
        "data_source": event.data_source.value,
        "recurring_cadence": event.recurring_cadence.value if event.recurring_cadence else None,
        "recurring_interval": event.recurring_interval,
        "recurring_day_of_month": event.recurring_day_of_month,
        "recurring_week_of_month": event.recurring_week_of_month,
        "created_by_id": str(event.created_by_id) if event.created_by_id else None,
    }
