"""Convert the original's crop shapefiles into the GeoJSON cutlines shipped with the importer.

Run once, when the shapefiles change: ``python -m importer.charts.convert_cutlines DIR``, where
DIR holds ``sectional/``, ``terminal/`` and ``test/``. Shapefiles in a chart's own Lambert
projection are converted to longitude/latitude (their vertices come back exactly when
projected again, and the tiler draws the edges between vertices straight in the chart's own
pixel space, as ``gdalwarp -cutline`` did).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import shapefile
from rasterio.crs import CRS
from rasterio.warp import transform_geom

from importer.charts.catalogue import CUTLINES

WGS84 = CRS.from_epsg(4326)
# Left out: a shapefile of the original that no chart uses.
UNUSED = {"sectional/western_aleutian_islands_east"}


def read_shapefile(path: Path) -> tuple[dict[str, Any], CRS]:
    """The polygon of a crop shapefile and its CRS (from the .prj; WGS 84 without one)."""
    with shapefile.Reader(str(path)) as reader:
        shapes = reader.shapes()
        if len(shapes) != 1:
            raise ValueError(f"{path} holds {len(shapes)} shapes, not one polygon")
        geometry: dict[str, Any] = dict(shapes[0].__geo_interface__)
    projection = path.with_suffix(".prj")
    crs = CRS.from_wkt(projection.read_text()) if projection.exists() else WGS84
    return geometry, crs


def to_lonlat(geometry: dict[str, Any], crs: CRS) -> dict[str, Any]:
    if not crs.is_geographic:
        geometry = transform_geom(crs, WGS84, geometry, precision=-1)
    converted: dict[str, Any] = json.loads(json.dumps(geometry))  # tuples become lists
    return converted


def convert(source: Path, target: Path = CUTLINES) -> list[str]:
    written = []
    for path in sorted(source.glob("*/*.shp")):
        name = f"{path.parent.name}/{path.stem}"
        if name in UNUSED:
            continue
        geometry, crs = read_shapefile(path)
        feature = {
            "type": "Feature",
            "properties": {"chart": name, "converted_from": crs.to_string()},
            "geometry": to_lonlat(geometry, crs),
        }
        output = target / f"{name}.geojson"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(feature, indent=1) + "\n")
        written.append(name)
    return written


if __name__ == "__main__":
    names = convert(Path(sys.argv[1]))
    print(f"Wrote {len(names)} cutlines to {CUTLINES}.")
