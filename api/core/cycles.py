"""FAA data cycle arithmetic.

Airports (NASR) and airport diagrams (d-TPP) follow the 28-day AIRAC cycle; VFR charts are
published every 56 days. Both are anchored on 2020-09-10.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

EPOCH = date(2020, 9, 10)

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Product(StrEnum):
    AIRPORTS = "airports"
    DIAGRAMS = "diagrams"
    CHARTS = "charts"


CYCLE_DAYS: dict[Product, int] = {Product.AIRPORTS: 28, Product.DIAGRAMS: 28, Product.CHARTS: 56}


def current_cycle(product: Product, today: date) -> date:
    """The effective date of the cycle of ``product`` in force on ``today``.

    A cycle's own effective date already belongs to it.
    """
    length = CYCLE_DAYS[product]
    return EPOCH + timedelta(days=((today - EPOCH).days // length) * length)


def is_cycle_date(product: Product, day: date) -> bool:
    """Whether ``day`` is the effective date of a cycle of ``product``."""
    return (day - EPOCH).days % CYCLE_DAYS[product] == 0


def cycle_number(day: date) -> str:
    """The AIRAC cycle number ``YYNN`` of the 28-day cycle containing ``day``.

    ``NN`` counts the cycles whose effective date falls in the effective date's year.
    """
    effective = current_cycle(Product.AIRPORTS, day)
    ordinal = (effective - date(effective.year, 1, 1)).days // 28 + 1
    return f"{effective.year % 100:02d}{ordinal:02d}"


def nasr_airports_archive_name(cycle: date) -> str:
    """File name of the NASR airport CSV archive, e.g. ``26_Dec_2024_APT_CSV.zip``."""
    return f"{cycle.day:02d}_{_MONTHS[cycle.month - 1]}_{cycle.year}_APT_CSV.zip"
