"""The chart catalogue and the cutlines converted from the original's shapefiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasterio.warp import transform_geom

from importer.charts.catalogue import (
    CUTLINES,
    FAA_CHARTS,
    LAYERS,
    SAMPLE_CHARTS,
    load_cutline,
    select,
)
from importer.charts.convert_cutlines import UNUSED, read_shapefile, to_lonlat

SHAPEFILES = Path(__file__).parents[1] / "fixtures" / "charts_crop_shapefiles"


def _close(a: object, b: object, tolerance: float) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close(x, y, tolerance) for x, y in zip(a, b, strict=True))
    return abs(float(a) - float(b)) <= tolerance  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "shapefile",
    sorted(
        path
        for path in SHAPEFILES.glob("*/*.shp")
        if f"{path.parent.name}/{path.stem}" not in UNUSED
    ),
    ids=lambda path: f"{path.parent.name}/{path.stem}",
)
def test_each_cutline_is_its_shapefile(shapefile: Path) -> None:
    geometry, crs = read_shapefile(shapefile)
    stored = load_cutline(f"{shapefile.parent.name}/{shapefile.stem}")
    assert stored["type"] == "Polygon"
    assert _close(stored["coordinates"], to_lonlat(geometry, crs)["coordinates"], 1e-9)
    if not crs.is_geographic:
        # Projected back, the stored vertices are the shapefile's own, to the millimetre.
        back = transform_geom("EPSG:4326", crs, stored, precision=-1)
        assert _close(back["coordinates"], geometry["coordinates"], 1e-3)


def test_the_catalogue_is_the_originals() -> None:
    sectional = [chart for chart in FAA_CHARTS if chart.layer == "sectional"]
    terminal = [chart for chart in FAA_CHARTS if chart.layer == "terminal"]
    assert (len(sectional), len(terminal)) == (60, 34)
    assert sectional[0].key == "halifax"
    assert [chart.key for chart in sectional].index("brownsville") == 36  # last of CONUS
    by_key = {chart.name: chart for chart in FAA_CHARTS}
    expected = {
        "sectional/twin_cities": ("Twin_Cities.zip", "Twin Cities SEC.tif"),
        "sectional/dallas_ft_worth": ("Dallas-Ft_Worth.zip", "Dallas-Ft Worth SEC.tif"),
        "sectional/mcgrath": ("McGrath.zip", "McGrath SEC.tif"),
        "sectional/honolulu": ("Hawaiian_Islands.zip", "Honolulu Inset SEC.tif"),
        "sectional/caribbean_2": ("Caribbean_2_VFR.zip", "Caribbean 2 VFR Chart.tif"),
        "sectional/western_aleutian_islands_east_west": (
            "Western_Aleutian_Islands.zip",
            "Western Aleutian Islands East SEC.tif",
        ),
        "terminal/anchorage": ("Anchorage-Fairbanks_TAC.zip", "Anchorage TAC.tif"),
        "terminal/fairbanks": ("Anchorage-Fairbanks_TAC.zip", "Fairbanks TAC.tif"),
        "terminal/orlando": ("Tampa-Orlando_TAC.zip", "Orlando TAC.tif"),
        "terminal/puerto_rico": ("Puerto_Rico-VI_TAC.zip", "Puerto Rico-VI TAC.tif"),
        "terminal/boston": ("Boston_TAC.zip", "Boston TAC.tif"),
    }
    for name, (archive, tif) in expected.items():
        assert (by_key[name].archive, by_key[name].tif) == (archive, tif), name
    assert by_key["sectional/caribbean_1"].directory == "Caribbean"
    assert by_key["terminal/boston"].directory == "tac-files"
    assert set(LAYERS) == {"sectional", "terminal"}


def test_every_chart_has_its_cutline_and_every_cutline_a_chart() -> None:
    used = {chart.cutline for chart in FAA_CHARTS + SAMPLE_CHARTS if chart.cutline}
    shipped = {f"{path.parent.name}/{path.stem}" for path in CUTLINES.glob("*/*.geojson")}
    assert used == shipped


def test_charts_are_selected_by_key_name_or_layer() -> None:
    assert [chart.name for chart in select(FAA_CHARTS, ["terminal/seattle"])] == [
        "terminal/seattle"
    ]
    assert {chart.layer for chart in select(FAA_CHARTS, ["seattle"])} == {"sectional", "terminal"}
    assert len(select(FAA_CHARTS, ["terminal"])) == 34
    with pytest.raises(ValueError, match="Unknown chart atlantis"):
        select(FAA_CHARTS, ["atlantis"])
