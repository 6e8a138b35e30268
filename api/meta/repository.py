"""SQL for metadata."""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.cycles import Product
from api.core.documents.published import publish, published
from api.models.system import FaaDataCycle

# The cached document holding the index of the content packs the monthly job publishes.
CONTENT_PACKS_INDEX = "content-packs"


class PublishedPack(TypedDict):
    """A content pack of the published index; its zip is at ``key`` in storage."""

    id: str
    name: str
    airports: int
    size_bytes: int
    version: str
    key: str


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


async def publish_content_packs(session: AsyncSession, index: list[PublishedPack]) -> None:
    """Replaces the index of the content packs (what /api/v1/content-packs lists)."""
    await publish(session, CONTENT_PACKS_INDEX, index)


async def published_content_packs(session: AsyncSession) -> list[PublishedPack]:
    """The index of the content packs last built (empty before the first build)."""
    index: list[PublishedPack] | None = await published(session, CONTENT_PACKS_INDEX)
    return index or []
