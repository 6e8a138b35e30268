"""HTTP routes for an airport's photos."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, UploadFile

from api.airports.schemas import CODE
from api.core.storage import sink_from_settings
from api.dependencies import WRITE_LIMIT, RequesterDep, SessionDep, StateDep
from api.errors import CONTRIBUTION_ERRORS, ErrorBody
from api.photos import service

router = APIRouter(prefix="/api/v1", tags=["airports"])


@router.post(
    "/airports/{code}/photos",
    name="add_photo",
    dependencies=[WRITE_LIMIT],
    summary="Upload a photo of the airport (JPEG or PNG, at most 5 MB)",
    description="Sent as multipart form data, field `file`. The photo is turned upright, made "
    "to fit 1500 px and encoded again; its metadata (EXIF, GPS position) is not kept.",
    status_code=201,
    responses={
        **CONTRIBUTION_ERRORS,
        413: {"model": ErrorBody, "description": "Larger than 5 MB."},
    },
)
async def add_photo(
    state: StateDep,
    session: SessionDep,
    requester: RequesterDep,
    code: CODE,
    file: Annotated[UploadFile, File(description="A JPEG or PNG photo.")],
) -> dict[str, uuid.UUID]:
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
    return {"id": photo_id}
