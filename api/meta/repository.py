"""SQL for metadata."""

from __future__ import annotations

import gzip
import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.cycles import Product
from api.models.system import CachedDocument, FaaDataCycle, SiteSettings

# The cached document holding the index of the content packs the monthly job publishes.
CONTENT_PACKS_INDEX = "content-packs"


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


async def published_content_packs(session: AsyncSession) -> list[dict[str, Any]]:
    """The index of the content packs last built (empty before the first build)."""
    document = await session.get(CachedDocument, CONTENT_PACKS_INDEX)
    if document is None:
        return []
    index: list[dict[str, Any]] = json.loads(gzip.decompress(document.body_gzip))
    return index
