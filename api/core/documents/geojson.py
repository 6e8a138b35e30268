"""The airports GeoJSON document: built once per data change, stored, served as is."""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass

import orjson
import sqlalchemy as sa
from isal import igzip, isal_zlib
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

# The map's id of an airport ``a``: an integer (map libraries want numbers), the first 32 bits
# of the MD5 of its code, as ``feature_id`` computes.
FEATURE_ID_SQL = "(('x' || lpad(left(md5(a.code), 8), 16, '0'))::bit(64)::bigint)"
# The tags the map shows of an airport ``a``: its stored tags (``a.tag_names``, kept by
# triggers on ``tags``), and ``populated`` (the parameter) unless it is ``empty``.
MAP_TAGS_SQL = """(
    a.tag_names
    || CASE WHEN 'empty' = ANY(a.tag_names) THEN '{}'::text[] ELSE ARRAY[:populated]::text[] END
)"""

# An airport ``a`` as a compact GeoJSON feature, with its tags.
_FEATURE = f"""
    '{{"type":"Feature","id":'
    || {FEATURE_ID_SQL}::text
    || ',"geometry":{{"type":"Point","coordinates":['
    || round(a.longitude::numeric, 5)::text || ',' || round(a.latitude::numeric, 5)::text
    || ']}},"properties":{{"code":' || to_json(a.code)::text
    || ',"facility_type":' || to_json(a.facility_type)::text
    || ',"importance":' || a.importance::text
    || ',"tags":' || array_to_json({MAP_TAGS_SQL})::text
    || '}}}}'
"""
_HEAD = '{"type":"FeatureCollection","features":['
_TAIL = "]}"
# Where each feature begins: written by _FEATURE alone, and no value holds it.
_START = b'{"type":"Feature","id":'

# The whole collection is rendered by PostgreSQL in one pass, as text put together from each
# airport's values (a third faster than building JSON values and aggregating them).
_DOCUMENT_SQL = sa.text(
    f"""
    SELECT '{_HEAD}' || coalesce(string_agg({_FEATURE}, ',' ORDER BY a.code), '') || '{_TAIL}'
    FROM airports a
    """
)
# The features of some airports (by code), to patch the document with.
_FEATURES_SQL = sa.text(
    f"""
    SELECT a.code, {_FEATURE}
    FROM airports a
    WHERE a.code = ANY(:codes)
    """
)
# One builder of the stored document at a time, across processes; each sees what committed.
_LOCK_SQL = sa.text("SELECT pg_advisory_xact_lock(hashtext('pirep.geojson'))")
# A map with more changed airports than this is rebuilt whole (one pass is cheaper then).
PATCH_AT_MOST = 2000
# An airport's code in its feature (as JSON); a patch of this many airports or fewer looks for
# each one, more make an index of every feature in one pass. (A search is a fraction of a
# millisecond in C; the index is a regular expression over every feature, some 10 ms of a
# country's map, holding the interpreter from the process's requests.)
_CODE = re.compile(rb'"properties":\{"code":("(?:[^"\\]|\\.)*"),')
SEARCH_EACH_AT_MOST = 64
# isal's level 2: as small as zlib's level 6 within a few percent, ten times faster.
GZIP_LEVEL = 2
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


def _document(text: str | bytes) -> GeojsonDocument:
    body = text.encode() if isinstance(text, str) else text
    body_gzip = gzip(body)
    # The digest of the compressed body (an eighth of the bytes): the same for the same body,
    # which it is made from without a timestamp.
    etag = '"' + hashlib.sha256(body_gzip).hexdigest()[:32] + '"'
    return GeojsonDocument(etag=etag, body=body, body_gzip=body_gzip)


def gzip(body: bytes) -> bytes:
    """``body`` compressed for the map's readers."""
    return igzip.compress(body, GZIP_LEVEL, mtime=0)


def gunzip(body_gzip: bytes) -> bytes:
    return isal_zlib.decompress(body_gzip, wbits=16 + isal_zlib.MAX_WBITS)


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
    """The stored document with these airports' features (None: the airport is gone). Only the
    changed features are looked at: the rest of the document is copied as it is."""
    body = gunzip(body_gzip)
    inner = body[len(_HEAD) : len(body) - len(_TAIL)]
    starts = _feature_starts(inner, features)
    spans, added = [], []
    for code, feature in features.items():
        new = feature.encode() if feature is not None else None
        at = starts.get(code, -1)
        if at < 0:
            added.extend([new] if new else [])
            continue
        start = inner.rfind(_START, 0, at)
        end = inner.find(b"," + _START, at)
        spans.append((start, len(inner) if end < 0 else end, new))
    # The features between the changed ones, each run without its separating commas.
    pieces: list[bytes] = []
    position = 0
    for start, end, new in sorted(spans, key=lambda span: span[0]):
        if start > position:
            pieces.append(inner[position : start - 1])
        pieces.extend([new] if new else [])
        position = end + 1
    if position < len(inner):
        pieces.append(inner[position:])
    pieces.extend(added)
    return _document(_HEAD.encode() + b",".join(pieces) + _TAIL.encode())


def _feature_starts(inner: bytes, features: dict[str, str | None]) -> dict[str, int]:
    """Where in ``inner`` each airport's code is (-1: not there)."""
    wanted = {orjson.dumps(code): code for code in features}
    if len(wanted) <= SEARCH_EACH_AT_MOST:
        return {
            code: inner.find(b'"properties":{"code":' + quoted + b",")
            for quoted, code in wanted.items()
        }
    return {
        wanted[match.group(1)]: match.start()
        for match in _CODE.finditer(inner)
        if match.group(1) in wanted
    }


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
