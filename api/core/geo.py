"""Small geographic helpers."""

from __future__ import annotations

import math
import re

METERS_PER_STATUTE_MILE = 1609.344
METERS_PER_NAUTICAL_MILE = 1852.0
EARTH_RADIUS_METERS = 6_371_008.8

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
