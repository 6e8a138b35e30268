"""SQL for airports."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.airports.schemas import NewAirport
from api.core.documents.detail import token_sql
from api.core.documents.geojson import DOCUMENT_NAME
from api.core.geo import DEFAULT_OUTLINE_RADIUS_M, box_around, timezone_at
from api.core.names import normalise_code
from api.models.airports import EDITABLE_FIELDS, Airport
from api.models.community import Pageview
from api.models.system import CachedDocument


@dataclass(frozen=True, slots=True)
class EditableAirport:
    """An airport's editable fields as stored, with each one's version (a digest of it)."""

    id: uuid.UUID
    code: str
    locked_at: datetime | None
    values: Mapping[str, object]
    versions: Mapping[str, str]


_EDITABLE = sa.select(
    Airport.id,
    Airport.code,
    Airport.locked_at,
    *(getattr(Airport, field) for field in EDITABLE_FIELDS),
    *(
        sa.literal_column(token_sql(field, Airport.__tablename__)).label(f"{field}__version")
        for field in EDITABLE_FIELDS
    ),
)


def _by_name(statement: Selected) -> Selected:
    """``statement`` limited to the airport its bound ``code``, ``k_code`` and ``airport_id``
    name (``_names``): the rule of ``named``."""
    code: sa.BindParameter[str] = sa.bindparam("code")
    return (
        statement.where(
            sa.or_(
                Airport.code == code,
                Airport.icao_code == code,
                Airport.code == sa.bindparam("k_code"),
                Airport.id == sa.bindparam("airport_id", type_=sa.Uuid),
            )
        )
        .order_by(Airport.code != code, Airport.icao_code.is_distinct_from(code))
        .limit(1)
    )


def _names(value: str) -> dict[str, object]:
    code, airport_id, k_code = normalise_code(value)
    return {"code": code, "k_code": k_code, "airport_id": airport_id}


# The lookups every write runs, built once with their values bound when executed: SQLAlchemy
# computes a statement's cache key once, where ``named`` builds a new statement per call.
_NAMED = _by_name(sa.select(Airport.id))
# Not correlated with the airport it selects: the lock (in the outer query) takes that row
# alone.
_NAMED_ID = _NAMED.correlate(None).scalar_subquery()
_EDITABLE_NAMED = _EDITABLE.where(Airport.id == _NAMED_ID)
_LOCKED_NAMED = _EDITABLE_NAMED.with_for_update()
_LOCKED_BY_ID = _EDITABLE.where(Airport.id == sa.bindparam("id", type_=sa.Uuid)).with_for_update()


async def _editable(
    session: AsyncSession, statement: sa.Select[Any], values: Mapping[str, object]
) -> EditableAirport | None:
    row = (await session.execute(statement, values)).mappings().first()
    if row is None:
        return None
    return EditableAirport(
        id=row["id"],
        code=row["code"],
        locked_at=row["locked_at"],
        values={field: row[field] for field in EDITABLE_FIELDS},
        versions={field: row[f"{field}__version"] for field in EDITABLE_FIELDS},
    )


async def lock_for_edit(session: AsyncSession, value: str) -> EditableAirport | None:
    """The airport's editable fields and their versions, locked until the transaction ends:
    concurrent edits of one airport are checked one after the other. ``value`` names it as
    ``named`` reads it; found and locked in one statement."""
    return await _editable(session, _LOCKED_NAMED, _names(value))


async def editable_values(session: AsyncSession, value: str) -> EditableAirport | None:
    """The airport's editable fields, named as ``named`` reads it."""
    return await _editable(session, _EDITABLE_NAMED, _names(value))


async def lock_by_id(session: AsyncSession, airport_id: uuid.UUID) -> EditableAirport | None:
    """The airport's editable fields, by id, locked until the transaction ends."""
    return await _editable(session, _LOCKED_BY_ID, {"id": airport_id})


async def geojson_etag(session: AsyncSession) -> str | None:
    """The ETag of the stored airports GeoJSON document, if it was built."""
    return await session.scalar(
        sa.select(CachedDocument.etag).where(CachedDocument.name == DOCUMENT_NAME)
    )


async def geojson_document(session: AsyncSession) -> CachedDocument | None:
    """The stored airports GeoJSON document, if it was built."""
    return await session.get(CachedDocument, DOCUMENT_NAME)


def fields_update(airport_id: uuid.UUID, values: Mapping[str, object]) -> sa.Update:
    """The statement that sets the airport's editable fields (an edit runs it along with the
    lookup of the editor's recent version: `versions.repository.recent_own_version`)."""
    return (
        sa.update(Airport)
        .where(Airport.id == airport_id)
        .values(**values, updated_at=sa.func.now())
    )


async def update_fields(
    session: AsyncSession, airport_id: uuid.UUID, values: Mapping[str, object]
) -> None:
    """Set the airport's editable fields."""
    await session.execute(fields_update(airport_id, values))


Selected = TypeVar("Selected", bound=sa.Select[*tuple[Any, ...]])


def named(statement: Selected, value: str) -> Selected:
    """``statement`` (a select from airports) limited to the airport that ``value`` names, as
    every route's ``{code}`` is read: its FAA code, its ICAO code, K + its FAA code (KPAE: PAE)
    or its id, in any case; the exact code first, then the ICAO code."""
    return _by_name(statement).params(_names(value))


async def find_airport(
    session: AsyncSession, value: str
) -> sa.Row[uuid.UUID, str, str, str | None, str | None] | None:
    """The airport ``value`` names (``named``): its id, code, name, city and state."""
    statement = sa.select(Airport.id, Airport.code, Airport.name, Airport.city, Airport.state)
    return (await session.execute(named(statement, value))).first()


async def record_view(
    session: AsyncSession, airport_id: uuid.UUID, view: Mapping[str, object], window_minutes: int
) -> bool:
    """A pageview, unless the same visitor (user, else address) viewed the airport within
    ``window_minutes``; whether it was recorded."""
    recent = await session.scalar(
        sa.text(
            "SELECT 1 FROM pageviews WHERE created_at > now() - make_interval(mins => :window) "
            "AND airport_id = :airport AND (user_id = :user_id OR (CAST(:user_id AS uuid) IS NULL "
            "AND user_id IS NULL AND ip_address = CAST(:ip_address AS inet))) LIMIT 1"
        ),
        {"window": window_minutes, "airport": airport_id, **view},
    )
    if recent:
        return False
    await session.execute(sa.insert(Pageview).values(airport_id=airport_id, **view))
    return True


async def airport_id_of(session: AsyncSession, value: str) -> uuid.UUID | None:
    """The id of the airport ``value`` names (``named``)."""
    return await session.scalar(_NAMED, _names(value))


async def next_unmapped_code(session: AsyncSession) -> str:
    """``UNM`` and the next number (two digits at least); one at a time, whatever the number of
    pilots adding airports at once."""
    await session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('pirep.unmapped_code'))"))
    highest = await session.scalar(
        sa.text(
            "SELECT max(substring(code FROM 4)::integer) FROM airports WHERE code ~ '^UNM[0-9]+$'"
        )
    )
    return f"UNM{(highest or 0) + 1:02d}"


async def insert_user_airport(session: AsyncSession, code: str, data: NewAirport) -> uuid.UUID:
    # The time zone data takes most of a second to load the first time: not on the event loop.
    zone = await asyncio.to_thread(timezone_at, data.latitude, data.longitude)
    south, west, north, east = box_around(data.latitude, data.longitude, DEFAULT_OUTLINE_RADIUS_M)
    result = await session.execute(
        sa.insert(Airport)
        .values(
            code=code,
            name=data.name.strip(),
            latitude=data.latitude,
            longitude=data.longitude,
            elevation_ft=data.elevation_ft,
            facility_type="airport",
            facility_use="PR",
            ownership_type="PR",
            landing_rights=data.landing_rights.value,
            data_source="user_contributed",
            timezone=zone,
            timezone_checked_at=sa.func.now(),
            bbox_sw_latitude=south,
            bbox_sw_longitude=west,
            bbox_ne_latitude=north,
            bbox_ne_longitude=east,
        )
        .returning(Airport.id)
    )
    airport_id: uuid.UUID = result.scalar_one()
    return airport_id
