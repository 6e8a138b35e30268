"""SQL for metadata."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import date
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.cycles import Product
from api.models.system import CachedDocument, FaaDataCycle

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
    document = json.dumps(index).encode()
    values = {
        "name": CONTENT_PACKS_INDEX,
        "etag": '"' + hashlib.sha256(document).hexdigest()[:32] + '"',
        "content_type": "application/json",
        "body_gzip": gzip.compress(document),
        "size_bytes": len(document),
        "built_at": sa.func.now(),
    }
    await session.execute(
        insert(CachedDocument)
        .values(**values)
        .on_conflict_do_update(
            index_elements=["name"], set_={k: v for k, v in values.items() if k != "name"}
        )
    )


async def published_content_packs(session: AsyncSession) -> list[PublishedPack]:
    """The index of the content packs last built (empty before the first build)."""
    document = await session.get(CachedDocument, CONTENT_PACKS_INDEX)
    if document is None:
        return []
    index: list[PublishedPack] = json.loads(gzip.decompress(document.body_gzip))
    return index
