"""Airports as the admin manages them: the queue, official fields, the lock and the review,
the deletion of contributed airports, and their pageviews. Every function asks the admin
policy first."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.admin import policy, repository
from api.admin.common import found, page, pageview_out, stamp
from api.admin.repository import AirportRow
from api.admin.schemas import (
    AdminAirportChanges,
    AdminAirportOut,
    AirportPage,
    AirportQueueParams,
    PageParams,
    PageviewPage,
)
from api.core.changes import ChangeKind, follow_now, record, record_changes
from api.core.errors import Conflict
from api.core.policy import Requester
from api.models.airports import Airport
from api.models.enums import DataSource, VersionEvent, VersionItemType
from api.versions import repository as versions_repository

# Official fields an admin edit records in the airport's history.
_VERSIONED = (
    "code",
    "name",
    "latitude",
    "longitude",
    "elevation_ft",
    "facility_type",
    "facility_use",
    "ownership_type",
    "fuel_types",
    "city",
    "state",
)


def admin_airport_out(airport: Airport, revisions: int, contributors: int) -> AdminAirportOut:
    return AdminAirportOut(
        id=airport.id,
        code=airport.code,
        icao_code=airport.icao_code,
        name=airport.name,
        facility_type=airport.facility_type,
        facility_use=airport.facility_use,
        ownership_type=airport.ownership_type,
        latitude=airport.latitude,
        longitude=airport.longitude,
        elevation_ft=airport.elevation_ft,
        city=airport.city,
        state=airport.state,
        country=airport.country,
        fuel_types=airport.fuel_types,
        landing_rights=airport.landing_rights,
        data_source=airport.data_source,
        locked_at=airport.locked_at,
        reviewed_at=airport.reviewed_at,
        created_at=airport.created_at,
        updated_at=airport.updated_at,
        revisions=revisions,
        contributors=contributors,
    )


async def airports(
    session: AsyncSession, requester: Requester, params: AirportQueueParams
) -> AirportPage:
    policy.administer(requester)
    statement = repository.airports(params.unreviewed, params.source, params.q)
    return await page(session, statement, params, AirportPage, admin_airport_out)


async def _airport(session: AsyncSession, airport_id: uuid.UUID) -> AirportRow:
    return found(await repository.airport(session, airport_id), f"airport {airport_id}")


async def airport(
    session: AsyncSession, requester: Requester, airport_id: uuid.UUID
) -> AdminAirportOut:
    policy.administer(requester)
    return admin_airport_out(*await _airport(session, airport_id))


async def change_airport(
    session: AsyncSession,
    requester: Requester,
    airport_id: uuid.UUID,
    changes: AdminAirportChanges,
) -> AdminAirportOut:
    """Change official fields, the lock or the review of an airport. Official changes are
    recorded in its history (already reviewed: an admin made them)."""
    principal = policy.administer(requester)
    target = (await _airport(session, airport_id)).airport
    given = changes.model_dump(exclude_unset=True)
    if "fuel_types" in given and given["fuel_types"] is None:
        given["fuel_types"] = []  # no fuel: the column holds a list, never null
    if changes.code is not None and await repository.code_taken(session, changes.code, target.id):
        raise Conflict(f"Another airport has the code {changes.code}.")
    for name in ("code", "name", "latitude", "longitude", "facility_type"):
        if name in given and given[name] is None:
            raise Conflict(f"An airport must have a {name.replace('_', ' ')}.")
    diff = {
        name: [getattr(target, name), given[name]]
        for name in _VERSIONED
        if name in given and getattr(target, name) != given[name]
    }
    for name in diff:
        setattr(target, name, given[name])
    locked_before = target.locked_at
    target.locked_at = stamp(target.locked_at, changes.locked)
    target.reviewed_at = stamp(target.reviewed_at, changes.reviewed)
    await session.flush()
    if diff:
        await versions_repository.add_version(
            session,
            item_type=VersionItemType.AIRPORT,
            item_id=target.id,
            airport_id=target.id,
            event=VersionEvent.UPDATE,
            whodunnit_id=principal.user.id,
            changes=_jsonable(diff),
            reviewed=True,
        )
    if diff or locked_before != target.locked_at:
        fields = [*diff, *(["locked"] if locked_before != target.locked_at else [])]
        await record(session, ChangeKind.ADMIN, {target.id: fields})
    return admin_airport_out(*await _airport(session, airport_id))


def _jsonable(diff: dict[str, list[Any]]) -> dict[str, Any]:
    return {
        name: [str(value) if hasattr(value, "value") else value for value in pair]
        for name, pair in diff.items()
    }


async def delete_airport(
    session: AsyncSession, requester: Requester, airport_id: uuid.UUID
) -> None:
    """Delete an airport added by a user (official airports would come back with the next
    import: lock them instead)."""
    policy.administer(requester)
    target = (await _airport(session, airport_id)).airport
    if target.data_source != DataSource.USER_CONTRIBUTED:
        raise Conflict(
            f"{target.code} comes from {target.data_source.value} data and the next import would "
            "bring it back; lock it instead."
        )
    # Recorded while the airport is there to name: its change outlives it.
    recorded = await record_changes(session, ChangeKind.AIRPORT_DELETED, {target.id: ["airport"]})
    await session.delete(target)
    await session.flush()
    await follow_now(session, recorded)


async def airport_analytics(
    session: AsyncSession, requester: Requester, airport_id: uuid.UUID, params: PageParams
) -> PageviewPage:
    policy.administer(requester)
    await _airport(session, airport_id)
    statement = repository.pageviews(airport_id=airport_id)
    return await page(session, statement, params, PageviewPage, pageview_out)
