"""HTTP route of the change feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.airports.caches import accepts_gzip
from api.core.changes import CHANGES_KEPT_DAYS
from api.core.documents.geojson import gzip
from api.dependencies import READ_LIMIT, SessionDep, StateDep
from api.errors import ERROR_RESPONSES, ErrorBody
from api.feed import service
from api.feed.schemas import ChangePage

router = APIRouter(prefix="/api/v1", tags=["changes"])


@router.get(
    "/changes",
    name="list",
    dependencies=[READ_LIMIT],
    summary="Every change of airport data since a cursor, oldest first (the change feed)",
    description="A mirror follows Pirep with this feed: ask with the `next` of the last "
    "answer as `after`; each change names the airport and what changed, so read that airport "
    "again (`GET /api/v1/airports/{code}`; a 404 means it was deleted). Pilots' edits, "
    "reverts, activated FAA and OurAirports cycles (a change per airport they changed), "
    "closures, tags, comments, events, webcams, photos and administrators' changes are all "
    "here; weather is not (it changes hourly: read it with the airport). Changes are kept "
    f"{CHANGES_KEPT_DAYS} days: a cursor older than that answers 410, and the mirror starts "
    "again from an export. Start a new mirror from an export and its `cursor`; without "
    "`after` the feed starts at the oldest change kept.",
    response_model=ChangePage,
    responses={
        **ERROR_RESPONSES,
        410: {"model": ErrorBody, "description": "The cursor is older than the changes kept."},
    },
)
async def changes(
    request: Request,
    state: StateDep,
    session: SessionDep,
    after: Annotated[
        int | None, Query(ge=0, description="The `next` of the previous answer.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Changes at most.")] = 100,
) -> Response:
    body = await service.page(session, after, limit, state.feed_pages)
    headers = {"Cache-Control": "no-cache"}
    if accepts_gzip(request.headers.get("accept-encoding")):
        # A page of 1,000 is about 130 kB: compressed here fast, not by the middleware's zlib
        # (which leaves an encoded body alone, and adds its Vary only to the bodies it sees).
        body = gzip(body)
        headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    return Response(body, media_type="application/json", headers=headers)
