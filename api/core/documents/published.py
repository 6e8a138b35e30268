"""Small JSON documents a job publishes for the API to list (the content packs, the offline
packs), kept in ``cached_documents`` under a name of their own."""

from __future__ import annotations

import gzip
import hashlib
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from api.models.system import CachedDocument


async def publish(executor: AsyncConnection | AsyncSession, name: str, payload: Any) -> None:
    """Replace the document ``name`` with ``payload`` (as JSON)."""
    document = json.dumps(payload).encode()
    values = {
        "name": name,
        "etag": '"' + hashlib.sha256(document).hexdigest()[:32] + '"',
        "content_type": "application/json",
        "body_gzip": gzip.compress(document),
        "size_bytes": len(document),
        "built_at": sa.func.now(),
    }
    await executor.execute(
        insert(CachedDocument)
        .values(**values)
        .on_conflict_do_update(
            index_elements=["name"], set_={k: v for k, v in values.items() if k != "name"}
        )
    )


async def published(executor: AsyncConnection | AsyncSession, name: str) -> Any | None:
    """The document ``name`` last published; None before the first."""
    body = await executor.scalar(
        sa.select(CachedDocument.body_gzip).where(CachedDocument.name == name)
    )
    return None if body is None else json.loads(gzip.decompress(body))
