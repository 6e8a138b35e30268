"""Search requests and results."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.airports.schemas import PRINTABLE, BoundingBox
from api.models.enums import FacilityType, FacilityUse, LandingRights


class Coordinates(BaseModel):
    latitude: float
    longitude: float


class SearchResult(BaseModel):
    code: str = Field(examples=["PAE"])
    icao_code: str | None
    name: str
    label: str = Field(description="What a search box shows, e.g. `PAE - PAINE FIELD`.")
    facility_type: FacilityType
    facility_use: FacilityUse | None
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
    within_miles: float | None = Field(
        default=None, gt=0, le=5000, description="Statute miles from `near`."
    )
    within_hours: float | None = Field(
        default=None, gt=0, le=24, description="Flying hours from `near` at `cruise_knots`."
    )
    cruise_knots: float | None = Field(default=None, gt=0, le=1000)
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
    include_closed: bool = False
    page: int = Field(default=1, ge=1, le=10000)
    per_page: int = Field(default=20, ge=1, le=100)

    @property
    def radius_miles(self) -> float | None:
        """The search radius in statute miles (hours × knots × 1.15 in the hours mode)."""
        if self.within_miles:
            return self.within_miles
        if self.within_hours and self.cruise_knots:
            return self.within_hours * self.cruise_knots * 1.15
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
    distance_miles: float | None
    tags: list[str]


class AdvancedSearchPage(BaseModel):
    total: int = Field(description="Number of airports matching, over all pages.")
    page: int
    per_page: int
    centre: str | None = Field(description="The code of the airport distances are from.")
    results: list[AdvancedSearchResult]
