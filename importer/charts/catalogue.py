"""Every FAA VFR chart Pirep tiles: archive, GeoTIFF, layer, cutline and drawing order.

Within a layer, later charts are drawn on top of earlier ones where they overlap: CONUS
sectionals go in rows from right to left, top to bottom (Halifax first, Brownsville last), as
the original did. An archive may hold several GeoTIFFs (insets): each is its own entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CUTLINES = Path(__file__).with_name("cutlines")


@dataclass(frozen=True)
class Layer:
    name: str
    min_zoom: int
    max_zoom: int
    title: str
    attribution: str = "FAA VFR charts, not for navigation"


@dataclass(frozen=True)
class Chart:
    key: str
    layer: str
    directory: str  # the folder of the edition on aeronav.faa.gov
    archive: str
    tif: str
    cutline: str | None  # <layer>/<key> under cutlines/, None: the whole image

    @property
    def name(self) -> str:
        return f"{self.layer}/{self.key}"

    @property
    def title(self) -> str:
        """How pilots call it: "Seattle", "Dallas Ft Worth"."""
        return _title(self.key)

    def cutline_geometry(self) -> dict[str, Any] | None:
        """The cutline as a GeoJSON geometry in longitude/latitude, or None."""
        return load_cutline(self.cutline) if self.cutline else None


LAYERS = {
    "sectional": Layer("sectional", 0, 12, "Sectional"),
    "terminal": Layer("terminal", 10, 13, "Terminal area"),
}


@cache
def load_cutline(name: str) -> dict[str, Any]:
    feature = json.loads((CUTLINES / f"{name}.geojson").read_text())
    geometry: dict[str, Any] = feature["geometry"]
    return geometry


def _title(key: str) -> str:
    return " ".join(part.capitalize() for part in key.split("_"))


def _sectional(key: str, archive: str | None = None, tif: str | None = None) -> Chart:
    name = archive or _title(key).replace(" ", "_")
    return Chart(
        key=key,
        layer="sectional",
        directory="sectional-files",
        archive=f"{name}.zip",
        tif=tif or f"{name.replace('_', ' ')} SEC.tif",
        cutline=f"sectional/{key}",
    )


def _terminal(key: str, archive: str | None = None, tif: str | None = None) -> Chart:
    name = archive or _title(key).replace(" ", "_")
    return Chart(
        key=key,
        layer="terminal",
        directory="tac-files",
        archive=f"{name}_TAC.zip",
        tif=tif or f"{name.replace('_', ' ')} TAC.tif",
        cutline=f"terminal/{key}",
    )


_CONUS = [
    # Rows from right to left, top to bottom.
    "halifax montreal lake_huron green_bay twin_cities billings great_falls seattle",
    "new_york detroit chicago omaha cheyenne salt_lake_city klamath_falls",
    "washington cincinnati st_louis kansas_city wichita denver las_vegas san_francisco",
    "charlotte atlanta memphis dallas_ft_worth albuquerque phoenix los_angeles",
    "jacksonville new_orleans houston san_antonio el_paso",
    "miami brownsville",
]
_ALASKA = (
    "point_barrow cape_lisburne dawson fairbanks nome anchorage mcgrath bethel seward juneau "
    "kodiak ketchikan cold_bay dutch_harbor"
)
_SPECIAL_SECTIONALS = {
    "st_louis": ("St_Louis", "St Louis SEC.tif"),
    "dallas_ft_worth": ("Dallas-Ft_Worth", "Dallas-Ft Worth SEC.tif"),
    "mcgrath": ("McGrath", "McGrath SEC.tif"),
}


def _sectionals() -> list[Chart]:
    keys = [key for row in _CONUS for key in row.split()] + _ALASKA.split()
    charts = [_sectional(key, *_SPECIAL_SECTIONALS.get(key, (None, None))) for key in keys]
    aleutians = "Western_Aleutian_Islands"
    east = "Western Aleutian Islands East SEC.tif"
    charts += [
        # One GeoTIFF crosses the antimeridian: it is drawn in two pieces, one on each side.
        _sectional("western_aleutian_islands_east_east", aleutians, east),
        _sectional("western_aleutian_islands_east_west", aleutians, east),
        _sectional(
            "western_aleutian_islands_west", aleutians, "Western Aleutian Islands West SEC.tif"
        ),
        _sectional("hawaiian_islands"),
        _sectional("honolulu", "Hawaiian_Islands", "Honolulu Inset SEC.tif"),
        _sectional("mariana_islands", "Hawaiian_Islands", "Mariana Islands Inset SEC.tif"),
        _sectional("samoan_islands", "Hawaiian_Islands", "Samoan Islands Inset SEC.tif"),
    ]
    for number in (1, 2):
        charts.append(
            Chart(
                key=f"caribbean_{number}",
                layer="sectional",
                directory="Caribbean",
                archive=f"Caribbean_{number}_VFR.zip",
                tif=f"Caribbean {number} VFR Chart.tif",
                cutline=f"sectional/caribbean_{number}",
            )
        )
    return charts


_TERMINALS = (
    "anchorage atlanta baltimore_washington boston charlotte chicago cincinnati cleveland "
    "dallas_ft_worth denver detroit houston kansas_city las_vegas los_angeles memphis miami "
    "minneapolis_st_paul new_orleans new_york philadelphia phoenix pittsburgh puerto_rico "
    "salt_lake_city san_diego san_francisco seattle st_louis tampa"
)
_SPECIAL_TERMINALS = {
    "anchorage": ("Anchorage-Fairbanks", "Anchorage TAC.tif"),
    "baltimore_washington": ("Baltimore-Washington", None),
    "dallas_ft_worth": ("Dallas-Ft_Worth", "Dallas-Ft Worth TAC.tif"),
    "minneapolis_st_paul": ("Minneapolis-St_Paul", "Minneapolis-St Paul TAC.tif"),
    "puerto_rico": ("Puerto_Rico-VI", "Puerto Rico-VI TAC.tif"),
    "st_louis": ("St_Louis", "St Louis TAC.tif"),
    "tampa": ("Tampa-Orlando", "Tampa TAC.tif"),
}
# Insets: another GeoTIFF in the archive of the chart named first.
_TERMINAL_INSETS = {
    "anchorage": ("fairbanks", "Fairbanks TAC.tif"),
    "denver": ("colorado_springs", "Colorado Springs TAC.tif"),
    "seattle": ("portland", "Portland TAC.tif"),
    "tampa": ("orlando", "Orlando TAC.tif"),
}


def _terminals() -> list[Chart]:
    charts = []
    for key in _TERMINALS.split():
        chart = _terminal(key, *_SPECIAL_TERMINALS.get(key, (None, None)))
        charts.append(chart)
        if key in _TERMINAL_INSETS:
            inset, tif = _TERMINAL_INSETS[key]
            charts.append(
                Chart(inset, "terminal", "tac-files", chart.archive, tif, f"terminal/{inset}")
            )
    return charts


FAA_CHARTS: tuple[Chart, ...] = (*_sectionals(), *_terminals())

# The small real chart the embedded default tiles on first start (and the tests use): a crop
# of the Seattle sectional around Paine Field, and a copy of it as an inset.
SAMPLE_CHARTS: tuple[Chart, ...] = (
    Chart("charts_test", "sectional", "sectional-files", "charts_test.zip",
          "Charts Test SEC.tif", "test/test"),
    Chart("inset_test", "sectional", "sectional-files", "charts_test.zip",
          "Inset Test SEC.tif", "test/test"),
)  # fmt: skip


def select(charts: tuple[Chart, ...], names: list[str] | None) -> tuple[Chart, ...]:
    """The charts named (by key, ``layer/key``, or layer), in catalogue order."""
    if not names:
        return charts
    wanted = {name.strip().lower() for name in names if name.strip()}
    chosen = tuple(
        chart
        for chart in charts
        if chart.key in wanted or chart.name in wanted or chart.layer in wanted
    )
    known = {chart.key for chart in charts} | {c.name for c in charts} | set(LAYERS)
    unknown = sorted(wanted - known)
    if unknown:
        raise ValueError(
            f"Unknown chart {', '.join(unknown)}; charts are named like seattle, "
            "terminal/seattle or by layer (sectional, terminal)."
        )
    return chosen
