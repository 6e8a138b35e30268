"""SQL for versions (the history of contributions) and the activity they earn."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from api.core.catalogue import ACTION_POINTS
from api.models.community import Action, Version
from api.models.enums import ActionType, VersionEvent, VersionItemType
from api.models.users import User, public_name


async def add_version(
    session: AsyncSession,
    *,
    item_type: VersionItemType,
    item_id: uuid.UUID,
    airport_id: uuid.UUID,
    event: VersionEvent,
    whodunnit_id: uuid.UUID,
    changes: dict[str, Any],
    reviewed: bool = False,
    state: dict[str, Any] | None = None,
) -> Version:
    statement = (
        sa.insert(Version)
        .values(
            item_type=item_type,
            item_id=item_id,
            airport_id=airport_id,
            event=event,
            whodunnit_id=whodunnit_id,
            object=state,
            object_changes=changes,
            reviewed_at=datetime.now(UTC) if reviewed else None,
            # The time of the change itself, not of its transaction's start: the order of the
            # history is the order of the changes.
            created_at=sa.func.clock_timestamp(),
            updated_at=sa.func.clock_timestamp(),
        )
        .returning(Version)
    )
    # Written and read back in one statement, without the session's flush.
    return (await session.scalars(statement)).one()


# An action and its user's points, in one statement object (its cache key computed once):
# every write runs it.
_ADDED = (
    sa.insert(Action)
    .values(
        type=sa.bindparam("kind", type_=Action.__table__.c.type.type),
        user_id=sa.bindparam("user_id", type_=sa.Uuid),
        airport_id=sa.bindparam("airport_id", type_=sa.Uuid),
        version_id=sa.bindparam("version_id", type_=sa.Uuid),
        subject_type=sa.bindparam("subject_type", type_=sa.Text),
        subject_id=sa.bindparam("subject_id", type_=sa.Uuid),
        points=sa.bindparam("points", type_=sa.Integer),
        created_at=sa.func.clock_timestamp(),
    )
    .returning(Action.points)
    .cte("added")
)
_RECORD_ACTION = (
    sa.update(User)
    .where(User.id == sa.bindparam("user_id", type_=sa.Uuid))
    .values(
        points=User.points + sa.select(_ADDED.c.points).scalar_subquery(),
        last_edit_at=sa.bindparam("at", type_=sa.DateTime(timezone=True)),
        updated_at=sa.func.now(),
    )
    .returning(User.points, User.last_edit_at, User.updated_at)
    .add_cte(_ADDED)
    .execution_options(synchronize_session=False)
)


async def record_action(
    session: AsyncSession,
    *,
    user: User,
    kind: ActionType,
    airport_id: uuid.UUID | None,
    version_id: uuid.UUID | None,
    subject: tuple[str, uuid.UUID] | None = None,
    times: int = 1,
) -> None:
    """An entry of the activity feed (worth ``times`` the points of its kind: an edit earns
    them per field), and the user's points grown by as much, in one statement. (Added to the
    locked row: counting the user's actions again read all of them at every write, the
    slowest statement of a busy pilot's edit.)"""
    row = (
        await session.execute(
            _RECORD_ACTION,
            {
                "kind": kind,
                "user_id": user.id,
                "airport_id": airport_id,
                "version_id": version_id,
                "subject_type": subject[0] if subject else None,
                "subject_id": subject[1] if subject else None,
                "points": ACTION_POINTS.get(kind, 0) * times,
                "at": datetime.now(UTC),
            },
        )
    ).one()
    # What the statement wrote, as the loaded user's own values (nothing left to flush).
    for name, value in zip(("points", "last_edit_at", "updated_at"), row, strict=True):
        set_committed_value(user, name, value)


async def last_changes(
    session: AsyncSession, airport_id: uuid.UUID, fields: list[str]
) -> dict[str, tuple[str | None, datetime | None]]:
    """Who last changed each field (a display name, or None) and when."""
    found: dict[str, tuple[str | None, datetime | None]] = {}
    for field in fields:
        row = (
            await session.execute(
                sa.select(Version.updated_at, User.role, User.display_name)
                .outerjoin(User, User.id == Version.whodunnit_id)
                .where(
                    Version.airport_id == airport_id,
                    Version.item_type == VersionItemType.AIRPORT,
                    Version.object_changes.has_key(field),
                )
                .order_by(Version.updated_at.desc())
                .limit(1)
            )
        ).first()
        if row is None:
            found[field] = (None, None)
            continue
        found[field] = (public_name(row.display_name, row.role), row.updated_at)
    return found


_LATEST_OF_AIRPORT = (
    sa.select(Version)
    .where(
        Version.airport_id == sa.bindparam("airport_id", type_=sa.Uuid),
        Version.item_type == VersionItemType.AIRPORT,
    )
    .order_by(Version.created_at.desc(), Version.id.desc())
    .limit(1)
    .with_for_update()
)


async def recent_own_version(
    session: AsyncSession,
    airport_id: uuid.UUID,
    user_id: uuid.UUID,
    within: timedelta,
    *,
    along: sa.Update | None = None,
) -> Version | None:
    """The airport's latest change, if it is this user's, recent and not yet reviewed: edits
    in a row by one person make one version. ``along``, a statement that writes no version,
    runs in the same round trip (a data-modifying ``WITH``)."""
    statement = _LATEST_OF_AIRPORT if along is None else _LATEST_OF_AIRPORT.add_cte(along.cte())
    latest = await session.scalar(statement, {"airport_id": airport_id})
    if (
        latest is None
        or latest.whodunnit_id != user_id
        or latest.event != VersionEvent.UPDATE
        or latest.reviewed_at is not None
        or latest.reverted_at is not None
        or latest.updated_at < datetime.now(UTC) - within
    ):
        return None
    return latest


_HISTORY_SQL = sa.text(
    """
    WITH target AS (SELECT id FROM airports WHERE id = :airport_id),
    page AS (
        SELECT v.id, v.item_type, v.item_id, v.event, v.object_changes, v.created_at,
               v.reverted_at, u.id AS user_id, u.display_name, u.role
        FROM versions v JOIN target t ON v.airport_id = t.id
        LEFT JOIN users u ON u.id = v.whodunnit_id
        ORDER BY v.created_at DESC, v.id DESC
        LIMIT CAST(:limit AS integer) OFFSET CAST(:offset AS integer)
    )
    SELECT json_build_object(
        'total', (SELECT count(*) FROM versions v JOIN target t ON v.airport_id = t.id),
        'page', CAST(:page AS integer), 'per_page', CAST(:limit AS integer),
        'items', coalesce((SELECT json_agg(json_build_object(
            'id', p.id, 'item_type', p.item_type, 'item_id', p.item_id, 'event', p.event,
            'author', CASE WHEN p.user_id IS NULL THEN NULL ELSE json_build_object(
                'id', p.user_id,
                'name', coalesce(p.display_name, CASE WHEN p.role = 'unknown'
                    THEN 'a pilot without an account' ELSE 'a pilot' END)) END,
            'changes', p.object_changes, 'created_at', p.created_at,
            'reverted_at', p.reverted_at) ORDER BY p.created_at DESC, p.id DESC)
            FROM page p), '[]'))::text
    FROM target
    """
)


async def history_json(
    session: AsyncSession, airport_id: uuid.UUID, page: int, per_page: int
) -> str | None:
    """A page of the airport's history as JSON text, built by PostgreSQL; None: no airport."""
    value: str | None = await session.scalar(
        _HISTORY_SQL,
        {
            "airport_id": airport_id,
            "page": page,
            "limit": per_page,
            "offset": (page - 1) * per_page,
        },
    )
    return value


async def airport_versions_after(
    session: AsyncSession, airport_id: uuid.UUID, version: Version
) -> list[Version]:
    """The airport's own versions made after ``version``, newest first."""
    rows = await session.scalars(
        sa.select(Version)
        .where(
            Version.airport_id == airport_id,
            Version.item_type == VersionItemType.AIRPORT,
            sa.tuple_(Version.created_at, Version.id) > sa.tuple_(version.created_at, version.id),
        )
        .order_by(Version.created_at.desc(), Version.id.desc())
    )
    return list(rows)
