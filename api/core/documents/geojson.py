"""The airports GeoJSON document: built once per data change, stored, served as is."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from api.core.catalogue import POPULATED
from api.models.system import CachedDocument

DOCUMENT_NAME = "airports.geojson"
CONTENT_TYPE = "application/geo+json"

# The whole collection is rendered by PostgreSQL in one pass, as text put together from each
# airport's values (a third faster than building JSON values and aggregating them). A
# feature's id is an integer (map libraries want numbers): the first 32 bits of the MD5 of its
# code, as ``feature_id`` computes.
_DOCUMENT_SQL = sa.text(
    """
    SELECT '{"type":"FeatureCollection","features":[' || coalesce(string_agg(
        '{"type":"Feature","id":'
        || (('x' || lpad(left(md5(a.code), 8), 16, '0'))::bit(64)::bigint)::text
        || ',"geometry":{"type":"Point","coordinates":['
        || round(a.longitude::numeric, 5)::text || ',' || round(a.latitude::numeric, 5)::text
        || ']},"properties":{"code":' || to_json(a.code)::text
        || ',"facility_type":' || to_json(a.facility_type)::text
        || ',"importance":' || a.importance::text
        || ',"tags":' || array_to_json(
            coalesce(t.names, '{}')
            || CASE WHEN 'empty' = ANY(coalesce(t.names, '{}')) THEN '{}'::text[]
                    ELSE ARRAY[:populated]::text[] END)::text
        || '}}',
        ',' ORDER BY a.code), '') || ']}'
    FROM airports a
    LEFT JOIN (
        SELECT airport_id, array_agg(name::text ORDER BY name) AS names
        FROM tags GROUP BY airport_id
    ) t ON t.airport_id = a.id
    """
)
# Sorting the whole country's features stays in memory.
_WORK_MEM_SQL = sa.text("SET LOCAL work_mem = '64MB'")


@dataclass(frozen=True, slots=True)
class GeojsonDocument:
    etag: str
    body: bytes
    body_gzip: bytes


def feature_id(code: str) -> int:
    """The integer id of an airport's map feature (the same as the document's)."""
    return int(hashlib.md5(code.encode(), usedforsecurity=False).hexdigest()[:8], 16)


async def build_document(connection: AsyncConnection | AsyncSession) -> GeojsonDocument:
    """Render every airport as a compact GeoJSON feature collection."""
    await connection.execute(_WORK_MEM_SQL)
    text = (await connection.execute(_DOCUMENT_SQL, {"populated": POPULATED})).scalar_one()
    # Compressing megabytes takes tens of milliseconds: not on the event loop that serves.
    return await asyncio.to_thread(_document, text)


def _document(text: str) -> GeojsonDocument:
    body = text.encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return GeojsonDocument(etag=etag, body=body, body_gzip=gzip.compress(body, 6, mtime=0))


async def is_built(connection: AsyncConnection | AsyncSession) -> bool:
    """Whether the document has been stored."""
    statement = sa.select(CachedDocument.name).where(CachedDocument.name == DOCUMENT_NAME)
    return (await connection.execute(statement)).first() is not None


async def rebuild(connection: AsyncConnection | AsyncSession) -> GeojsonDocument:
    """Build the document and store it, in the caller's transaction."""
    document = await build_document(connection)
    values = {
        "name": DOCUMENT_NAME,
        "etag": document.etag,
        "content_type": CONTENT_TYPE,
        "body_gzip": document.body_gzip,
        "size_bytes": len(document.body),
        "built_at": sa.func.now(),
    }
    statement = insert(CachedDocument).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[CachedDocument.name],
        set_={key: statement.excluded[key] for key in values if key != "name"},
    )
    await connection.execute(statement)
    return document
