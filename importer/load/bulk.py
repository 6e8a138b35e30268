"""Bulk loading into empty tables: build secondary indexes once, after the rows are in."""

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


async def drop_secondary_indexes(connection: AsyncConnection, tables: Sequence[str]) -> list[str]:
    """Drop the indexes of ``tables`` that back no constraint; return their definitions.

    Filling an empty table and then building each index once is several times faster than
    maintaining the indexes row by row. Inside the load's transaction, nobody else sees the
    tables without their indexes, and a failure restores them with everything else.
    """
    if not tables:
        return []
    rows = (await connection.execute(_SECONDARY_INDEXES_SQL, {"tables": list(tables)})).all()
    for name, _ in rows:
        await connection.execute(sa.text(f"DROP INDEX {name}"))
    return [definition for _, definition in rows]


async def create_indexes(connection: AsyncConnection, definitions: Sequence[str]) -> None:
    """Recreate indexes from the definitions ``drop_secondary_indexes`` returned."""
    if definitions:
        await connection.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
    for definition in definitions:
        await connection.execute(sa.text(definition))
