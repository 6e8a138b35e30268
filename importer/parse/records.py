"""Plain records produced by the parsers and consumed by the loader."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from api.models.enums import AirportStatus, DataSource, FacilityType, FacilityUse, OwnershipType


@dataclass(slots=True)
class RunwayEndRecord:
    end_id: str
    true_heading: float | None = None
    latitude: float | None = None
    longitude: float | None = None
    elevation_ft: float | None = None
    displaced_threshold_ft: int | None = None
    right_traffic: bool | None = None
    approach_lights: str | None = None
    visual_glide_slope: str | None = None


@dataclass(slots=True)
class RunwayRecord:
    number: str
    length_ft: int | None
    width_ft: int | None
    surface: str | None
    condition: str | None
    lights: str | None
    lighted: bool
    ends: list[RunwayEndRecord] = field(default_factory=list)


@dataclass(slots=True)
class RemarkRecord:
    element: str
    text: str


@dataclass(slots=True)
class FrequencyRecord:
    use: str
    frequency_mhz: float
    description: str | None


@dataclass(slots=True)
class AirportRecord:
    code: str
    icao_code: str | None
    name: str
    facility_type: FacilityType
    facility_use: FacilityUse | None
    ownership_type: OwnershipType | None
    status: AirportStatus | None
    latitude: float
    longitude: float
    elevation_ft: int | None
    city: str | None
    state: str | None
    country: str | None
    city_distance_nm: float | None
    sectional: str | None
    fuel_types: list[str]
    activation_date: date | None
    tower_type: str | None
    landing_fee: bool | None
    data_source: DataSource
    source_id: str
    # What OurAirports says of an airport's size (large, medium, small) and service: the FAA
    # says it through the tower, the Part 139 certificate and the runways.
    size: str | None = None
    scheduled_service: bool = False
    runways: list[RunwayRecord] = field(default_factory=list)
    remarks: list[RemarkRecord] = field(default_factory=list)
    frequencies: list[FrequencyRecord] = field(default_factory=list)


@dataclass(slots=True)
class ParseWarnings:
    """Rows that were skipped without aborting the run, counted by reason."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str, count: int = 1) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + count
