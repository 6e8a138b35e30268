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
