"""HTTP routes for an airport's tags."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.airports.schemas import CODE
from api.dependencies import WRITE_LIMIT, RequesterDep, SessionDep
from api.errors import CONTRIBUTION_ERRORS
from api.tags import service

router = APIRouter(prefix="/api/v1", tags=["airports"])

TAG = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[a-z_]+$", examples=["food"])]


@router.put(
    "/airports/{code}/tags/{name}",
    name="add_tag",
    dependencies=[WRITE_LIMIT],
    summary="Add a tag (food, camping, crew_car…); adding it again changes nothing",
    status_code=204,
    responses=CONTRIBUTION_ERRORS,
)
async def add_tag(session: SessionDep, requester: RequesterDep, code: CODE, name: TAG) -> None:
    await service.add_tag(session, requester, code, name)


@router.delete(
    "/airports/{code}/tags/{name}",
    name="remove_tag",
    dependencies=[WRITE_LIMIT],
    summary="Remove a tag users may add",
    status_code=204,
    responses=CONTRIBUTION_ERRORS,
)
async def remove_tag(session: SessionDep, requester: RequesterDep, code: CODE, name: TAG) -> None:
    await service.remove_tag(session, requester, code, name)
