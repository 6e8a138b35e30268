"""Small geographic helpers."""

from __future__ import annotations

import math
import re

import tzfpy

METERS_PER_STATUTE_MILE = 1609.344
METERS_PER_NAUTICAL_MILE = 1852.0
METERS_PER_FOOT = 0.3048
EARTH_RADIUS_METERS = 6_371_008.8
METERS_PER_DEGREE_LATITUDE = 111_320.0

# An airport's outline (the box a map fits to show all of it): its runway ends and this margin,
# or where nothing is known of its runways, how far an airport of its type usually reaches.
OUTLINE_MARGIN_M = 250
OUTLINE_RADIUS_M = {
    "heliport": 100,
    "balloonport": 200,
    "seaplane_base": 600,
    "ultralight": 400,
    "gliderport": 600,
}
DEFAULT_OUTLINE_RADIUS_M = 800

_COORDINATES = re.compile(
    r"^\s*(?P<lat>[-+]?\d{1,2}(?:\.\d+)?)\s*[,\s]\s*(?P<lon>[-+]?\d{1,3}(?:\.\d+)?)\s*$"
)


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """``"47.9, -122.28"`` → (47.9, -122.28); None when ``text`` is not a valid lat, lon pair."""
    match = _COORDINATES.match(text)
    if match is None:
        return None
    latitude, longitude = float(match["lat"]), float(match["lon"])
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude


def haversine_meters(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points on a spherical earth, in meters."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_METERS * math.asin(min(1.0, math.sqrt(a)))


def timezone_at(latitude: float, longitude: float) -> str | None:
    """The IANA time zone of a position, computed offline from the zone outlines tzfpy ships
    (``Etc/GMT±n`` at sea)."""
    return tzfpy.get_tz(longitude, latitude) or None


def box_around(
    latitude: float, longitude: float, metres: float
) -> tuple[float, float, float, float]:
    """South, west, north, east of the square reaching ``metres`` from a point."""
    dlat = metres / METERS_PER_DEGREE_LATITUDE
    dlon = metres / (METERS_PER_DEGREE_LATITUDE * max(math.cos(math.radians(latitude)), 0.01))
    return (
        max(-90.0, latitude - dlat),
        max(-180.0, longitude - dlon),
        min(90.0, latitude + dlat),
        min(180.0, longitude + dlon),
    )
