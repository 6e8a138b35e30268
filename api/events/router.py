"""HTTP routes for events."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.airports.schemas import CODE
from api.core.errors import ValidationFailed
from api.core.geo import METERS_PER_NAUTICAL_MILE, METERS_PER_STATUTE_MILE
from api.dependencies import READ_LIMIT, WRITE_LIMIT, RequesterDep, SessionDep
from api.errors import CONTRIBUTION_ERRORS, ERROR_RESPONSES, NOT_FOUND
from api.events import service
from api.events.schemas import EventIn, EventOut

router = APIRouter(prefix="/api/v1", tags=["events"])
DEFAULT_REACH_NM = 100


@router.get(
    "/events",
    name="near",
    summary="Events to come near a point (fly-ins within reach), soonest first",
    responses=ERROR_RESPONSES,
)
async def near(
    session: SessionDep,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    within_nm: Annotated[
        float | None, Query(gt=0, le=900, description="Nautical miles from the point (100).")
    ] = None,
    within_miles: Annotated[
        float | None,
        Query(gt=0, le=1000, description="Statute miles: use `within_nm`.", deprecated=True),
    ] = None,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> list[EventOut]:
    if within_nm is not None and within_miles is not None:
        raise ValidationFailed(
            "within_miles: give within_nm or within_miles, not both.",
            fields=[{"field": "within_miles", "message": "give within_nm or within_miles"}],
        )
    metres = (
        within_miles * METERS_PER_STATUTE_MILE
        if within_miles is not None
        else (within_nm or DEFAULT_REACH_NM) * METERS_PER_NAUTICAL_MILE
    )
    return await service.near(session, lat, lon, metres, days)


@router.get(
    "/airports/{code}/events",
    name="upcoming",
    dependencies=[READ_LIMIT],
    summary="The airport's events to come, soonest first, with their next occurrences",
    responses={**ERROR_RESPONSES, **NOT_FOUND},
)
async def upcoming(session: SessionDep, code: CODE) -> list[EventOut]:
    return await service.upcoming(session, code)


CALENDAR: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    **NOT_FOUND,
    200: {"content": {"text/calendar": {}}, "description": "An iCalendar file."},
}
CALENDAR_TYPE = "text/calendar; charset=utf-8"


@router.get(
    "/airports/{code}/events.ics",
    name="calendar",
    dependencies=[READ_LIMIT],
    summary="The airport's events as an iCalendar file (recurring ones with their rule)",
    response_class=Response,
    responses=CALENDAR,
)
async def calendar(session: SessionDep, code: CODE) -> Response:
    body = await service.calendar(session, code)
    return Response(body, media_type=CALENDAR_TYPE)


@router.get(
    "/airports/{code}/events/{event_id}.ics",
    name="event_calendar",
    dependencies=[READ_LIMIT],
    summary="One event as an iCalendar file, to add to a calendar",
    response_class=Response,
    responses=CALENDAR,
)
async def event_calendar(session: SessionDep, code: CODE, event_id: uuid.UUID) -> Response:
    body = await service.event_calendar(session, code, event_id)
    return Response(
        body,
        media_type=CALENDAR_TYPE,
        headers={"Content-Disposition": f'attachment; filename="pirep-event-{event_id}.ics"'},
    )


@router.post(
    "/airports/{code}/events",
    name="add",
    dependencies=[WRITE_LIMIT],
    summary="Add an event (one-off or recurring) in the airport's local time",
    status_code=201,
    responses=CONTRIBUTION_ERRORS,
)
async def add(session: SessionDep, requester: RequesterDep, code: CODE, data: EventIn) -> EventOut:
    return await service.add(session, requester, code, data)


@router.put(
    "/airports/{code}/events/{event_id}",
    name="edit",
    dependencies=[WRITE_LIMIT],
    summary="Change an event (its details are replaced; the change can be reverted)",
    responses=CONTRIBUTION_ERRORS,
)
async def edit(
    session: SessionDep, requester: RequesterDep, code: CODE, event_id: uuid.UUID, data: EventIn
) -> EventOut:
    return await service.edit(session, requester, code, event_id, data)


@router.delete(
    "/airports/{code}/events/{event_id}",
    name="remove",
    dependencies=[WRITE_LIMIT],
    summary="Remove an event",
    status_code=204,
    responses=CONTRIBUTION_ERRORS,
)
async def remove(
    session: SessionDep, requester: RequesterDep, code: CODE, event_id: uuid.UUID
) -> None:
    await service.remove(session, requester, code, event_id)
