"""Airport detail as the API returns it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, Field, model_validator

from api.models.enums import (
    AirportStatus,
    CoverImage,
    DataSource,
    FacilityType,
    FacilityUse,
    FlightCategory,
    LandingRights,
    OwnershipType,
)

# Text parameters admit no control characters (PostgreSQL refuses NUL in text).
PRINTABLE = r"^[^\x00-\x1f]*$"

# An airport in the path of a write: its FAA identifier, or a user-added airport's code.
CODE = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        pattern=PRINTABLE,
        description="The airport's FAA identifier (PAE), ICAO code (KPAE) or id; case-insensitive.",
    ),
]


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
    version: str = Field(description="Send it back as `base` when editing this field.")
    html: str = Field(description="The text rendered to sanitised HTML, safe to display.")


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


class AnnotationIn(BaseModel):
    model_config = {"extra": "forbid"}

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    label: str = Field(min_length=1, max_length=200)


class BoundingBox(BaseModel):
    ne_latitude: float
    ne_longitude: float
    sw_latitude: float
    sw_longitude: float


class Diagram(BaseModel):
    png: str
    png_2x: str
    pdf: str


class WebcamOut(BaseModel):
    id: uuid.UUID
    url: str
    kind: Literal["image", "frame", "link"] = Field(
        description="Show it as an image, in a frame, or as a link."
    )


class PhotoAuthor(BaseModel):
    name: str = Field(description="The author's name, as Google gives it.")
    url: str | None = Field(default=None, description="The author's page on Google Maps.")


class PhotoOut(BaseModel):
    id: uuid.UUID
    url: str
    width: int
    height: int
    source: Literal["contributed", "external"] = Field(
        description="Uploaded by a pilot (CC BY-SA 4.0), or from Google Places (show "
        '`attributions` and "Google Maps" with it).'
    )
    attributions: list[PhotoAuthor] = Field(
        description="Who took a photo from Google Places; empty for pilots' photos."
    )
    created_at: datetime


class Completion(BaseModel):
    percent: int = Field(ge=0, le=100, description="At 100 the airport is featured.")
    missing: list[str] = Field(description="What the page lacks, to ask pilots for.")


class SimilarAirport(BaseModel):
    code: str
    name: str
    shared_tags: int
    distance_nm: float


class CloudLayer(BaseModel):
    cover: str = Field(description="FEW, SCT, BKN, OVC, OVX (obscured), CLR, SKC…")
    base_ft: int | None = Field(description="Above ground; for OVX the vertical visibility.")


class Conditions(BaseModel):
    flight_category: FlightCategory | None
    raw: str = Field(description="The report as issued (for a TAF period, the whole TAF).")
    wind_direction: int | None = Field(description="Degrees true; -1 when variable.")
    wind_speed_kt: int | None
    wind_gusts_kt: int | None
    visibility_sm: float | None = Field(description="Statute miles; 10 also means more.")
    weather: str | None = Field(description="Present weather, e.g. -SHRA.", examples=["-SHRA"])
    cloud_layers: list[CloudLayer] = Field(description="From the lowest up.")


class Metar(Conditions):
    observed_at: datetime
    temperature_c: float | None
    dewpoint_c: float | None
    ceiling_ft: int | None = Field(
        description="The lowest broken, overcast or obscured layer; null when there is none."
    )


class TafPeriod(Conditions):
    starts_at: datetime
    ends_at: datetime | None


class Weather(BaseModel):
    metar: Metar
    tafs: list[TafPeriod] = Field(description="The forecast periods of the latest TAF.")
    disclaimer: str


# A field named ``date`` would hide the type inside the class.
Date = date


class SunTimes(BaseModel):
    date: Date = Field(description="Today at the airport.")
    timezone: str = Field(description="The airport's IANA time zone; the times are in it.")
    civil_dawn: datetime | None = Field(
        description="Morning civil twilight begins (sun 6° below the horizon); null when the "
        "sun stays lower, or higher, all day."
    )
    sunrise: datetime | None = Field(description="Null in polar day or night.")
    sunset: datetime | None = Field(description="Null in polar day or night.")
    civil_dusk: datetime | None = Field(description="Evening civil twilight ends.")


class AirportDetail(BaseModel):
    id: uuid.UUID
    code: str = Field(examples=["PAE"])
    icao_code: str | None = Field(examples=["KPAE"])
    name: str = Field(
        description="As a pilot reads it: names the source publishes in capitals are given in "
        "title case, keeping identifiers and acronyms (AFB, NAS…).",
        examples=["Snohomish County (Paine Field)"],
    )
    official_name: str = Field(
        description="The name exactly as the source publishes it.",
        examples=["SNOHOMISH COUNTY (PAINE FIELD)"],
    )
    facility_type: FacilityType
    facility_use: FacilityUse | None = Field(
        description="PU public use, PR private use; null when the source does not say."
    )
    ownership_type: OwnershipType | None
    status: AirportStatus | None
    latitude: float
    longitude: float
    elevation_ft: int | None
    city: str | None = Field(description="In title case, like `name`.")
    official_city: str | None = Field(description="The city exactly as the source gives it.")
    state: str | None
    country: str | None = Field(description="ISO 3166-1 alpha-2 country code.")
    city_distance_nm: float | None
    sectional: str | None = Field(description="The VFR sectional chart the airport is on.")
    fuel_types: list[str]
    activation_date: date | None
    tower_type: str | None
    landing_fee: bool | None
    importance: int = Field(
        ge=0,
        le=5,
        description="How much a pilot is likely to mean this airport: one point each for a "
        "field fixed-wing aircraft use, public use, a control tower, scheduled service and a "
        "runway of 5,000 ft or more. Search and the map rank by it.",
    )
    data_source: DataSource
    source_cycle: date | None = Field(description="The last data cycle that listed the airport.")
    authoritative: bool = Field(description="Whether the data comes from the FAA.")
    closed: bool
    landing_rights: LandingRights
    landing_requirements: str | None
    landing_requirements_html: str = Field(description="Rendered to sanitised HTML.")
    wiki: WikiFields
    annotations: list[Annotation]
    cover_image: CoverImage
    featured_photo_id: uuid.UUID | None = Field(description="The photo shown first.")
    timezone: str | None = Field(
        description="IANA time zone, from the position; events are in it.",
        examples=["America/Los_Angeles"],
    )
    sun: SunTimes | None = Field(
        description="Today's civil twilight, sunrise and sunset at the airport, in its time "
        "zone; null when the time zone is not known."
    )
    bounding_box: BoundingBox | None = Field(
        description="The box a map fits to show the whole airport: from its runways (or a "
        "radius by type) at import, refined from OpenStreetMap when online."
    )
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
    completion: Completion
    webcams: list[WebcamOut]
    photos: list[PhotoOut] = Field(
        description="Photos pilots uploaded, newest first, then those from Google Places."
    )
    similar: list[SimilarAirport] = Field(
        description="Up to ten airports sharing the most tags pilots add, nearest first."
    )
    field_versions: dict[str, str] = Field(
        description="The version of every editable field, to send back as `base` when editing."
    )
    weather: Weather | None = Field(
        description="The latest METAR and TAF from aviationweather.gov, or null when no METAR "
        "is younger than two hours. Not for flight planning."
    )
    created_at: datetime
    updated_at: datetime


BASE = Field(
    min_length=1,
    max_length=64,
    description="The `version` of the field you started from (see the airport detail): if "
    "someone changed the field since, the edit is refused with 409 and the current value.",
)


class TextEdit(BaseModel):
    model_config = {"extra": "forbid"}

    text: str | None = Field(max_length=20_000, description="Markdown; null or empty clears it.")
    base: str = BASE


class LandingRightsEdit(BaseModel):
    model_config = {"extra": "forbid"}

    value: LandingRights
    base: str = BASE


class AnnotationsEdit(BaseModel):
    model_config = {"extra": "forbid"}

    value: list[AnnotationIn] = Field(max_length=200)
    base: str = BASE


class CoverImageEdit(BaseModel):
    model_config = {"extra": "forbid"}

    value: CoverImage
    base: str = BASE


class FeaturedPhotoEdit(BaseModel):
    model_config = {"extra": "forbid"}

    value: uuid.UUID | None = Field(description="One of the airport's photos, or null.")
    base: str = BASE


class AirportEdit(BaseModel):
    """Fields to change; each is checked against its own version, independently."""

    model_config = {"extra": "forbid"}

    description: TextEdit | None = None
    transient_parking: TextEdit | None = None
    fuel_location: TextEdit | None = None
    landing_fees: TextEdit | None = None
    crew_car: TextEdit | None = None
    flying_clubs: TextEdit | None = None
    wifi: TextEdit | None = None
    landing_requirements: TextEdit | None = None
    landing_rights: LandingRightsEdit | None = None
    annotations: AnnotationsEdit | None = None
    cover_image: CoverImageEdit | None = None
    featured_photo_id: FeaturedPhotoEdit | None = None

    @model_validator(mode="after")
    def _something(self) -> AirportEdit:
        if not self.asked():
            raise ValueError("name at least one field to change")
        return self

    def asked(self) -> dict[str, Any]:
        """The fields to change (null, like absent, leaves a field as it is)."""
        return {
            name: value
            for name in self.model_fields_set
            if (value := getattr(self, name)) is not None
        }


class NewAirport(BaseModel):
    """An airport missing from the official data, added by a pilot."""

    model_config = {"extra": "forbid"}

    name: str = Field(min_length=1, max_length=200, pattern=PRINTABLE, examples=["Smith Farm"])
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    elevation_ft: int | None = Field(default=None, ge=-1500, le=30_000)
    landing_rights: LandingRights = LandingRights.PRIVATE
    closed: bool = Field(default=False, description="Tag it closed (an abandoned strip).")
    captcha_token: str | None = Field(
        default=None,
        max_length=2048,
        description="The CAPTCHA answer, for a writer without an account not yet verified.",
    )
