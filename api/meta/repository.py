"""SQL for metadata."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.system import FaaDataCycle, SiteSettings


async def active_cycles(session: AsyncSession) -> dict[str, date]:
    rows = await session.execute(sa.select(FaaDataCycle.product, FaaDataCycle.cycle))
    return {str(product): cycle for product, cycle in rows}


async def read_only(session: AsyncSession) -> bool:
    value = await session.scalar(sa.select(SiteSettings.read_only))
    return bool(value)
