"""Airport detail as the API returns it."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from api.models.enums import (
    AirportStatus,
    CoverImage,
    DataSource,
    FacilityType,
    FacilityUse,
    LandingRights,
    OwnershipType,
)

# Text parameters admit no control characters (PostgreSQL refuses NUL in text).
PRINTABLE = r"^[^\x00-\x1f]*$"


class RunwayEndOut(BaseModel):
    end_id: str
    true_heading: float | None
    latitude: float | None
    longitude: float | None
    elevation_ft: float | None
    displaced_threshold_ft: int | None
    right_traffic: bool | None
    approach_lights: str | None
    visual_glide_slope: str | None


class RunwayOut(BaseModel):
    number: str = Field(examples=["16R/34L"])
    length_ft: int | None = Field(examples=[9010])
    width_ft: int | None
    surface: str | None = Field(examples=["ASPH-CONC"])
    condition: str | None
    lights: str | None = Field(description="FAA edge light intensity (HIGH, MED, LOW, …).")
    lighted: bool
    ends: list[RunwayEndOut]


class FrequencyOut(BaseModel):
    use: str = Field(examples=["CTAF"])
    frequency_mhz: float = Field(examples=[132.95])
    description: str | None


class RemarkOut(BaseModel):
    element: str = Field(examples=["A110-1"])
    text: str


class WikiField(BaseModel):
    text: str | None = Field(description="Markdown written by pilots.")
    updated_at: datetime | None = Field(description="When the text last changed.")


class WikiFields(BaseModel):
    description: WikiField
    transient_parking: WikiField
    fuel_location: WikiField
    landing_fees: WikiField
    crew_car: WikiField
    flying_clubs: WikiField
    wifi: WikiField


class Annotation(BaseModel):
    latitude: float
    longitude: float
    label: str


class BoundingBox(BaseModel):
    ne_latitude: float
    ne_longitude: float
    sw_latitude: float
    sw_longitude: float


class Diagram(BaseModel):
    png: str
    png_2x: str
    pdf: str


class AirportDetail(BaseModel):
    id: uuid.UUID
    code: str = Field(examples=["PAE"])
    icao_code: str | None = Field(examples=["KPAE"])
    name: str
    facility_type: FacilityType
    facility_use: FacilityUse | None = Field(
        description="PU public use, PR private use; null when the source does not say."
    )
    ownership_type: OwnershipType | None
    status: AirportStatus | None
    latitude: float
    longitude: float
    elevation_ft: int | None
    city: str | None
    state: str | None
    country: str | None = Field(description="ISO 3166-1 alpha-2 country code.")
    city_distance_nm: float | None
    sectional: str | None = Field(description="The VFR sectional chart the airport is on.")
    fuel_types: list[str]
    activation_date: date | None
    tower_type: str | None
    landing_fee: bool | None
    data_source: DataSource
    source_cycle: date | None = Field(description="The last data cycle that listed the airport.")
    authoritative: bool = Field(description="Whether the data comes from the FAA.")
    closed: bool
    landing_rights: LandingRights
    landing_requirements: str | None
    wiki: WikiFields
    annotations: list[Annotation]
    cover_image: CoverImage
    timezone: str | None
    bounding_box: BoundingBox | None
    zoom_level: int = Field(description="A good map zoom to show the whole airport.")
    tags: list[str]
    runways: list[RunwayOut]
    frequencies: list[FrequencyOut]
    remarks: list[RemarkOut]
    diagram: Diagram | None = Field(
        description="The FAA airport diagram of the active cycle: PNG fitting 1000 × 1500 px, "
        "twice as large, and the original PDF."
    )
    locked: bool
    created_at: datetime
    updated_at: datetime
