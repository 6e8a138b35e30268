"""The weather rules, once: what a ceiling is, the FAA's flight categories, and how long a
METAR is shown. The weather job applies them in Python; the SQL that builds the airport
detail and the weather tag is written from the same constants."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from api.models.enums import FlightCategory

# Layers that make a ceiling: broken, overcast, or a sky obscured (at the vertical visibility).
CEILING_COVERS = frozenset({"BKN", "OVC", "OVX"})

# A METAR older than this is no longer shown, and its airport loses the weather_report tag.
WEATHER_SHOWN_FOR = timedelta(hours=2)


def ceiling_ft(layers: Iterable[Mapping[str, Any]]) -> int | None:
    """The lowest broken, overcast or obscured layer; None when there is none."""
    bases = [
        layer["base_ft"]
        for layer in layers
        if layer["cover"] in CEILING_COVERS and layer["base_ft"] is not None
    ]
    return min(bases) if bases else None


def flight_category(ceiling: int | None, visibility_sm: float | None) -> FlightCategory | None:
    """The FAA's category for a ceiling and visibility (the worse of the two decides)."""
    if ceiling is None and visibility_sm is None:
        return None
    low_ceiling = ceiling if ceiling is not None else 1_000_000
    visibility = visibility_sm if visibility_sm is not None else 1_000_000.0
    if low_ceiling < 500 or visibility < 1:
        return FlightCategory.LIFR
    if low_ceiling < 1000 or visibility < 3:
        return FlightCategory.IFR
    if low_ceiling <= 3000 or visibility <= 5:
        return FlightCategory.MVFR
    return FlightCategory.VFR


def fresh_metar_sql(alias: str) -> str:
    """SQL true for a row of weather_reports (named ``alias``) that is a METAR still shown."""
    seconds = int(WEATHER_SHOWN_FOR.total_seconds())
    return f"{alias}.kind = 'metar' AND {alias}.observed_at > now() - interval '{seconds} seconds'"


def ceiling_sql(layers: str) -> str:
    """SQL for `ceiling_ft` of a jsonb array of cloud layers (the expression ``layers``)."""
    covers = ", ".join(f"'{cover}'" for cover in sorted(CEILING_COVERS))
    return (
        f"(SELECT min((l->>'base_ft')::int) FROM jsonb_array_elements({layers}) l "
        f"WHERE l->>'cover' IN ({covers}))"
    )
