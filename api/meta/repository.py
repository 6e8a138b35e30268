"""SQL for metadata."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.cycles import Product
from api.models.system import FaaDataCycle, SiteSettings


async def active_cycles(session: AsyncSession) -> dict[str, date]:
    rows = await session.execute(sa.select(FaaDataCycle.product, FaaDataCycle.cycle))
    return {str(product): cycle for product, cycle in rows}


async def chart_cycle(session: AsyncSession) -> tuple[date, dict[str, Any]] | None:
    """The active charts cycle and what the importer recorded of its layers."""
    row = (
        await session.execute(
            sa.select(FaaDataCycle.cycle, FaaDataCycle.details).where(
                FaaDataCycle.product == Product.CHARTS
            )
        )
    ).first()
    return (row.cycle, row.details) if row else None


async def read_only(session: AsyncSession) -> bool:
    value = await session.scalar(sa.select(SiteSettings.read_only))
    return bool(value)
