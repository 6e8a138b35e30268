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
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Session

from api.core.documents import geojson
from api.core.documents.geojson import MAP_FIELDS
from api.models.system import DataChange


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
    ELEVATION = "elevation"  # a user-added airport's elevation, from terrain data
    TIME_ZONE = "time_zone"
    SITE = "site"  # the whole site: a cycle activated, diagrams replaced


# The change feed keeps changes this long (weather's only a day: the caches alone read them).
CHANGES_KEPT_DAYS = 90

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
# The key of a session's ``info`` holding the documents its writer rendered after its change,
# for its process to keep once the change is committed (``DetailCache.offer``).
RENDERED_AFTER_CHANGE = "pirep.rendered_after_change"
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
# One row per airport, by id or by code (arrays bind in one go: a cycle names 67k airports).
# A change's fields are names without commas, sent joined by commas.
# Each row also holds the change as the change feed shows it (``feed``), so the feed only
# joins rows. ``now()`` is the transaction's time: the same as the row's ``at``.
# The first insertion of a change moves the generation in the same statement (``bumped``,
# one round trip less for every writer): each row's id is drawn once the generation's row is
# locked, as its row comes out of the join with it. What is the same for every row (the
# sequence, the time as text) is a subquery evaluated once, not per row: a cycle's 22,516
# rows took 257 ms, now 200.
_INSERT_SQL = """
    WITH {generation_cte} added AS (
        INSERT INTO data_changes (id, generation, airport_id, airport_code, kind, fields, feed)
        SELECT c.id, c.generation, c.airport_id, c.code, CAST(:kind AS text), c.fields,
               json_build_object(
                   'cursor', c.id,
                   'at', (SELECT to_char(now() AT TIME ZONE 'UTC',
                                         'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
                   'airport', c.code, 'kind', CAST(:kind AS text), 'fields', c.fields)::text
        FROM (
            SELECT nextval((SELECT pg_get_serial_sequence('data_changes', 'id'))::regclass)
                       AS id,
                   b.data_generation AS generation, a.id AS airport_id, a.code,
                   string_to_array(g.fields, ',') AS fields
            FROM {generation} b
            CROSS JOIN unnest(CAST(:airports AS {type}[]), CAST(:fields AS text[]))
                AS g(airport, fields)
            JOIN airports a ON a.{column} = g.airport
        ) c
        RETURNING 1
    )
    SELECT data_generation FROM {generation} b
"""
_BUMPED = (
    "bumped AS (UPDATE site_settings SET data_generation = data_generation + 1 "
    "RETURNING data_generation),"
)
_GIVEN = "(SELECT CAST(:generation AS bigint) AS data_generation)"
_INSERTS = {
    (column, first): sa.text(
        _INSERT_SQL.format(
            generation_cte=_BUMPED if first else "",
            generation="bumped" if first else _GIVEN,
            type=sql_type,
            column=column,
        )
    )
    for column, sql_type in (("id", "uuid"), ("code", "text"))
    for first in (True, False)
}
_SITE_SQL = sa.text(
    "INSERT INTO data_changes (generation, kind, fields) "
    "VALUES (CAST(:generation AS bigint), CAST(:kind AS text), CAST(:fields AS text[]))"
)


async def record_changes(
    db: AsyncSession | AsyncConnection,
    kind: ChangeKind,
    changes: Changes,
) -> RecordedChange:
    """Record, in ``db``'s transaction, that each airport of ``changes`` (by id or code; None
    for the whole site) changed in the fields given for it. Call it as late in the
    transaction as the writer can: the generation stays locked until the commit."""
    by_id: dict[uuid.UUID, str] = {}
    by_code: dict[str, str] = {}
    fields: set[str] = set()
    site: list[str] | None = None
    entries: Iterable[tuple[AirportRef, Iterable[str]]] = changes.items()
    for airport, names in entries:
        listed = sorted(set(names))
        fields.update(listed)
        if isinstance(airport, uuid.UUID):
            by_id[airport] = ",".join(listed)
        elif airport is not None:
            by_code[airport] = ",".join(listed)
        else:
            site = listed
    generation: int | None = None
    for column, named in (("id", by_id), ("code", by_code)):
        if named:
            values = {
                "airports": list(named),
                "fields": list(named.values()),
                "kind": kind.value,
                **({} if generation is None else {"generation": generation}),
            }
            statement = _INSERTS[column, generation is None]
            generation = int((await db.execute(statement, values)).scalar_one())
    if generation is None:
        generation = int((await db.execute(_BUMP_SQL)).scalar_one())
    if site is not None:
        await db.execute(_SITE_SQL, {"generation": generation, "kind": kind.value, "fields": site})
    recorded = RecordedChange(
        generation=generation,
        kind=kind,
        airports=len(by_id) + len(by_code),
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
    """Bring the map up to date in the transaction when it shows what changed and no listener
    will after the commit (a worker, the command line). A writer that records a change before it is
    finished (a deletion names the airport first) calls this once it is."""
    followed = isinstance(db, AsyncSession) and db.info.get(MAP_FOLLOWS, False)
    if recorded.map_changed and not followed:
        await geojson.follow(db)


def _tell_after_commit(session: AsyncSession, recorded: RecordedChange) -> None:
    """Hand ``recorded`` to the session's listener once its transaction commits (and never,
    if it is rolled back): `_committed` and `_rolled_back`, listening on every session."""
    session.info.setdefault(_PENDING, []).append(recorded)


def _committed(session: Session) -> None:
    told: list[RecordedChange] = session.info.pop(_PENDING, None) or []
    if told:
        listener: Listener = session.info[AFTER_CHANGE]
        for change in told:
            listener(change, session.info)


def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


# Once for every session, not per writing session: listening on one costs more than a write's
# own statements.
event.listen(Session, "after_commit", _committed)
event.listen(Session, "after_rollback", _rolled_back)


async def current_generation(db: AsyncSession | AsyncConnection) -> int:
    """The data generation readers compare their caches with."""
    return int(
        (await db.execute(sa.text("SELECT data_generation FROM site_settings"))).scalar_one()
    )


class ChangeRow(NamedTuple):
    """A row of ``data_changes`` as readers see it."""

    id: int
    generation: int
    airport_id: uuid.UUID | None
    airport_code: str | None
    kind: str
    fields: list[str]

    @property
    def site_wide(self) -> bool:
        return self.airport_id is None and self.airport_code is None


async def last_change(db: AsyncSession | AsyncConnection) -> int:
    """The id of the newest change (0 before the first): where a new reader starts."""
    return int(
        (await db.execute(sa.select(sa.func.coalesce(sa.func.max(DataChange.id), 0)))).scalar_one()
    )


async def changes_after(
    db: AsyncSession | AsyncConnection, after: int, limit: int
) -> list[ChangeRow]:
    """At most ``limit`` changes committed after the change ``after``, oldest first."""
    rows = await db.execute(
        sa.select(
            DataChange.id,
            DataChange.generation,
            DataChange.airport_id,
            DataChange.airport_code,
            DataChange.kind,
            DataChange.fields,
        )
        .where(DataChange.id > after)
        .order_by(DataChange.id)
        .limit(limit)
    )
    return [ChangeRow(*row) for row in rows]


async def purge_changes(db: AsyncSession | AsyncConnection) -> int:
    """Delete the changes older than CHANGES_KEPT_DAYS (weather's after a day: only caches
    read them); the number deleted. The feed then answers 410 to a cursor before what is
    kept."""
    weather = await db.scalar(
        sa.text(
            "WITH gone AS (DELETE FROM data_changes WHERE kind = 'weather' "
            "AND at < now() - interval '1 day' RETURNING 1) SELECT count(*) FROM gone"
        )
    )
    old = (
        await db.execute(
            sa.text(
                "WITH gone AS (DELETE FROM data_changes "
                "WHERE at < now() - make_interval(days => :days) RETURNING id) "
                "SELECT count(*) AS deleted, max(id) AS newest FROM gone"
            ),
            {"days": CHANGES_KEPT_DAYS},
        )
    ).one()
    if old.newest is not None:
        await db.execute(
            sa.text(
                "UPDATE site_settings SET changes_kept_after = "
                "greatest(changes_kept_after, :newest)"
            ),
            {"newest": old.newest},
        )
    return int(old.deleted) + int(weather or 0)
