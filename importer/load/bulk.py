"""Bulk loading into empty tables: build indexes and check foreign keys once, at the end.

This is what a restore of a dump does: row-by-row index maintenance and foreign-key checks
(each of which locks the referenced row) cost far more than one build and one validating join.
Inside the load's transaction nobody else sees the tables meanwhile, and a failure restores
every index and constraint with everything else.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

_SECONDARY_INDEXES_SQL = sa.text(
    """
    SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
    FROM pg_index i
    JOIN pg_class t ON t.oid = i.indrelid
    WHERE t.relname = ANY(:tables) AND t.relnamespace = 'public'::regnamespace
      AND NOT i.indisprimary
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    ORDER BY 1
    """
)


async def empty_tables(connection: AsyncConnection, tables: Sequence[str]) -> list[str]:
    """Those of ``tables`` that hold no row."""
    empty = []
    for table in tables:
        has_rows = await connection.scalar(sa.text(f"SELECT EXISTS (SELECT 1 FROM {table})"))
        if not has_rows:
            empty.append(table)
    return empty


_FOREIGN_KEYS_SQL = sa.text(
    """
    SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    WHERE c.contype = 'f' AND t.relname = ANY(:tables)
      AND t.relnamespace = 'public'::regnamespace
    ORDER BY 1, 2
    """
)


async def drop_foreign_keys(connection: AsyncConnection, tables: Sequence[str]) -> list[str]:
    """Drop the foreign keys of ``tables``; return the statements that add them back."""
    if not tables:
        return []
    rows = (await connection.execute(_FOREIGN_KEYS_SQL, {"tables": list(tables)})).all()
    for table, name, _ in rows:
        await connection.execute(sa.text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    return [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition in rows
    ]


async def drop_secondary_indexes(connection: AsyncConnection, tables: Sequence[str]) -> list[str]:
    """Drop the indexes of ``tables`` that back no constraint; return their definitions."""
    if not tables:
        return []
    rows = (await connection.execute(_SECONDARY_INDEXES_SQL, {"tables": list(tables)})).all()
    for name, _ in rows:
        await connection.execute(sa.text(f"DROP INDEX {name}"))
    return [definition for _, definition in rows]


async def restore(connection: AsyncConnection, statements: Sequence[str]) -> None:
    """Recreate what ``drop_secondary_indexes`` and ``drop_foreign_keys`` dropped."""
    if statements:
        await connection.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
    for statement in statements:
        await connection.execute(sa.text(statement))


# Triggers that keep what is derived from a table's rows (the airports' tag names, the map's
# markers), statement by statement. A first load switches them off and computes what they keep
# once, at its end (`rebuild_derived`): the tag triggers would otherwise rewrite every airport
# once more, and the markers' every marker twice.
_DERIVED_TRIGGERS = {
    "tags": ("tags_sync_airport_insert", "tags_sync_airport_update", "tags_sync_airport_delete"),
    "airports": ("airports_sync_markers_insert", "airports_sync_markers_update"),
}
# Kept by those triggers, with foreign keys to the loaded tables: their foreign keys and
# secondary indexes are dropped and restored with the loaded tables'.
DERIVED_TABLES = ("airport_markers",)


async def pause_derived(connection: AsyncConnection) -> None:
    """Switch the derived data's triggers off until `rebuild_derived`, in this transaction."""
    await _switch_derived(connection, "DISABLE")


async def rebuild_derived(connection: AsyncConnection) -> None:
    """Compute what the paused triggers keep, tag names first (the markers show them), and
    switch them on again."""
    await connection.execute(sa.text("SELECT airports_tag_names_rebuild()"))
    await connection.execute(sa.text("SELECT airport_markers_rebuild()"))
    await _switch_derived(connection, "ENABLE")


async def _switch_derived(connection: AsyncConnection, switch: str) -> None:
    for table, triggers in _DERIVED_TRIGGERS.items():
        for trigger in triggers:
            await connection.execute(sa.text(f"ALTER TABLE {table} {switch} TRIGGER {trigger}"))
