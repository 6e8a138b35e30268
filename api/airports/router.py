"""HTTP routes for airports (thin: parse, call the service, answer)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Request, Response, UploadFile

from api.airports import service
from api.airports.schemas import (
    PRINTABLE,
    AirportDetail,
    AirportEdit,
    HistoryPage,
    NewAirport,
    NewWebcam,
    VersionPreview,
)
from api.core.db import transaction
from api.core.storage import sink_from_settings
from api.dependencies import RequesterDep, SessionDep
from api.errors import CONTRIBUTION_ERRORS, ERROR_RESPONSES, NOT_FOUND, ErrorBody

router = APIRouter(prefix="/api/v1", tags=["airports"])


def _data_changed(request: Request) -> None:
    """This process changed airport data: its caches look at the database on next use."""
    request.app.state.detail_cache.expire()
    request.app.state.search_cache.expire()
    request.app.state.geojson_cache.expire()


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
    v: Annotated[
        str | None,
        Query(description="Content version from `/api/v1/meta`; makes the response immutable."),
    ] = None,
) -> Response:
    cache: service.GeojsonCache = request.app.state.geojson_cache
    # A reader who changed the map gets the document with the change.
    rebuilder: service.MapRebuilder = request.app.state.map_rebuilder
    await rebuilder.settle_for(request.client.host if request.client else None)
    if not cache.is_fresh():
        # Most requests are answered from memory and never open a session.
        async with transaction(request.app.state.session_factory) as session:
            await cache.refresh(session)
    # Read straight from the request: this route is hit on every map load, mostly for a 304.
    headers = request.headers
    reply = service.geojson_reply(
        cache, headers.get("if-none-match"), headers.get("accept-encoding"), v
    )
    return Response(
        reply.body, status_code=reply.status, media_type=reply.media_type, headers=reply.headers
    )


@router.get(
    "/airports/{code}",
    name="get",
    summary="One airport by FAA code, ICAO code or id",
    response_model=AirportDetail,
    responses={**ERROR_RESPONSES, **NOT_FOUND},
)
async def airport_detail(
    request: Request,
    session: SessionDep,
    code: Annotated[
        str,
        Path(
            min_length=1,
            max_length=64,
            pattern=PRINTABLE,
            description="FAA identifier (PAE), ICAO code (KPAE) or id; case-insensitive.",
        ),
    ],
) -> Response:
    state = request.app.state
    body = await service.airport_detail(
        session, code, state.detail_cache, state.settings.assets_base
    )
    return Response(body, media_type="application/json")


CODE = Annotated[
    str,
    Path(
        min_length=1,
        max_length=16,
        pattern=PRINTABLE,
        description="FAA identifier of the airport (PAE), or a user-added airport's code.",
    ),
]


@router.patch(
    "/airports/{code}",
    name="edit",
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
    request: Request,
    session: SessionDep,
    requester: RequesterDep,
    code: CODE,
    edit: AirportEdit,
) -> Response:
    state = request.app.state
    await service.edit_airport(session, requester, code, edit)
    _data_changed(request)
    body = await service.airport_detail(session, code, None, state.settings.assets_base)
    return Response(body, media_type="application/json")


@router.get(
    "/airports/{code}/history",
    name="history",
    summary="Every change of the airport, its tags, events and webcams, newest first",
    response_model=HistoryPage,
    responses={**ERROR_RESPONSES, **NOT_FOUND},
)
async def airport_history(
    session: SessionDep,
    requester: RequesterDep,
    code: CODE,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    body = await service.history(session, requester, code, page, per_page)
    return Response(body, media_type="application/json")


TAG = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[a-z_]+$", examples=["food"])]
WRITE_ERRORS = CONTRIBUTION_ERRORS


@router.put(
    "/airports/{code}/tags/{name}",
    name="add_tag",
    summary="Add a tag (food, camping, crew_car…); adding it again changes nothing",
    status_code=204,
    responses=WRITE_ERRORS,
)
async def add_tag(
    request: Request, session: SessionDep, requester: RequesterDep, code: CODE, name: TAG
) -> None:
    if await service.add_tag(session, requester, code, name):
        _data_changed(request)


@router.delete(
    "/airports/{code}/tags/{name}",
    name="remove_tag",
    summary="Remove a tag users may add",
    status_code=204,
    responses=WRITE_ERRORS,
)
async def remove_tag(
    request: Request, session: SessionDep, requester: RequesterDep, code: CODE, name: TAG
) -> None:
    await service.remove_tag(session, requester, code, name)
    _data_changed(request)


@router.get(
    "/airports/{code}/versions/{version_id}",
    name="preview",
    summary="The airport's editable fields as they were just after a version",
    responses={**ERROR_RESPONSES, **NOT_FOUND},
)
async def preview_version(
    session: SessionDep, requester: RequesterDep, code: CODE, version_id: uuid.UUID
) -> VersionPreview:
    return await service.preview(session, requester, code, version_id)


@router.post(
    "/airports",
    name="create",
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
    request: Request, session: SessionDep, requester: RequesterDep, data: NewAirport
) -> Response:
    state = request.app.state
    code = await service.create_airport(session, requester, state.captcha, data)
    _data_changed(request)
    body = await service.airport_detail(session, code, None, state.settings.assets_base)
    return Response(body, status_code=201, media_type="application/json")


@router.post(
    "/airports/{code}/views",
    name="record_view",
    summary="Count a visit of the airport's page (the SPA sends one per page shown)",
    description="Visits of crawlers, and the same visitor's again within 30 minutes, are not "
    "counted. Not limited like changes, and accepted in read-only mode.",
    status_code=204,
    responses={**NOT_FOUND, 422: ERROR_RESPONSES[422]},
)
async def record_view(
    request: Request, session: SessionDep, requester: RequesterDep, code: CODE
) -> None:
    await service.record_view(
        session, requester, request.app.state.geoip, code, request.headers.get("user-agent")
    )


@router.post(
    "/airports/{code}/webcams",
    name="add_webcam",
    summary="Add a webcam (an image, an embeddable page, or a link); the same address again "
    "changes nothing",
    status_code=204,
    responses=WRITE_ERRORS,
)
async def add_webcam(
    request: Request, session: SessionDep, requester: RequesterDep, code: CODE, data: NewWebcam
) -> None:
    if await service.add_webcam(session, requester, code, str(data.url)):
        _data_changed(request)


@router.delete(
    "/airports/{code}/webcams/{webcam_id}",
    name="remove_webcam",
    summary="Remove a webcam",
    status_code=204,
    responses=WRITE_ERRORS,
)
async def remove_webcam(
    request: Request,
    session: SessionDep,
    requester: RequesterDep,
    code: CODE,
    webcam_id: uuid.UUID,
) -> None:
    await service.remove_webcam(session, requester, code, webcam_id)
    _data_changed(request)


@router.post(
    "/airports/{code}/photos",
    name="add_photo",
    summary="Upload a photo of the airport (JPEG or PNG, at most 5 MB)",
    description="Sent as multipart form data, field `file`. The photo is turned upright, made "
    "to fit 1500 px and encoded again; its metadata (EXIF, GPS position) is not kept.",
    status_code=201,
    responses={**WRITE_ERRORS, 413: {"model": ErrorBody, "description": "Larger than 5 MB."}},
)
async def add_photo(
    request: Request,
    session: SessionDep,
    requester: RequesterDep,
    code: CODE,
    file: Annotated[UploadFile, File(description="A JPEG or PNG photo.")],
) -> dict[str, uuid.UUID]:
    state = request.app.state
    settings = state.settings
    data = await file.read(settings.max_photo_bytes + 1)
    photo_id = await service.add_photo(
        session,
        requester,
        sink_from_settings(settings),
        settings.max_photo_bytes,
        code,
        (data, file.filename or ""),
    )
    _data_changed(request)
    return {"id": photo_id}
