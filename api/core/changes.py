"""The one way any writer says "these airports changed, in these fields, because of this".

Inside the writer's transaction ``record_changes`` moves the site's data generation and appends
a row per airport to ``data_changes``. The generation's row lock, held until the writer
commits, orders the writers: the rows' ids follow the order of the commits, so a reader that
remembers the last id it saw misses no change. What follows a change (caches, the map, the
change feed) is driven from those rows, or, in the process that made the change, by the
listener its session carries (``AFTER_CHANGE``) once the transaction commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from api.core.documents import geojson


class ChangeKind(StrEnum):
    """Why airport data changed."""

    EDIT = "edit"  # pilots' fields: wiki text, landing rights, annotations, cover, photo
    REVERT = "revert"
    IMPORT = "import"  # official data of an activated cycle
    CLOSURE = "closure"  # closed or reopened by a cycle, or by an administrator
    TAGS = "tags"
    COMMENT = "comment"
    EVENT = "event"
    WEBCAM = "webcam"
    PHOTO = "photo"
    AIRPORT_ADDED = "airport_added"
    AIRPORT_DELETED = "airport_deleted"
    ADMIN = "admin"  # an administrator's change of an airport's record
    WEATHER = "weather"
    OUTLINE = "outline"  # the box a map fits to show the airport
    TIME_ZONE = "time_zone"
    SITE = "site"  # the whole site: a cycle activated, diagrams replaced


# What the map's airports show: a change of any of these rebuilds it.
MAP_FIELDS = frozenset(
    {"airport", "code", "latitude", "longitude", "facility_type", "importance", "tags"}
)

# An airport by its id or its code; None is the whole site.
AirportRef = uuid.UUID | str | None
# Each airport changed (by id or code, None for the whole site) and the fields that did.
Changes = (
    Mapping[uuid.UUID, Iterable[str]]
    | Mapping[str, Iterable[str]]
    | Mapping[None, Iterable[str]]
    | Mapping[AirportRef, Iterable[str]]
)

# The key of a session's ``info`` holding the callable told of each change once committed,
# with the session's ``info``.
AFTER_CHANGE = "pirep.after_change"
# The key of a session's ``info`` that is true when its process rebuilds the map after commit
# (a web process's rebuilder): the writer need not rebuild it in its transaction.
MAP_FOLLOWS = "pirep.map_follows"
_PENDING = "pirep.changes_pending"


@dataclass(frozen=True, slots=True)
class RecordedChange:
    """What ``record_changes`` wrote, for those who act on it after the commit."""

    generation: int
    kind: ChangeKind
    airports: int
    fields: frozenset[str]
    site_wide: bool

    @property
    def map_changed(self) -> bool:
        """Whether the map's airports may show something else now."""
        return self.site_wide or bool(self.fields & MAP_FIELDS)


Listener = Callable[[RecordedChange, dict[str, Any]], None]

_BUMP_SQL = sa.text(
    "UPDATE site_settings SET data_generation = data_generation + 1 RETURNING data_generation"
)
_INSERT_SQL = sa.text(
    """
    WITH given AS (
        SELECT * FROM jsonb_to_recordset(CAST(:rows AS jsonb))
            AS r(id uuid, code text, fields text[])
    )
    INSERT INTO data_changes (generation, airport_id, airport_code, kind, fields)
    SELECT CAST(:generation AS bigint), a.id, a.code, CAST(:kind AS text), g.fields
    FROM given g JOIN airports a ON a.id = g.id
    UNION ALL
    SELECT CAST(:generation AS bigint), a.id, a.code, CAST(:kind AS text), g.fields
    FROM given g JOIN airports a ON a.code = g.code
    UNION ALL
    SELECT CAST(:generation AS bigint), NULL, NULL, CAST(:kind AS text), g.fields
    FROM given g WHERE g.id IS NULL AND g.code IS NULL
    """
)


async def record_changes(
    db: AsyncSession | AsyncConnection,
    kind: ChangeKind,
    changes: Changes,
) -> RecordedChange:
    """Record, in ``db``'s transaction, that each airport of ``changes`` (by id or code; None
    for the whole site) changed in the fields given for it. Call it as late in the
    transaction as the writer can: the generation stays locked until the commit."""
    generation = int((await db.execute(_BUMP_SQL)).scalar_one())
    rows = []
    fields: set[str] = set()
    entries: Iterable[tuple[AirportRef, Iterable[str]]] = changes.items()
    for airport, names in entries:
        listed = sorted(set(names))
        fields.update(listed)
        rows.append(
            {
                "id": str(airport) if isinstance(airport, uuid.UUID) else None,
                "code": airport if isinstance(airport, str) else None,
                "fields": listed,
            }
        )
    if rows:
        await db.execute(
            _INSERT_SQL,
            {"rows": orjson.dumps(rows).decode(), "generation": generation, "kind": kind.value},
        )
    recorded = RecordedChange(
        generation=generation,
        kind=kind,
        airports=len(rows) - (None in changes),
        fields=frozenset(fields),
        site_wide=None in changes,
    )
    if isinstance(db, AsyncSession) and AFTER_CHANGE in db.info:
        _tell_after_commit(db, recorded)
    return recorded


async def record(
    db: AsyncSession | AsyncConnection, kind: ChangeKind, changes: Changes
) -> RecordedChange:
    """``record_changes``, then what must follow it in the transaction (``follow_now``): the
    way every writer but the importer, which rebuilds the map once at the end, records."""
    recorded = await record_changes(db, kind, changes)
    await follow_now(db, recorded)
    return recorded


async def follow_now(db: AsyncSession | AsyncConnection, recorded: RecordedChange) -> None:
    """Rebuild the map in the transaction when it shows what changed and no listener will
    after the commit (a worker, the command line). A writer that records a change before it is
    finished (a deletion names the airport first) calls this once it is."""
    followed = isinstance(db, AsyncSession) and db.info.get(MAP_FOLLOWS, False)
    if recorded.map_changed and not followed:
        await geojson.rebuild(db)


def _tell_after_commit(session: AsyncSession, recorded: RecordedChange) -> None:
    """Hand ``recorded`` to the session's listener once its transaction commits (and never,
    if it is rolled back)."""
    pending: list[RecordedChange] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
        listener: Listener = session.info[AFTER_CHANGE]

        def committed(_: object) -> None:
            told = list(pending)
            pending.clear()
            for change in told:
                listener(change, session.info)

        event.listen(session.sync_session, "after_commit", committed)
        event.listen(session.sync_session, "after_rollback", lambda _: pending.clear())
    pending.append(recorded)


async def current_generation(db: AsyncSession | AsyncConnection) -> int:
    """The data generation readers compare their caches with."""
    return int(
        (await db.execute(sa.text("SELECT data_generation FROM site_settings"))).scalar_one()
    )
