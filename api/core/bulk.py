"""COPY: rows into a table at the speed of a restore, within the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from api.core.errors import ImportFailed


class RowsRefused(ImportFailed):
    """A table refused a row of a COPY; nothing of it was written."""

    error = "RowsRefused"


async def copy_rows(
    db: AsyncSession | AsyncConnection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> None:
    """COPY ``rows`` (values in the order of ``columns``) into ``table`` in the transaction of
    ``db``. A row the table refuses (a constraint, a type) raises ``RowsRefused`` naming it."""
    connection = await db.connection() if isinstance(db, AsyncSession) else db
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    try:
        await driver.copy_records_to_table(table, records=rows, columns=list(columns))
    except asyncpg.PostgresError as error:
        raise RowsRefused(f"The rows for {table} were refused: {error}.") from None
