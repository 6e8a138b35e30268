"""HTTP routes for comments."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from api.airports.schemas import CODE
from api.comments import service
from api.comments.schemas import CommentIn, CommentOut, CommentPage
from api.dependencies import READ_LIMIT, WRITE_LIMIT, RequesterDep, SessionDep
from api.errors import CONTRIBUTION_ERRORS, ERROR_RESPONSES, NOT_FOUND, ErrorBody

router = APIRouter(prefix="/api/v1", tags=["comments"])

WRITE = CONTRIBUTION_ERRORS


@router.get(
    "/airports/{code}/comments",
    name="list",
    dependencies=[READ_LIMIT],
    summary="Comments on an airport, newest first",
    responses={**ERROR_RESPONSES, **NOT_FOUND},
)
async def list_comments(
    session: SessionDep,
    requester: RequesterDep,
    code: CODE,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> CommentPage:
    return await service.comments(session, requester, code, page, per_page)


@router.post(
    "/airports/{code}/comments",
    name="add",
    dependencies=[WRITE_LIMIT],
    summary="Comment on an airport (Markdown)",
    status_code=201,
    responses=WRITE,
)
async def add_comment(
    session: SessionDep, requester: RequesterDep, code: CODE, data: CommentIn
) -> CommentOut:
    return await service.add(session, requester, code, data)


@router.put(
    "/comments/{comment_id}/helpful",
    name="helpful",
    dependencies=[WRITE_LIMIT],
    summary="Say a comment was helpful (once per pilot)",
    status_code=204,
    responses={**WRITE, 409: {"model": ErrorBody, "description": "Said so already."}},
)
async def helpful(session: SessionDep, requester: RequesterDep, comment_id: uuid.UUID) -> None:
    await service.helpful(session, requester, comment_id)


@router.put(
    "/comments/{comment_id}/outdated",
    name="flag_outdated",
    dependencies=[WRITE_LIMIT],
    summary="Flag a comment as outdated",
    status_code=204,
    responses=WRITE,
)
async def flag_outdated(
    session: SessionDep, requester: RequesterDep, comment_id: uuid.UUID
) -> None:
    await service.flag_outdated(session, requester, comment_id, outdated=True)


@router.delete(
    "/comments/{comment_id}/outdated",
    name="unflag_outdated",
    dependencies=[WRITE_LIMIT],
    summary="Take the outdated flag back",
    status_code=204,
    responses=WRITE,
)
async def unflag_outdated(
    session: SessionDep, requester: RequesterDep, comment_id: uuid.UUID
) -> None:
    await service.flag_outdated(session, requester, comment_id, outdated=False)
