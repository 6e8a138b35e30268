"""HTTP routes for search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.airports.schemas import PRINTABLE
from api.dependencies import READ_LIMIT, SessionDep, StateDep
from api.errors import ERROR_RESPONSES
from api.search import service
from api.search.schemas import AdvancedSearchPage, AdvancedSearchParams, SearchResponse

router = APIRouter(prefix="/api/v1", tags=["search"])


@router.get(
    "/airports/search",
    name="airports",
    dependencies=[READ_LIMIT],
    summary="The ten best airports for a search box query",
    description="Typo tolerant. An exact code or ICAO code comes first; then open airports "
    "before closed ones, the more important first (a towered airport with scheduled service "
    "before a private heliport of a similar name: see `importance`), then the better match, "
    "then the ones nearest to `lat`, `lon`. A query like `47.9, -122.28` is read as "
    "coordinates and answered with the airports nearest to that point.",
    response_model=SearchResponse,
    responses=ERROR_RESPONSES,
)
async def search_airports(
    state: StateDep,
    session: SessionDep,
    q: Annotated[
        str,
        Query(min_length=1, max_length=100, pattern=PRINTABLE, description="What the user typed."),
    ],
    lat: Annotated[float | None, Query(ge=-90, le=90, description="Latitude to rank by.")] = None,
    lon: Annotated[
        float | None, Query(ge=-180, le=180, description="Longitude to rank by.")
    ] = None,
) -> Response:
    body = await service.search_json(session, q, lat, lon, state.search_cache)
    return Response(body, media_type="application/json")


@router.get(
    "/airports",
    name="advanced",
    summary="Advanced search on official data, paginated",
    description="Every filter is optional. With `near` (and a radius in nautical miles, or in "
    "hours at a cruise speed: hours × knots nautical miles) results are sorted by distance; "
    "with `bbox` alone, the most important airports in the box come first; otherwise by name.",
    responses=ERROR_RESPONSES,
)
async def advanced_search(
    session: SessionDep, params: Annotated[AdvancedSearchParams, Query()]
) -> AdvancedSearchPage:
    return await service.advanced_search(session, params)
