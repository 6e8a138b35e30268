"""The airports GeoJSON document: built once per data change, stored, served as is."""

from __future__ import annotations

import gzip
import hashlib
import zlib
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from api.core.catalogue import POPULATED
from api.models.system import CachedDocument

DOCUMENT_NAME = "airports.geojson"
CONTENT_TYPE = "application/geo+json"

_FEATURES_SQL = sa.text(
    """
    SELECT a.code, a.facility_type, a.longitude, a.latitude,
           coalesce(array_agg(t.name ORDER BY t.name) FILTER (WHERE t.name IS NOT NULL),
                    '{}') AS tags
    FROM airports a
    LEFT JOIN tags t ON t.airport_id = a.id
    GROUP BY a.id
    ORDER BY a.code
    """
)


@dataclass(frozen=True, slots=True)
class GeojsonDocument:
    etag: str
    body: bytes
    body_gzip: bytes


def feature_id(code: str) -> int:
    """A stable integer id for a map feature (map libraries want numbers)."""
    return zlib.crc32(code.encode())


def _feature(code: str, facility_type: str, lon: float, lat: float, tags: list[str]) -> Any:
    names = list(tags)
    if "empty" not in names:
        names.append(POPULATED)
    return {
        "type": "Feature",
        "id": feature_id(code),
        "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
        "properties": {"code": code, "facility_type": facility_type, "tags": names},
    }


async def build_document(connection: AsyncConnection | AsyncSession) -> GeojsonDocument:
    """Render every airport as a compact GeoJSON feature collection."""
    rows = (await connection.execute(_FEATURES_SQL)).all()
    body = orjson.dumps({"type": "FeatureCollection", "features": [_feature(*row) for row in rows]})
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
