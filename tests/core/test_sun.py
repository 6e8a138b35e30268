"""Sun times at an airport, computed offline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from api.core.sun import local_today, sun_times


def test_paine_field_in_december() -> None:
    # Everett, WA, 5 December 2026: sunrise 07:43, sunset 16:17 (NOAA's calculator).
    times = sun_times(47.9063, -122.282, "America/Los_Angeles", date(2026, 12, 5))

    assert times.sunrise is not None
    assert times.sunset is not None
    assert times.sunrise.strftime("%H:%M") in {"07:42", "07:43"}
    assert times.sunset.strftime("%H:%M") in {"16:16", "16:17"}
    assert times.civil_dawn is not None
    assert times.civil_dusk is not None
    assert times.civil_dawn < times.sunrise < times.sunset < times.civil_dusk
    assert times.sunrise.utcoffset() == ZoneInfo("America/Los_Angeles").utcoffset(
        datetime(2026, 12, 5)
    )


@pytest.mark.parametrize(
    ("latitude", "longitude", "zone"),
    [
        (13.48, 144.80, "Pacific/Guam"),  # far east of Greenwich
        (-14.33, -170.71, "Pacific/Pago_Pago"),  # far west
        (21.32, -157.92, "Pacific/Honolulu"),
        (61.17, -150.0, "America/Anchorage"),
    ],
)
def test_every_time_falls_on_the_local_day_asked_for(
    latitude: float, longitude: float, zone: str
) -> None:
    day = date(2026, 3, 20)  # the equinox: every event happens everywhere but at the poles
    times = sun_times(latitude, longitude, zone, day)

    for moment in (times.civil_dawn, times.sunrise, times.sunset, times.civil_dusk):
        assert moment is not None
        assert moment.astimezone(ZoneInfo(zone)).date() == day


def test_polar_night_and_day_have_no_sunrise() -> None:
    # Utqiagvik, AK.
    winter = sun_times(71.285, -156.766, "America/Anchorage", date(2026, 12, 21))
    summer = sun_times(71.285, -156.766, "America/Anchorage", date(2026, 6, 21))

    assert (winter.sunrise, winter.sunset) == (None, None)
    assert winter.civil_dawn is not None  # twilight still comes at midday
    assert (summer.sunrise, summer.sunset, summer.civil_dawn, summer.civil_dusk) == (
        None,
        None,
        None,
        None,
    )


def test_the_local_day_and_when_it_ends() -> None:
    now = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)  # still the 5th in Seattle

    day, ends = local_today("America/Los_Angeles", now)

    assert day == date(2026, 12, 5)
    assert ends == datetime(2026, 12, 6, 0, 0, tzinfo=ZoneInfo("America/Los_Angeles"))


def test_time_zones_come_from_the_pinned_database_not_the_systems() -> None:
    # British Columbia keeps summer time all year from November 2026 (tzdata 2026 and later);
    # Debian 12's own database still says -08:00, as browsers no longer do.
    winter = datetime(2026, 12, 6, 12, 0, tzinfo=ZoneInfo("America/Vancouver"))

    assert winter.utcoffset() == timedelta(hours=-7)
