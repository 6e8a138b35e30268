"""HTTP routes for airports (thin: parse, call the service, answer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from api.airports import caches, service
from api.airports.schemas import (
    CODE,
    AirportDetail,
    AirportEdit,
    NewAirport,
)
from api.core.db import transaction
from api.core.documents import tiles
from api.core.errors import NotFound
from api.dependencies import READ_LIMIT, WRITE_LIMIT, RequesterDep, SessionDep, StateDep
from api.errors import CONTRIBUTION_ERRORS, ERROR_RESPONSES, NOT_FOUND, ErrorBody
from api.state import AppState

router = APIRouter(prefix="/api/v1", tags=["airports"])


async def _current_map(request: Request, state: AppState) -> caches.GeojsonCache:
    """The map's document (its version names the tiles too): with the change of a reader who
    changed the map; re-checked against the database every few seconds, so that most requests
    are answered from memory and never open a session."""
    await state.map_rebuilder.settle_for(request.client.host if request.client else None)
    cache: caches.GeojsonCache = state.geojson_cache
    if not cache.is_fresh():
        async with transaction(state.session_factory) as session:
            await cache.refresh(session)
    return cache


@router.get(
    "/airports.geojson",
    name="geojson",
    summary="Every airport as a compact GeoJSON feature",
    description="Served gzip-compressed when the client accepts it, with a strong `ETag`: send "
    "it back in `If-None-Match` to get `304 Not Modified` while the data has not changed.",
    response_class=Response,
    responses={
        200: {
            "content": {"application/geo+json": {}},
            "description": "A FeatureCollection; each feature has `code`, `facility_type` and "
            "`tags` (with the `populated` pseudo-tag for documented airports).",
        },
        304: {"description": "The copy the client has is current."},
        **ERROR_RESPONSES,
    },
)
async def airports_geojson(
    request: Request,
    state: StateDep,
    v: Annotated[
        str | None,
        Query(description="Content version from `/api/v1/meta`; makes the response immutable."),
    ] = None,
) -> Response:
    cache = await _current_map(request, state)
    # Read straight from the request: this route is hit on every map load, mostly for a 304.
    headers = request.headers
    reply = caches.geojson_reply(
        cache, headers.get("if-none-match"), headers.get("accept-encoding"), v
    )
    return Response(
        reply.body, status_code=reply.status, media_type=reply.media_type, headers=reply.headers
    )


@router.get(
    "/tiles/airports/{z}/{x}/{y}.mvt",
    name="tile",
    summary="The map's airports as a Mapbox vector tile",
    description="Layer `airports`, one point per airport with `code`, `name` (as its source "
    f"files it: the FAA's in capitals; from zoom {tiles.NAMES_FROM_ZOOM}), `facility_type`, "
    "`facility_use`, `importance` (0 a private heliport … 5 a large airport) and `tags` (one "
    "string, a comma before and after each tag: `,fuel,populated,`). Zoomed out, tiles keep "
    "the important airports only: importance 4 and more up to zoom 2, 3 and more at zooms 3–4, "
    "and of those the most important in each square of 16 px (as a 512 px tile is drawn), "
    f"where markers would overlap; every airport from zoom 5. Zooms past {tiles.MAX_ZOOM} are "
    "drawn from its tiles. With the `v` of `airport_tiles_url` in `/api/v1/meta` a tile is "
    "immutable; without it, revalidate with its `ETag`.",
    response_class=Response,
    responses={
        200: {
            "content": {tiles.MEDIA_TYPE: {}},
            "description": "A vector tile (empty where there is no airport).",
        },
        304: {"description": "The copy the client has is current."},
        **ERROR_RESPONSES,
        404: {"model": ErrorBody, "description": "No such tile on the map's grid."},
    },
)
async def airport_tile(
    request: Request,
    state: StateDep,
    z: Annotated[int, Path(ge=0, le=tiles.MAX_ZOOM, description="Zoom.")],
    x: Annotated[int, Path(ge=0, description="Column, from the west.")],
    y: Annotated[int, Path(ge=0, description="Row, from the north.")],
    v: Annotated[
        str | None,
        Query(description="The map's version from `/api/v1/meta`; makes the tile immutable."),
    ] = None,
) -> Response:
    if not tiles.exists(z, x, y):
        raise NotFound(f"There is no tile {z}/{x}/{y}: at zoom {z}, x and y are below {2**z}.")
    cache = await _current_map(request, state)
    headers = caches.tile_headers(cache, z, x, y, v)
    if caches.not_modified(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers=headers)
    kept: caches.TileCache = state.tile_cache
    version = cache.etag or ""
    body = kept.get(version, (z, x, y))
    if body is None:
        async with transaction(state.session_factory) as session:
            body = await tiles.tile(session, z, x, y)
        kept.put(version, (z, x, y), body)
    return Response(body, media_type=tiles.MEDIA_TYPE, headers=headers)


@router.get(
    "/airports/{code}",
    name="get",
    dependencies=[READ_LIMIT],
    summary="One airport by FAA code, ICAO code or id",
    description="With an `ETag`: send it back in `If-None-Match` to get `304 Not Modified` "
    "while the airport has not changed.",
    response_model=AirportDetail,
    responses={
        **ERROR_RESPONSES,
        **NOT_FOUND,
        304: {"description": "The copy the client has is current."},
    },
)
async def airport_detail(
    request: Request,
    state: StateDep,
    session: SessionDep,
    code: CODE,
) -> Response:
    body = await service.airport_detail(
        session, code, state.detail_cache, state.settings.assets_base
    )
    status, body, headers = caches.document_reply(body, request.headers.get("if-none-match"))
    return Response(body, status_code=status, media_type="application/json", headers=headers)


@router.patch(
    "/airports/{code}",
    name="edit",
    dependencies=[WRITE_LIMIT],
    summary="Edit what pilots know: the wiki fields, landing rights, annotations, cover",
    description="Send only the fields you change, each with the `version` you started from. "
    "If someone changed one of them since, nothing is saved and the answer is 409 with the "
    "current values, their versions and who changed them. Writers without an account must "
    "pass the one-time check first (`POST /users/verification`).",
    response_model=AirportDetail,
    responses={
        **CONTRIBUTION_ERRORS,
        409: {"model": ErrorBody, "description": "Someone changed a field since (see conflicts)."},
    },
)
async def edit_airport(
    state: StateDep,
    session: SessionDep,
    requester: RequesterDep,
    code: CODE,
    edit: AirportEdit,
) -> Response:
    body = await service.edit_airport(
        session, requester, code, edit, state.settings.assets_base, state.detail_cache
    )
    return Response(body, media_type="application/json")


@router.post(
    "/airports",
    name="create",
    dependencies=[WRITE_LIMIT],
    summary="Add an airport missing from the official data (it gets the next UNMnn code)",
    description="Writers without an account who have not passed the one-time check send the "
    "CAPTCHA answer as `captcha_token`. The new airport is private unless said otherwise, "
    "tagged `unmapped`, and waits for an administrator's review.",
    status_code=201,
    response_model=AirportDetail,
    responses={
        **ERROR_RESPONSES,
        401: {"model": ErrorBody, "description": "A bad token."},
        403: {"model": ErrorBody, "description": "Not verified (or a wrong CAPTCHA), disabled."},
    },
)
async def create_airport(
    state: StateDep,
    session: SessionDep,
    requester: RequesterDep,
    data: NewAirport,
) -> Response:
    code = await service.create_airport(session, requester, state.captcha, data)
    body = await service.airport_detail(session, code, None, state.settings.assets_base)
    return Response(body, status_code=201, media_type="application/json")


@router.post(
    "/airports/{code}/views",
    name="record_view",
    summary="Count a visit of the airport's page (the SPA sends one per page shown)",
    description="Visits of crawlers, and the same visitor's again within 30 minutes, are not "
    "counted. Not limited like changes, and accepted in read-only mode. When the server has a "
    "Google key, a counted visit of an airport without photos has the worker look for photos "
    "of it on Google Places; they appear in the detail a minute or two later.",
    status_code=204,
    responses={**NOT_FOUND, **ERROR_RESPONSES},
)
async def record_view(
    request: Request, state: StateDep, session: SessionDep, requester: RequesterDep, code: CODE
) -> None:
    await service.record_view(
        session,
        requester,
        state.geoip,
        code,
        request.headers.get("user-agent"),
        external_photos=state.settings.google_api_key is not None,
    )
