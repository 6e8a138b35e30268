"""What clients need to know about the data and its catalogues."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from api.airports.caches import GeojsonCache
from api.airports.schemas import NewAirport
from api.comments.schemas import CommentIn
from api.core import repositories as core_repositories
from api.core.catalogue import FACILITY_TYPES, TAGS
from api.core.settings import Settings
from api.events.schemas import EventIn
from api.meta import repository
from api.meta.schemas import (
    ChartLayer,
    ClientConfig,
    ContentPack,
    FacilityTypeOut,
    LandingRightsOut,
    Limits,
    MapView,
    Meta,
    TagOut,
)
from api.models.enums import LandingRights
from api.users.schemas import PASSWORD_MAX, PASSWORD_MIN, Registration, TokenRequest

# The geographic centre of the contiguous United States, where the map opens by default.
US_CENTRE = MapView(latitude=39.82834557323, longitude=-98.57944574225633, zoom=4)
VISITOR_ZOOM = 7.5

LANDING_RIGHTS = (
    LandingRightsOut(name=LandingRights.PUBLIC, label="Public", description="Open to the public"),
    LandingRightsOut(
        name=LandingRights.RESTRICTED,
        label="Restricted",
        description="Private, but open to the public with restrictions or permission",
    ),
    LandingRightsOut(
        name=LandingRights.PRIVATE, label="Private", description="Private to everyone"
    ),
)


async def chart_layers(session: AsyncSession, settings: Settings) -> list[ChartLayer]:
    active = await repository.chart_cycle(session)
    if active is None:
        return []
    cycle, details = active
    base = settings.assets_base
    return [
        ChartLayer(
            name=name,
            title=layer.get("title", name.capitalize()),
            cycle=cycle,
            archive_url=f"{base}/{layer['archive']}",
            min_zoom=layer["min_zoom"],
            max_zoom=layer["max_zoom"],
            bounds=layer.get("bounds"),
            attribution=layer.get("attribution", "FAA"),
        )
        for name, layer in details.get("layers", {}).items()
        if "archive" in layer  # a cycle tiled before the archives: imported again to be shown
    ]


def initial_view(settings: Settings, visitor: tuple[float, float] | None) -> MapView:
    """Where the map opens: around the visitor when their address can be placed (as the
    original did), else the configured view, else the middle of the contiguous US."""
    if visitor is not None:
        return MapView(latitude=visitor[0], longitude=visitor[1], zoom=VISITOR_ZOOM)
    if settings.map_initial_view:
        latitude, longitude, zoom = settings.map_initial_view
        return MapView(latitude=latitude, longitude=longitude, zoom=zoom)
    return US_CENTRE


def max_length(model: type[BaseModel], field: str) -> int:
    """The longest text the model accepts in the field, read from its own validation."""
    for constraint in model.model_fields[field].metadata:
        longest = getattr(constraint, "max_length", None)
        if isinstance(longest, int):
            return longest
    raise LookupError(f"{model.__name__}.{field} sets no maximum length")


def limits(settings: Settings) -> Limits:
    """What the forms may take, from the models and the settings that enforce it."""
    return Limits(
        password_min_length=PASSWORD_MIN,
        password_max_length=PASSWORD_MAX,
        display_name_max_length=max_length(Registration, "display_name"),
        token_name_max_length=max_length(TokenRequest, "name"),
        comment_max_length=max_length(CommentIn, "body"),
        event_name_max_length=max_length(EventIn, "name"),
        event_location_max_length=max_length(EventIn, "location"),
        event_host_max_length=max_length(EventIn, "host"),
        event_description_max_length=max_length(EventIn, "description"),
        airport_name_max_length=max_length(NewAirport, "name"),
        photo_max_bytes=settings.max_photo_bytes,
    )


async def meta(
    session: AsyncSession,
    geojson: GeojsonCache,
    settings: Settings,
    visitor: tuple[float, float] | None = None,
) -> Meta:
    if not geojson.is_fresh():
        await geojson.refresh(session)
    version = geojson.etag.strip('"') if geojson.etag else None
    return Meta(
        cycles=await repository.active_cycles(session),
        airports_geojson_url=f"/api/v1/airports.geojson?v={version}" if version else None,
        airport_tiles_url=(
            f"/api/v1/tiles/airports/{{z}}/{{x}}/{{y}}.mvt?v={version}" if version else None
        ),
        chart_layers=await chart_layers(session, settings),
        tags=[TagOut.model_validate(tag, from_attributes=True) for tag in TAGS],
        facility_types=[
            FacilityTypeOut.model_validate(kind, from_attributes=True) for kind in FACILITY_TYPES
        ],
        landing_rights=list(LANDING_RIGHTS),
        read_only=await core_repositories.read_only(session),
        client=ClientConfig(
            map_style_url=settings.map_style_url,
            initial_view=initial_view(settings, visitor),
            captcha_site_key=settings.turnstile_site_key if settings.verification_enabled else None,
            sentry_dsn=settings.frontend_sentry_dsn,
            terrain_elevation=settings.jobs_use_internet,
        ),
        limits=limits(settings),
    )


async def content_packs(session: AsyncSession, settings: Settings) -> list[ContentPack]:
    """The packs last published, each with the address of its zip."""
    base = settings.assets_base
    return [
        ContentPack(
            id=pack["id"],
            name=pack["name"],
            airports=pack["airports"],
            size_bytes=pack["size_bytes"],
            version=pack["version"],
            url=f"{base}/{pack['key']}",
        )
        for pack in await repository.published_content_packs(session)
    ]
