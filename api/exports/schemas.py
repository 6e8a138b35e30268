"""What the list of exports answers."""

from __future__ import annotations

from datetime import datetime
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
