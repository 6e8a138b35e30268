"""HTTP routes of the admin API (administrators only; they work in read-only mode too)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query
from sqlalchemy.ext.asyncio import AsyncSession

from api.admin import airports as airports_service
from api.admin import importer, moderation, service
from api.admin import users as users_service
from api.admin.schemas import (
    ActionPage,
    Activity,
    AdminAirportChanges,
    AdminAirportOut,
    AdminCommentChanges,
    AdminCommentOut,
    AdminTokenChanges,
    AdminUserChanges,
    AdminUserOut,
    AirportPage,
    AirportQueueParams,
    CommentPage,
    Dashboard,
    ImporterRunOut,
    ImporterRunPage,
    ImportRequest,
    PageParams,
    PageviewPage,
    QueueParams,
    ReadOnlySwitch,
    Review,
    UserPage,
    UserQueueParams,
    VersionOut,
    VersionPage,
)
from api.core.errors import PirepError
from api.core.policy import Requester
from api.core.storage import sink_from_settings
from api.core.task_runner import TaskRunner
from api.dependencies import RequesterDep, SessionDep, StateDep
from api.errors import ERROR_RESPONSES, ErrorBody
from api.photos.service import delete_file
from api.users.schemas import TokenOut

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


# Routes without parameters cannot answer 422.
PLAIN: dict[int | str, dict[str, Any]] = {
    401: _error("Not signed in, or a bad token."),
    403: _error("Not an administrator."),
    503: ERROR_RESPONSES[503],
}
ADMIN: dict[int | str, dict[str, Any]] = {**ERROR_RESPONSES, **PLAIN}
MISSING: dict[int | str, dict[str, Any]] = {**ADMIN, 404: _error("No such item.")}
CHANGE: dict[int | str, dict[str, Any]] = {**MISSING, 409: _error("The change is not possible.")}


@router.get("/dashboard", name="dashboard", summary="Meters and review queues", responses=PLAIN)
async def dashboard(state: StateDep, session: SessionDep, requester: RequesterDep) -> Dashboard:
    return await service.dashboard(session, requester, state.task_runner)


@router.put(
    "/read-only",
    name="set_read_only",
    summary="Turn read-only mode on or off (every write but admin work is refused while on)",
    responses=ADMIN,
)
async def set_read_only(
    state: StateDep,
    session: SessionDep,
    requester: RequesterDep,
    data: ReadOnlySwitch,
) -> ReadOnlySwitch:
    read_only = await service.set_read_only(session, requester, data.read_only)
    state.read_only.forget()
    return ReadOnlySwitch(read_only=read_only)


@router.get(
    "/activity", name="activity", summary="Most read, most edited, most active", responses=PLAIN
)
async def activity(session: SessionDep, requester: RequesterDep) -> Activity:
    return await service.activity(session, requester)


@router.get(
    "/versions",
    name="versions",
    summary="Changes of airports, tags, events and webcams (review queue)",
    responses=ADMIN,
)
async def versions(
    session: SessionDep, requester: RequesterDep, params: Annotated[QueueParams, Query()]
) -> VersionPage:
    return await moderation.versions(session, requester, params)


@router.patch(
    "/versions/{version_id}", name="review_version", summary="Approve a change", responses=MISSING
)
async def review_version(
    session: SessionDep, requester: RequesterDep, version_id: uuid.UUID, data: Review
) -> VersionOut:
    return await moderation.review_version(session, requester, version_id, data.reviewed)


@router.post(
    "/versions/{version_id}/revert",
    name="revert_version",
    summary="Undo a change (the undoing is recorded as a new version)",
    status_code=201,
    responses=CHANGE,
)
async def revert_version(
    session: SessionDep, requester: RequesterDep, version_id: uuid.UUID
) -> VersionOut:
    return await moderation.revert_version(session, requester, version_id)


@router.get("/users", name="users", summary="Users, newest change first", responses=ADMIN)
async def users(
    session: SessionDep, requester: RequesterDep, params: Annotated[UserQueueParams, Query()]
) -> UserPage:
    return await users_service.users(session, requester, params)


@router.get("/users/{user_id}", name="user", summary="One user", responses=MISSING)
async def user(session: SessionDep, requester: RequesterDep, user_id: uuid.UUID) -> AdminUserOut:
    return await users_service.user(session, requester, user_id)


@router.patch(
    "/users/{user_id}",
    name="change_user",
    summary="Change a user: role, name, email, disabled, locked, confirmed, reviewed",
    responses=CHANGE,
)
async def change_user(
    session: SessionDep, requester: RequesterDep, user_id: uuid.UUID, data: AdminUserChanges
) -> AdminUserOut:
    return await users_service.change_user(session, requester, user_id, data)


@router.delete(
    "/users/{user_id}",
    name="delete_user",
    summary="Delete a user and what only they own",
    status_code=204,
    responses=CHANGE,
)
async def delete_user(session: SessionDep, requester: RequesterDep, user_id: uuid.UUID) -> None:
    await users_service.delete_user(session, requester, user_id)


@router.get(
    "/users/{user_id}/activity",
    name="user_activity",
    summary="What a user did",
    responses=MISSING,
)
async def user_activity(
    session: SessionDep,
    requester: RequesterDep,
    user_id: uuid.UUID,
    params: Annotated[PageParams, Query()],
) -> ActionPage:
    return await users_service.user_activity(session, requester, user_id, params)


@router.get(
    "/users/{user_id}/analytics",
    name="user_analytics",
    summary="Airport pages a user viewed",
    responses=MISSING,
)
async def user_analytics(
    session: SessionDep,
    requester: RequesterDep,
    user_id: uuid.UUID,
    params: Annotated[PageParams, Query()],
) -> PageviewPage:
    return await users_service.user_analytics(session, requester, user_id, params)


@router.get(
    "/users/{user_id}/tokens",
    name="user_tokens",
    summary="A user's API tokens, revoked ones included",
    responses=MISSING,
)
async def user_tokens(
    session: SessionDep, requester: RequesterDep, user_id: uuid.UUID
) -> list[TokenOut]:
    return await users_service.user_tokens(session, requester, user_id)


@router.patch(
    "/tokens/{token_id}",
    name="change_token",
    summary="Give an API token a read quota of its own (a heavy consumer), or take it back",
    responses=CHANGE,
)
async def change_token(
    state: StateDep,
    session: SessionDep,
    requester: RequesterDep,
    token_id: uuid.UUID,
    data: AdminTokenChanges,
) -> TokenOut:
    changed = await users_service.change_token(session, requester, token_id, data)
    state.token_quotas.forget(token_id)
    return changed


@router.get("/airports", name="airports", summary="Airports by code", responses=ADMIN)
async def airports(
    session: SessionDep, requester: RequesterDep, params: Annotated[AirportQueueParams, Query()]
) -> AirportPage:
    return await airports_service.airports(session, requester, params)


@router.get("/airports/{airport_id}", name="airport", summary="One airport", responses=MISSING)
async def airport(
    session: SessionDep, requester: RequesterDep, airport_id: uuid.UUID
) -> AdminAirportOut:
    return await airports_service.airport(session, requester, airport_id)


@router.patch(
    "/airports/{airport_id}",
    name="change_airport",
    summary="Change official fields, lock or review an airport",
    responses=CHANGE,
)
async def change_airport(
    session: SessionDep,
    requester: RequesterDep,
    airport_id: uuid.UUID,
    data: AdminAirportChanges,
) -> AdminAirportOut:
    return await airports_service.change_airport(session, requester, airport_id, data)


@router.delete(
    "/airports/{airport_id}",
    name="delete_airport",
    summary="Delete an airport added by a user",
    status_code=204,
    responses=CHANGE,
)
async def delete_airport(
    session: SessionDep, requester: RequesterDep, airport_id: uuid.UUID
) -> None:
    await airports_service.delete_airport(session, requester, airport_id)


@router.get(
    "/airports/{airport_id}/analytics",
    name="airport_analytics",
    summary="Views of an airport's page",
    responses=MISSING,
)
async def airport_analytics(
    session: SessionDep,
    requester: RequesterDep,
    airport_id: uuid.UUID,
    params: Annotated[PageParams, Query()],
) -> PageviewPage:
    return await airports_service.airport_analytics(session, requester, airport_id, params)


@router.get("/comments", name="comments", summary="Comments, newest first", responses=ADMIN)
async def comments(
    session: SessionDep, requester: RequesterDep, params: Annotated[QueueParams, Query()]
) -> CommentPage:
    return await moderation.comments(session, requester, params)


@router.patch(
    "/comments/{comment_id}",
    name="change_comment",
    summary="Edit or approve a comment",
    responses=MISSING,
)
async def change_comment(
    session: SessionDep,
    requester: RequesterDep,
    comment_id: uuid.UUID,
    data: AdminCommentChanges,
) -> AdminCommentOut:
    return await moderation.change_comment(session, requester, comment_id, data)


@router.delete(
    "/comments/{comment_id}",
    name="delete_comment",
    summary="Delete a comment",
    status_code=204,
    responses=MISSING,
)
async def delete_comment(
    session: SessionDep, requester: RequesterDep, comment_id: uuid.UUID
) -> None:
    await moderation.delete_comment(session, requester, comment_id)


@router.delete(
    "/photos/{photo_id}",
    name="delete_photo",
    summary="Delete a photo (a pilot's or one from Google; Google's are not fetched again)",
    status_code=204,
    responses=MISSING,
)
async def delete_photo(
    state: StateDep,
    session: SessionDep,
    requester: RequesterDep,
    photo_id: uuid.UUID,
    background: BackgroundTasks,
) -> None:
    key = await moderation.delete_photo(session, requester, photo_id)
    # After the answer, so after the commit: the file goes only with its row.
    background.add_task(delete_file, sink_from_settings(state.settings), key)


@router.delete(
    "/webcams/{webcam_id}",
    name="delete_webcam",
    summary="Delete a webcam",
    status_code=204,
    responses=MISSING,
)
async def delete_webcam(session: SessionDep, requester: RequesterDep, webcam_id: uuid.UUID) -> None:
    await moderation.delete_webcam(session, requester, webcam_id)


@router.post(
    "/importer/runs",
    name="start_import",
    summary="Start the importer (an ECS task in production, a local process otherwise)",
    status_code=202,
    responses={
        **ADMIN,
        409: _error("Another import is active."),
        502: _error("AWS refused to start the task."),
        503: _error("The task cannot be started: something it needs is missing."),
    },
)
async def start_import(
    state: StateDep, session: SessionDep, requester: RequesterDep, data: ImportRequest
) -> ImporterRunOut:
    return await launch_import(session, requester, state.task_runner, data)


async def launch_import(
    session: AsyncSession, requester: Requester, runner: TaskRunner, request: ImportRequest
) -> ImporterRunOut:
    """Record a run and start the importer for it, in two transactions: the run is committed
    first, because the importer process looks it up by its id; a run whose task could not be
    started is committed as failed, with the reason. Refused while another run is active."""
    row = await importer.record_run(session, requester, request)
    await session.commit()
    try:
        await importer.start_run(session, runner, row.run)
    except PirepError:
        await session.commit()
        raise
    return await importer.run_out(session, runner, *row)


@router.get(
    "/importer/runs", name="importer_runs", summary="Importer runs, newest first", responses=ADMIN
)
async def importer_runs(
    state: StateDep,
    session: SessionDep,
    requester: RequesterDep,
    params: Annotated[PageParams, Query()],
) -> ImporterRunPage:
    return await importer.importer_runs(session, requester, state.task_runner, params)


@router.get(
    "/importer/runs/{run_id}",
    name="importer_run",
    summary="One importer run with its live progress",
    responses=MISSING,
)
async def importer_run(
    state: StateDep, session: SessionDep, requester: RequesterDep, run_id: uuid.UUID
) -> ImporterRunOut:
    return await importer.importer_run(session, requester, state.task_runner, run_id)
