"""The airports GeoJSON document: built once per data change, stored, served as is."""

from __future__ import annotations

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

# The whole collection is rendered by PostgreSQL in one pass. A feature's id is an integer (map
# libraries want numbers): the first 32 bits of the MD5 of its code, as ``feature_id`` computes.
_DOCUMENT_SQL = sa.text(
    """
    SELECT json_build_object(
        'type', 'FeatureCollection',
        'features', coalesce(json_agg(feature ORDER BY code), '[]'))::text
    FROM (
        SELECT a.code, json_build_object(
            'type', 'Feature',
            'id', ('x' || lpad(left(md5(a.code), 8), 16, '0'))::bit(64)::bigint,
            'geometry', json_build_object(
                'type', 'Point',
                'coordinates', json_build_array(round(a.longitude::numeric, 5),
                                                round(a.latitude::numeric, 5))),
            'properties', json_build_object(
                'code', a.code,
                'facility_type', a.facility_type,
                'tags', coalesce(t.names, '{}')
                        || CASE WHEN 'empty' = ANY(coalesce(t.names, '{}')) THEN '{}'::text[]
                                ELSE ARRAY[:populated]::text[] END)) AS feature
        FROM airports a
        LEFT JOIN LATERAL (
            SELECT array_agg(name::text ORDER BY name) AS names
            FROM tags WHERE tags.airport_id = a.id
        ) t ON true
    ) features
    """
)


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
    text = (await connection.execute(_DOCUMENT_SQL, {"populated": POPULATED})).scalar_one()
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
