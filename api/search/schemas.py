"""Search requests and results."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.airports.schemas import PRINTABLE, BoundingBox
from api.core.geo import METERS_PER_NAUTICAL_MILE, METERS_PER_STATUTE_MILE
from api.models.enums import FacilityType, FacilityUse, FlightCategory, LandingRights


class Coordinates(BaseModel):
    latitude: float
    longitude: float


class SearchResult(BaseModel):
    code: str = Field(examples=["PAE"])
    icao_code: str | None
    name: str = Field(description="In title case, as the airport detail gives it.")
    official_name: str = Field(description="The name exactly as the source publishes it.")
    label: str = Field(
        description="What a search box shows, e.g. `PAE - Snohomish County (Paine Field)`."
    )
    facility_type: FacilityType
    facility_use: FacilityUse | None
    importance: int = Field(ge=0, le=5, description="As in the airport detail.")
    city: str | None
    state: str | None
    country: str | None
    latitude: float
    longitude: float
    closed: bool
    distance_nm: float | None = Field(description="From the given point, when one was given.")
    zoom_level: int
    bounding_box: BoundingBox | None


class SearchResponse(BaseModel):
    query: str
    coordinates: Coordinates | None = Field(
        description="Set when the query was recognised as `latitude, longitude`; the results "
        "are then the airports nearest to that point."
    )
    results: list[SearchResult]


Surface = Literal["paved", "grass", "water"]
TagsMatch = Literal["any", "all"]


class AdvancedSearchParams(BaseModel):
    """Filters of the advanced search; all optional, combined with AND."""

    model_config = {"extra": "forbid"}

    near: str | None = Field(
        default=None,
        max_length=64,
        pattern=PRINTABLE,
        description="Centre: an airport code or ICAO code.",
    )
    within_nm: float | None = Field(
        default=None, gt=0, le=4000, description="Nautical miles from `near`."
    )
    within_miles: float | None = Field(
        default=None,
        gt=0,
        le=5000,
        description="Statute miles from `near`: use `within_nm`.",
        deprecated=True,
    )
    within_hours: float | None = Field(
        default=None,
        gt=0,
        le=24,
        description="Flying hours from `near` at `cruise_knots` (hours × knots nautical miles).",
    )
    cruise_knots: float | None = Field(default=None, gt=0, le=1000)
    bbox: str | None = Field(
        default=None,
        max_length=100,
        pattern=r"^\s*-?\d+(\.\d+)?(\s*,\s*-?\d+(\.\d+)?){3}\s*$",
        description="Only airports inside this box: `west,south,east,north` in degrees (a "
        "west greater than east crosses the antimeridian). Without `near`, the most "
        "important airports come first.",
        examples=["-122.5,47.5,-122,48"],
    )
    facility_type: list[FacilityType] = Field(
        default_factory=lambda: [FacilityType.AIRPORT], description="Facility types to include."
    )
    access: list[LandingRights] = Field(
        default_factory=list, description="Landing rights to include (all when empty)."
    )
    min_runway_length_ft: int | None = Field(default=None, ge=0, le=30000)
    surface: list[Surface] = Field(
        default_factory=list, description="Some runway has one of these surfaces."
    )
    lighted: bool | None = Field(default=None, description="Some runway is lighted.")
    max_elevation_ft: int | None = Field(default=None, ge=-1500, le=30000)
    tags: list[str] = Field(default_factory=list, description="Tag names to look for.")
    tags_match: TagsMatch = Field(default="any", description="Any or all of `tags`.")
    events_within_days: int | None = Field(
        default=None,
        ge=1,
        le=366,
        description="Only airports with an event going on or starting within this many days.",
        examples=[30],
    )
    flight_category: list[FlightCategory] = Field(
        default_factory=list,
        description="Only airports whose latest METAR (of the last two hours) gives one of these "
        "flight categories.",
    )
    include_closed: bool = False
    page: int = Field(default=1, ge=1, le=10000)
    per_page: int = Field(default=20, ge=1, le=100)

    def radii_given(self) -> list[str]:
        """The names of the radius parameters given (one at most is allowed)."""
        # Through __dict__: reading a deprecated field as an attribute warns.
        return [
            name for name in ("within_nm", "within_miles", "within_hours") if self.__dict__[name]
        ]

    @property
    def radius_metres(self) -> float | None:
        """The search radius (hours × knots nautical miles in the hours mode)."""
        within_miles: float | None = self.__dict__["within_miles"]
        if self.within_nm:
            return self.within_nm * METERS_PER_NAUTICAL_MILE
        if within_miles:
            return within_miles * METERS_PER_STATUTE_MILE
        if self.within_hours and self.cruise_knots:
            return self.within_hours * self.cruise_knots * METERS_PER_NAUTICAL_MILE
        return None


class AdvancedSearchResult(BaseModel):
    code: str
    icao_code: str | None
    name: str
    facility_type: FacilityType
    facility_use: FacilityUse | None
    landing_rights: LandingRights
    city: str | None
    state: str | None
    country: str | None
    latitude: float
    longitude: float
    elevation_ft: int | None
    longest_runway_ft: int | None
    importance: int = Field(ge=0, le=5, description="As in the airport detail.")
    distance_nm: float | None = Field(description="From `near`, in nautical miles.")
    distance_miles: float | None = Field(
        description="From `near`, in statute miles: use `distance_nm`.", deprecated=True
    )
    tags: list[str]


class AdvancedSearchPage(BaseModel):
    total: int = Field(description="Number of airports matching, over all pages.")
    page: int
    per_page: int
    centre: str | None = Field(description="The code of the airport distances are from.")
    results: list[AdvancedSearchResult]
