"""Metadata about the data the API serves."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class TagOut(BaseModel):
    name: str
    label: str
    icon: str
    colour: str
    addable: bool = Field(description="Users may add and remove it.")
    searchable: bool = Field(description="Offered as an advanced-search filter.")
    origin: bool = Field(description="Shown in the first-visit quick filters.")
    automatic: bool = Field(description="Set by Pirep itself, never by hand.")
    scroll_target: str | None = Field(description="Section of the airport page it points to.")


class FacilityTypeOut(BaseModel):
    name: str
    label: str
    icon: str | None
    colour: str | None
    default: bool = Field(description="Shown on the map by default.")
    hidden: bool = Field(description="Not offered in the map filters.")


class LandingRightsOut(BaseModel):
    name: str
    label: str
    description: str


class ChartLayer(BaseModel):
    name: str = Field(examples=["sectional"])
    title: str = Field(examples=["Sectional"])
    cycle: date = Field(description="The chart edition the tiles were made from.")
    archive_url: str = Field(
        description="The layer's tiles as one PMTiles archive (https://docs.protomaps.com/"
        "pmtiles/): 256 px WebP tiles of Web Mercator, read by HTTP byte ranges (`Range`, "
        "answered 206) with a PMTiles reader: the pmtiles protocol for MapLibre or Leaflet, "
        "the pmtiles command-line tool and libraries. A place with no tile is not charted. The "
        "URL names its cycle: its bytes never change.",
        examples=["/assets/tiles/2024-12-26/sectional.pmtiles"],
    )
    min_zoom: int
    max_zoom: int
    bounds: list[float] | None = Field(description="West, south, east, north (degrees).")
    attribution: str


class MapView(BaseModel):
    latitude: float
    longitude: float
    zoom: float


class ClientConfig(BaseModel):
    """What the browser app needs that only the server knows."""

    map_style_url: str | None = Field(
        description="MapLibre style URL of the base map; null: the embedded Natural Earth base "
        "map (land, water, coastlines, lakes, borders), which needs no key and no internet."
    )
    initial_view: MapView = Field(description="Where the map opens without a position.")
    captcha_site_key: str | None = Field(
        description="Turnstile site key; null when writers need no CAPTCHA."
    )
    sentry_dsn: str | None = Field(description="Where the browser reports errors; null: off.")
    terrain_elevation: bool = Field(
        description="Whether the server looks up, from terrain data, the elevation of an "
        "airport added without one (false offline: the form asks for it)."
    )


class Limits(BaseModel):
    """Lengths and sizes the API accepts, as it validates them: forms say so before sending."""

    password_min_length: int = Field(examples=[12])
    password_max_length: int = Field(examples=[128])
    display_name_max_length: int = Field(examples=[40])
    token_name_max_length: int = Field(examples=[80])
    comment_max_length: int = Field(examples=[10_000])
    event_name_max_length: int = Field(examples=[200])
    event_location_max_length: int = Field(examples=[200])
    event_host_max_length: int = Field(examples=[200])
    event_description_max_length: int = Field(examples=[10_000])
    airport_name_max_length: int = Field(
        description="The name of an airport a pilot adds.", examples=[200]
    )
    photo_max_bytes: int = Field(examples=[5 * 1024 * 1024])


class Meta(BaseModel):
    cycles: dict[str, date] = Field(
        description="The active data cycle of each product (airports, diagrams, charts)."
    )
    airports_geojson_url: str | None = Field(
        description="Versioned URL of the airports GeoJSON; safe to cache for a year."
    )
    airport_tiles_url: str | None = Field(
        description="Versioned URL template (`{z}/{x}/{y}`) of the airports' vector tiles; "
        "each tile is safe to cache for a year."
    )
    chart_layers: list[ChartLayer]
    tags: list[TagOut]
    facility_types: list[FacilityTypeOut]
    landing_rights: list[LandingRightsOut]
    read_only: bool = Field(description="Whether the site refuses every edit right now.")
    client: ClientConfig
    limits: Limits


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class ContentPack(BaseModel):
    id: str = Field(examples=["restaurants"])
    name: str = Field(examples=["Pirep - Restaurants"])
    airports: int = Field(description="Airports in the pack.")
    size_bytes: int
    version: str = Field(description="When the pack was built (ISO 8601).")
    url: str = Field(description="The zip to import into ForeFlight (Content Packs).")
