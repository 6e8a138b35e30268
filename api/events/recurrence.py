"""When an event happens: its occurrences in the airport's time zone, and its iCalendar form.

Times are kept as wall-clock times of the airport: a fly-in at 09:00 every second Saturday
stays at 09:00 local time across daylight saving changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule

FREQUENCIES = {
    "daily": rrule.DAILY,
    "weekly": rrule.WEEKLY,
    "monthly": rrule.MONTHLY,
    "yearly": rrule.YEARLY,
}
WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


@dataclass(frozen=True)
class Recurrence:
    cadence: str  # daily, weekly, monthly, yearly
    interval: int = 1
    day_of_month: int | None = None  # monthly: on this day
    week_of_month: int | None = None  # monthly/yearly: the nth (-1: last) weekday of the start


def _rule(start: datetime, recurrence: Recurrence) -> rrule.rrule:
    """The rule over naive local times starting at ``start`` (naive, local)."""
    options: dict[str, object] = {"interval": recurrence.interval, "dtstart": start}
    if recurrence.week_of_month is not None:
        options["byweekday"] = WEEKDAYS[start.weekday()](recurrence.week_of_month)
        if recurrence.cadence == "yearly":
            options["bymonth"] = start.month
    elif recurrence.day_of_month is not None:
        options["bymonthday"] = recurrence.day_of_month
    return rrule.rrule(FREQUENCIES[recurrence.cadence], **options)


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    return local.replace(tzinfo=zone).astimezone(UTC)


def occurrences(
    starts_at: datetime,
    ends_at: datetime,
    zone: ZoneInfo,
    recurrence: Recurrence | None,
    after: datetime,
    until: datetime,
    limit: int = 20,
) -> list[tuple[datetime, datetime]]:
    """Start and end (UTC) of the occurrences that end after ``after`` and start before
    ``until``, at most ``limit``."""
    duration = ends_at - starts_at
    if recurrence is None:
        return [(starts_at, ends_at)] if ends_at > after and starts_at < until else []
    local_start = starts_at.astimezone(zone).replace(tzinfo=None)
    rule = _rule(local_start, recurrence)
    found: list[tuple[datetime, datetime]] = []
    # Occurrences are generated in local time from a little before ``after``.
    begin = (after - duration).astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    for local in rule.xafter(max(begin, local_start - timedelta(seconds=1)), inc=True):
        start = to_utc(local, zone)
        if start >= until or len(found) >= limit:
            break
        if start + duration > after:
            found.append((start, start + duration))
    return found


def rrule_text(starts_at: datetime, zone: ZoneInfo, recurrence: Recurrence) -> str:
    """The RRULE of an event, as iCalendar writes it."""
    local_start = starts_at.astimezone(zone).replace(tzinfo=None)
    text = str(_rule(local_start, recurrence)).splitlines()[-1]
    return text.removeprefix("RRULE:")
