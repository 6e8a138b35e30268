"""How much a pilot is likely to mean an airport, from what its source says of it.

One point each for: a field a fixed-wing aircraft can use, public use, a control tower,
scheduled passenger service, a runway of 5,000 ft or more. A large international airport
scores 5, a small public field 2, a private strip 1, a private heliport 0. Search ranks the
airports a name matches by it; the map draws the important ones first when zoomed out.
"""

from __future__ import annotations

from api.models.enums import FacilityType, FacilityUse
from importer.parse.records import AirportRecord

LONG_RUNWAY_FT = 5_000
# Frequencies only a towered airport has.
_TOWER_USES = frozenset({"TWR", "ATIS", "ATCT"})
_FIXED_WING = frozenset({FacilityType.AIRPORT, FacilityType.MILITARY})
_PUBLIC_SIZES = frozenset({"large", "medium"})


def importance(airport: AirportRecord) -> int:
    """The airport's importance, 0 to 5."""
    public = airport.facility_use is FacilityUse.PUBLIC or airport.size in _PUBLIC_SIZES
    towered = (airport.tower_type or "").upper().startswith("ATCT") or any(
        frequency.use in _TOWER_USES for frequency in airport.frequencies
    )
    scheduled = airport.scheduled_service or airport.size == "large"
    long_runway = any((runway.length_ft or 0) >= LONG_RUNWAY_FT for runway in airport.runways)
    return sum((airport.facility_type in _FIXED_WING, public, towered, scheduled, long_runway))


def has_scheduled_service(far_139_type: str) -> bool:
    """Whether a Part 139 certificate class (``I A``, ``II``, ``III``, ``IV C``) covers
    scheduled passenger service: classes I to III do, class IV only unscheduled flights."""
    kind = far_139_type.strip().upper().split(" ", 1)[0] if far_139_type.strip() else ""
    return kind in {"I", "II", "III"}
