"""Rules of the map search box and the advanced search."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from api.airports.caches import DetailCache
from api.airports.schemas import BoundingBox
from api.core.catalogue import TAGS_BY_NAME
from api.core.errors import ValidationFailed
from api.core.geo import parse_coordinates
from api.core.names import display_name, display_optional, normalise_code
from api.events import service as events_service
from api.search import repository
from api.search.schemas import (
    AdvancedSearchPage,
    AdvancedSearchParams,
    AdvancedSearchResult,
    Coordinates,
    SearchResponse,
    SearchResult,
)

RESULT_LIMIT = 10
_WORD = re.compile(r"[0-9a-zà-ÿ]+", re.IGNORECASE)


def to_tsquery(text: str) -> str:
    """Words of ``text`` as a prefix-matching tsquery: ``paine fi`` → ``paine:* & fi:*``."""
    words = _WORD.findall(text.lower())[:8]
    return " & ".join(f"{word}:*" for word in words)


def _result(hit: repository.SearchHit) -> SearchResult:
    box = (
        BoundingBox(
            ne_latitude=hit.bbox_ne_latitude,
            ne_longitude=hit.bbox_ne_longitude,
            sw_latitude=hit.bbox_sw_latitude,
            sw_longitude=hit.bbox_sw_longitude,
        )
        if hit.bbox_ne_latitude is not None
        else None
    )
    name = display_name(hit.name)
    return SearchResult(
        code=hit.code,
        icao_code=hit.icao_code,
        name=name,
        official_name=hit.name,
        label=f"{hit.code} - {name}",
        facility_type=hit.facility_type,
        facility_use=hit.facility_use,
        importance=hit.importance,
        city=display_optional(hit.city),
        state=hit.state,
        country=hit.country,
        latitude=hit.latitude,
        longitude=hit.longitude,
        closed=hit.closed,
        distance_nm=hit.distance_nm,
        zoom_level=hit.zoom_level,
        bounding_box=box,
    )


def _point(latitude: float | None, longitude: float | None) -> tuple[float, float] | None:
    if (latitude is None) != (longitude is None):
        missing = "lon" if longitude is None else "lat"
        raise ValidationFailed(
            f"{missing}: give both lat and lon, or neither.",
            fields=[{"field": missing, "message": "give both lat and lon, or neither"}],
        )
    if latitude is None or longitude is None:
        return None
    return latitude, longitude


async def search(
    session: AsyncSession, query: str, latitude: float | None, longitude: float | None
) -> SearchResponse:
    """The ten best airports for what a pilot typed in the search box."""
    text = query.strip()
    point = _point(latitude, longitude)
    coordinates = parse_coordinates(text)
    if coordinates is not None:
        hits = await repository.nearest(session, *coordinates, RESULT_LIMIT)
        return SearchResponse(
            query=text,
            coordinates=Coordinates(latitude=coordinates[0], longitude=coordinates[1]),
            results=[_result(hit) for hit in hits],
        )
    tsquery = to_tsquery(text)
    if not tsquery:
        return SearchResponse(query=text, coordinates=None, results=[])
    code, _, k_code = normalise_code(text)
    hits = await repository.search_text(
        session,
        text=text,
        tsquery=tsquery,
        code=code,
        k_code=k_code,
        point=point,
        limit=RESULT_LIMIT,
    )
    return SearchResponse(query=text, coordinates=None, results=[_result(hit) for hit in hits])


# The fields by which an airport is found or ranked: a change of one of these may bring any
# airport into any answer (other changes drop only the answers listing the changed airports).
SEARCH_DROPS_ALL = frozenset(
    {
        "airport", "code", "icao_code", "name", "city", "state", "country", "importance",
        "facility_type", "facility_use", "latitude", "longitude",
    }
)  # fmt: skip


async def search_json(
    session: AsyncSession,
    query: str,
    latitude: float | None,
    longitude: float | None,
    cache: DetailCache | None = None,
) -> bytes:
    """``search`` as JSON, from ``cache`` when the same words were asked from the same point
    since airport data last changed (pilots look for the same airports, a letter at a time)."""
    key = f"{query.strip()}\x00{latitude}\x00{longitude}"
    seen = None
    if cache is not None:
        await cache.revalidate(session)
        seen = cache.seen
        cached = cache.get(key)
        if cached is not None:
            return cached
    found = await search(session, query, latitude, longitude)
    body = found.model_dump_json().encode()
    if cache is not None:
        cache.put(key, body, [result.code for result in found.results], seen=seen)
    return body


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", fields=[{"field": field, "message": message}])


async def advanced_search(
    session: AsyncSession, params: AdvancedSearchParams
) -> AdvancedSearchPage:
    """Airports matching every filter, nearest first when a centre is given."""
    radii = params.radii_given()
    if len(radii) > 1:
        raise _invalid(radii[-1], f"give one of {', '.join(radii)}, not several")
    if params.within_hours and not params.cruise_knots:
        raise _invalid("cruise_knots", "cruise_knots is required with within_hours")
    if radii and not params.near:
        raise _invalid("near", f"an airport is required with {radii[0]}")
    bbox = _bbox(params.bbox) if params.bbox else None
    unknown_tags = [tag for tag in params.tags if tag not in TAGS_BY_NAME]
    if unknown_tags:
        raise _invalid("tags", f"unknown tag {', '.join(unknown_tags)}")
    centre: tuple[float, float] | None = None
    centre_code: str | None = None
    if params.near:
        code, _, k_code = normalise_code(params.near)
        found = await repository.airport_position(session, code, k_code)
        if found is None:
            raise _invalid("near", f"no airport has the code {params.near!r}")
        centre_code, centre = found.code, (found.latitude, found.longitude)
    total, hits = await repository.advanced_search(
        session,
        repository.AdvancedFilters(
            centre=centre,
            radius_metres=params.radius_metres,
            bbox=bbox,
            facility_types=[value.value for value in params.facility_type],
            access=[value.value for value in params.access],
            min_runway_length_ft=params.min_runway_length_ft,
            surfaces=params.surface,
            lighted=params.lighted,
            max_elevation_ft=params.max_elevation_ft,
            tags=params.tags,
            all_tags=params.tags_match == "all",
            include_closed=params.include_closed,
            limit=params.per_page,
            offset=(params.page - 1) * params.per_page,
            airport_ids=(
                await events_service.airports_with_events(session, params.events_within_days)
                if params.events_within_days
                else None
            ),
            flight_categories=[value.value for value in params.flight_category],
        ),
    )
    return AdvancedSearchPage(
        total=total,
        page=params.page,
        per_page=params.per_page,
        centre=centre_code,
        results=[
            AdvancedSearchResult(
                **hit._asdict()
                | {"name": display_name(hit.name), "city": display_optional(hit.city)}
            )
            for hit in hits
        ],
    )


def _bbox(text: str) -> tuple[float, float, float, float]:
    west, south, east, north = (float(part) for part in text.split(","))
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise _invalid("bbox", "west and east are longitudes, from -180 to 180")
    if not (-90 <= south <= north <= 90):
        raise _invalid("bbox", "south and north are latitudes from -90 to 90, south first")
    return west, south, east, north
