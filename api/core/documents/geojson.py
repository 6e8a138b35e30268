"""The airports GeoJSON document: built once per data change, stored, served as is."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import re
from dataclasses import dataclass

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from api.core.catalogue import POPULATED
from api.models.system import CachedDocument, DataChange

DOCUMENT_NAME = "airports.geojson"
CONTENT_TYPE = "application/geo+json"

# What the map's airports show: a change of any of these changes the document.
MAP_FIELDS = frozenset(
    {"airport", "code", "latitude", "longitude", "facility_type", "importance", "tags"}
)

# An airport ``a`` as a compact GeoJSON feature, with its tags ``t.names``. A feature's id is
# an integer (map libraries want numbers): the first 32 bits of the MD5 of its code, as
# ``feature_id`` computes.
_FEATURE = """
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
    || '}}'
"""
_HEAD = '{"type":"FeatureCollection","features":['
_TAIL = "]}"

# The whole collection is rendered by PostgreSQL in one pass, as text put together from each
# airport's values (a third faster than building JSON values and aggregating them).
_DOCUMENT_SQL = sa.text(
    f"""
    SELECT '{_HEAD}' || coalesce(string_agg({_FEATURE}, ',' ORDER BY a.code), '') || '{_TAIL}'
    FROM airports a
    LEFT JOIN (
        SELECT airport_id, array_agg(name::text ORDER BY name) AS names
        FROM tags GROUP BY airport_id
    ) t ON t.airport_id = a.id
    """
)
# The features of some airports (by code), to patch the document with.
_FEATURES_SQL = sa.text(
    f"""
    SELECT a.code, {_FEATURE}
    FROM airports a
    LEFT JOIN LATERAL (
        SELECT array_agg(name::text ORDER BY name) AS names FROM tags WHERE airport_id = a.id
    ) t ON true
    WHERE a.code = ANY(:codes)
    """
)
# One builder of the stored document at a time, across processes; each sees what committed.
_LOCK_SQL = sa.text("SELECT pg_advisory_xact_lock(hashtext('pirep.geojson'))")
# A map with more changed airports than this is rebuilt whole (one pass is cheaper then).
PATCH_AT_MOST = 2000
_CODE = re.compile(r'"properties":\{"code":("(?:[^"\\]|\\.)*")')
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
    await connection.execute(_LOCK_SQL)
    # Read first: the document then shows at least every change up to it.
    change_id = await _last_change(connection)
    document = await build_document(connection)
    await _store(connection, document, change_id)
    return document


async def follow(connection: AsyncConnection | AsyncSession) -> GeojsonDocument | None:
    """Bring the stored document up to date with the changes committed after the last one it
    shows (and the caller's own), in the caller's transaction: the changed airports' features
    are replaced, added or removed. It is rebuilt whole when nothing is stored, the whole site
    or an airport's code changed, or more than ``PATCH_AT_MOST`` airports did. None when it
    already showed every change."""
    await connection.execute(_LOCK_SQL)
    stored = (
        await connection.execute(
            sa.select(CachedDocument.change_id, CachedDocument.body_gzip).where(
                CachedDocument.name == DOCUMENT_NAME
            )
        )
    ).first()
    if stored is None or stored.change_id is None:
        return await rebuild(connection)
    rows = await connection.execute(
        sa.select(DataChange.id, DataChange.airport_code, DataChange.fields)
        .where(DataChange.id > stored.change_id)
        .order_by(DataChange.id)
    )
    change_id, codes, whole = stored.change_id, set(), False
    for row in rows:
        change_id = row.id
        if row.airport_code is None or "code" in row.fields:
            whole = True
        elif not MAP_FIELDS.isdisjoint(row.fields):
            codes.add(row.airport_code)
    if whole or len(codes) > PATCH_AT_MOST:
        return await rebuild(connection)
    if change_id == stored.change_id:
        return None
    if not codes:
        await connection.execute(
            sa.update(CachedDocument)
            .where(CachedDocument.name == DOCUMENT_NAME)
            .values(change_id=change_id)
        )
        return None
    found = await connection.execute(
        _FEATURES_SQL, {"codes": sorted(codes), "populated": POPULATED}
    )
    features: dict[str, str | None] = dict.fromkeys(codes)
    features.update((row[0], row[1]) for row in found)
    document = await asyncio.to_thread(_patched, stored.body_gzip, features)
    await _store(connection, document, change_id)
    return document


def _patched(body_gzip: bytes, features: dict[str, str | None]) -> GeojsonDocument:
    """The stored document with these airports' features (None: the airport is gone)."""
    text = gzip.decompress(body_gzip).decode()
    inner = text[len(_HEAD) : -len(_TAIL)]
    # Features are written by _FEATURE alone: each begins with this, and no value holds it.
    start = '{"type":"Feature","id":'
    items = [start + item for item in inner[len(start) :].split("," + start)] if inner else []
    kept: list[str] = []
    for item in items:
        match = _CODE.search(item)
        code = orjson.loads(match.group(1)) if match else None
        if code in features:
            replacement = features.pop(code)
            if replacement is not None:
                kept.append(replacement)
        else:
            kept.append(item)
    kept.extend(feature for feature in features.values() if feature is not None)
    return _document(_HEAD + ",".join(kept) + _TAIL)


async def _last_change(connection: AsyncConnection | AsyncSession) -> int:
    statement = sa.select(sa.func.coalesce(sa.func.max(DataChange.id), 0))
    return int((await connection.execute(statement)).scalar_one())


async def _store(
    connection: AsyncConnection | AsyncSession, document: GeojsonDocument, change_id: int
) -> None:
    values = {
        "name": DOCUMENT_NAME,
        "etag": document.etag,
        "content_type": CONTENT_TYPE,
        "body_gzip": document.body_gzip,
        "size_bytes": len(document.body),
        "built_at": sa.func.now(),
        "change_id": change_id,
    }
    statement = insert(CachedDocument).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[CachedDocument.name],
        set_={key: statement.excluded[key] for key in values if key != "name"},
    )
    await connection.execute(statement)
