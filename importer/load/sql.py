"""Pieces of SQL text the merges compose from column names; values are always bound."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection


async def codes(connection: AsyncConnection, sql: str, **params: Any) -> list[str]:
    """The airport codes a statement returns."""
    return list((await connection.execute(sa.text(sql), params)).scalars())


def row(prefix: str, columns: Sequence[str]) -> str:
    """``columns`` of the table aliased ``prefix`` as one row value: ``(s.a, s.b)``."""
    return "(" + ", ".join(f"{prefix}.{column}" for column in columns) + ")"
