"""HTTP routes for an airport's webcams."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from api.airports.schemas import CODE
from api.dependencies import WRITE_LIMIT, RequesterDep, SessionDep
from api.errors import CONTRIBUTION_ERRORS
from api.webcams import service
from api.webcams.schemas import NewWebcam

router = APIRouter(prefix="/api/v1", tags=["airports"])


@router.post(
    "/airports/{code}/webcams",
    name="add_webcam",
    dependencies=[WRITE_LIMIT],
    summary="Add a webcam (an image, an embeddable page, or a link); the same address again "
    "changes nothing",
    status_code=204,
    responses=CONTRIBUTION_ERRORS,
)
async def add_webcam(
    session: SessionDep, requester: RequesterDep, code: CODE, data: NewWebcam
) -> None:
    await service.add_webcam(session, requester, code, str(data.url))


@router.delete(
    "/airports/{code}/webcams/{webcam_id}",
    name="remove_webcam",
    dependencies=[WRITE_LIMIT],
    summary="Remove a webcam",
    status_code=204,
    responses=CONTRIBUTION_ERRORS,
)
async def remove_webcam(
    session: SessionDep, requester: RequesterDep, code: CODE, webcam_id: uuid.UUID
) -> None:
    await service.remove_webcam(session, requester, code, webcam_id)
