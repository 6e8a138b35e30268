"""Sunrise, sunset and civil twilight at an airport, computed offline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from astral import Observer
from astral import sun as astral_sun


@dataclass(frozen=True, slots=True)
class SunTimes:
    """One local day's sun times; an event that does not happen that day (polar day or night)
    is None."""

    date: date
    timezone: str
    civil_dawn: datetime | None
    sunrise: datetime | None
    sunset: datetime | None
    civil_dusk: datetime | None


def _event(
    compute: Callable[..., datetime], observer: Observer, day: date, zone: ZoneInfo
) -> datetime | None:
    try:
        return compute(observer, date=day, tzinfo=zone).replace(microsecond=0)
    except ValueError:  # the sun does not reach that elevation that day
        return None


# Every render of an airport's page asks for its day's times: computing them costs more than
# the rest of the render.
@lru_cache(maxsize=8192)
def sun_times(latitude: float, longitude: float, zone_name: str, day: date) -> SunTimes:
    """The sun times of ``day`` (a local date) at a position, in the zone ``zone_name``."""
    zone = ZoneInfo(zone_name)
    observer = Observer(latitude=latitude, longitude=longitude)
    return SunTimes(
        date=day,
        timezone=zone_name,
        civil_dawn=_event(astral_sun.dawn, observer, day, zone),
        sunrise=_event(astral_sun.sunrise, observer, day, zone),
        sunset=_event(astral_sun.sunset, observer, day, zone),
        civil_dusk=_event(astral_sun.dusk, observer, day, zone),
    )


def local_today(zone_name: str, now: datetime) -> tuple[date, datetime]:
    """The date in ``zone_name`` at ``now``, and the moment that date ends there."""
    zone = ZoneInfo(zone_name)
    local = now.astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=zone)
    return local.date(), midnight
