"""HTTP routes for the history of an airport."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.airports.schemas import CODE
from api.dependencies import READ_LIMIT, RequesterDep, SessionDep
from api.errors import ERROR_RESPONSES, NOT_FOUND
from api.versions import service
from api.versions.schemas import HistoryPage, VersionPreview

router = APIRouter(prefix="/api/v1", tags=["airports"])


@router.get(
    "/airports/{code}/history",
    name="history",
    dependencies=[READ_LIMIT],
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


@router.get(
    "/airports/{code}/versions/{version_id}",
    name="preview",
    dependencies=[READ_LIMIT],
    summary="The airport's editable fields as they were just after a version",
    responses={**ERROR_RESPONSES, **NOT_FOUND},
)
async def preview_version(
    session: SessionDep, requester: RequesterDep, code: CODE, version_id: uuid.UUID
) -> VersionPreview:
    return await service.preview(session, requester, code, version_id)
