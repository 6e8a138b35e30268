"""What the list of exports answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ExportOut(BaseModel):
    format: Literal["gpkg", "csv", "geojson"] = Field(
        description="`gpkg`: a GeoPackage with the layers `airports` (points, every public "
        "field and what pilots wrote), `runways` (lines from end to end) and `frequencies`; "
        "`csv`: a zip of `airports.csv`, `runways.csv` and `airport-frequencies.csv` with "
        "OurAirports' columns; `geojson`: the map's airports (as /api/v1/airports.geojson)."
    )
    url: str = Field(description="Where to download it (byte ranges are answered).")
    bytes: int = Field(description="Its size.")
    sha256: str = Field(description="The SHA-256 of its bytes, in hex.")
    created_at: datetime
    cursor: int = Field(
        description="The last change it includes: follow GET /api/v1/changes?after=<cursor>."
    )


class ExportList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "exports": [
                        {
                            "format": "gpkg",
                            "url": "https://cdn.pirep.io/exports/20261207T031500Z-1f2e3d4c/"
                            "pirep-airports.gpkg",
                            "bytes": 31457280,
                            "sha256": "9f2c…",
                            "created_at": "2026-12-07T03:15:41Z",
                            "cursor": 1043,
                        }
                    ]
                }
            ]
        }
    )

    exports: list[ExportOut] = Field(description="The newest export of each format.")


class OfflineFile(BaseModel):
    format: Literal["mbtiles", "pmtiles", "gpkg", "diagrams"] = Field(
        description="`mbtiles`: the region's chart tiles (256 px WebP, every zoom of the layer) "
        "as MBTiles 1.3, which GDAL, QGIS and electronic flight bags open; `pmtiles`: the same "
        "tiles as a PMTiles archive; `gpkg`: the region's airports, runways and frequencies as "
        "a GeoPackage (the layers of the export); `diagrams`: a zip of the FAA airport diagrams "
        "(PDF) of the region's airports, named `<code> airport diagram.pdf`."
    )
    url: str = Field(description="Where to download it (byte ranges are answered).")
    bytes: int = Field(description="Its size.")
    sha256: str = Field(description="The SHA-256 of its bytes, in hex.")


class OfflinePack(BaseModel):
    region: str = Field(description="The chart: `<layer>/<key>`.", examples=["sectional/seattle"])
    title: str = Field(examples=["Seattle"])
    layer: Literal["sectional", "terminal"] = Field(
        description="The chart layer the tiles come from."
    )
    cycle: date = Field(description="The charts cycle the tiles were made from.")
    bounds: list[float] = Field(
        description="West, south, east, north (degrees; west > east across the antimeridian)."
    )
    files: list[OfflineFile]


class OfflinePackList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "built_at": "2026-12-07T04:00:12Z",
                    "packs": [
                        {
                            "region": "sectional/seattle",
                            "title": "Seattle",
                            "layer": "sectional",
                            "cycle": "2026-11-27",
                            "bounds": [-125.0, 44.5, -117.0, 49.1],
                            "files": [
                                {
                                    "format": "mbtiles",
                                    "url": "https://cdn.pirep.io/offline/2026-11-27/"
                                    "sectional-seattle.mbtiles",
                                    "bytes": 188743680,
                                    "sha256": "5b1e…",
                                }
                            ],
                        }
                    ],
                }
            ]
        }
    )

    built_at: datetime | None = Field(description="When the packs were built; null: never yet.")
    packs: list[OfflinePack] = Field(
        description="One per chart region of the active charts cycle (every sectional and "
        "terminal area chart)."
    )
