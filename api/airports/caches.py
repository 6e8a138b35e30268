"""What a web process keeps in memory of airport data, and how it learns of changes: the
detail documents, the map's GeoJSON, and the rebuilder that brings the map up to date after a
change is committed."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.airports import repository
from api.core.changes import ChangeRow, RecordedChange, changes_after, last_change
from api.core.documents import geojson

logger = logging.getLogger("api")


# Changes read at once on revalidation; a process that fell further behind drops everything.
CHANGES_READ_AT_ONCE = 5000


@dataclass(frozen=True)
class Offered:
    """A document a writer rendered after its change (``DetailCache.offer``)."""

    key: str
    document: bytes
    # The airports it shows (ids or codes), and when it goes stale (epoch seconds).
    tags: frozenset[str]
    expires: float | None
    # The last change its process had applied when it was rendered.
    seen: int | None


@dataclass
class DetailCache:
    """Documents about airports kept in memory (details, search answers), each dropped as soon
    as an airport it shows changes.

    Each entry is tagged with the airports it shows (their ids or codes). At most every
    ``revalidate_seconds`` a web process reads the changes committed since the last one it saw
    (``data_changes``, one indexed query) and drops the entries tagged with a changed airport;
    a change of the whole site, or of a field in ``drops_all``, drops every entry. A change made
    elsewhere shows within that time, and at once in the process that made it. A document
    showing weather is also dropped when its METAR grows too old to show (no data changes
    then).
    """

    max_entries: int
    revalidate_seconds: float
    # A change of any of these fields, on any airport, may alter any entry.
    drops_all: frozenset[str] = frozenset()
    # The id of the last change applied; None until the first revalidation.
    seen: int | None = None
    checked_at: float = float("-inf")
    entries: OrderedDict[str, bytes] = field(default_factory=OrderedDict)
    # Wall-clock time (epoch seconds) after which an entry is stale, for those that have one.
    expires: dict[str, float] = field(default_factory=dict)
    _tags: dict[str, frozenset[str]] = field(default_factory=dict)
    _keys: dict[str, set[str]] = field(default_factory=dict)
    # Documents writers of this process rendered after their change (``offer``), by the
    # generation of the change.
    _offers: dict[int, list[Offered]] = field(default_factory=dict)

    async def revalidate(self, session: AsyncSession) -> None:
        if time.monotonic() - self.checked_at < self.revalidate_seconds:
            return
        if self.seen is None:
            self.clear()
            self.seen = await last_change(session)
        else:
            changes = await changes_after(session, self.seen, CHANGES_READ_AT_ONCE)
            if len(changes) == CHANGES_READ_AT_ONCE:
                self.clear()
                self.seen = await last_change(session)
            elif changes:
                start = self.seen
                self.apply(changes)
                self.seen = changes[-1].id
                self._keep_offered(start, changes)
        self._offers.clear()
        self.checked_at = time.monotonic()

    def apply(self, changes: list[ChangeRow]) -> None:
        """Drop what ``changes`` made stale."""
        for change in changes:
            if change.site_wide or not self.drops_all.isdisjoint(change.fields):
                self.clear()
                return
            for tag in (str(change.airport_id), change.airport_code):
                for key in list(self._keys.get(tag or "", ())):
                    self.drop(key)

    def recheck(self) -> None:
        """Read the changes again on next use (after this process changed data)."""
        self.checked_at = float("-inf")

    def offer(self, generation: int, offered: Offered) -> None:
        """A document a writer of this process rendered in its transaction, after its change
        (of ``generation``), now committed: kept when the change is read, so that the process
        need not render the airport again. Only if nothing else could have changed what it
        shows: the process had applied every change before it was rendered (``offered.seen``
        is still where the change is read from), and no other change read with it touches
        an airport it shows."""
        if self.max_entries > 0:
            self._offers.setdefault(generation, []).append(offered)

    def _keep_offered(self, start: int | None, changes: list[ChangeRow]) -> None:
        if not self._offers:
            return
        touched: dict[str, set[int]] = {}
        for change in changes:
            for tag in (str(change.airport_id), change.airport_code):
                if tag:
                    touched.setdefault(tag, set()).add(change.generation)
        for generation, offers in self._offers.items():
            for offered in offers:
                by = set().union(*(touched.get(tag, set()) for tag in offered.tags))
                if offered.seen == start and by == {generation}:
                    self._keep(offered.key, offered.document, offered.tags, offered.expires)

    def clear(self) -> None:
        self._offers.clear()
        self.entries.clear()
        self.expires.clear()
        self._tags.clear()
        self._keys.clear()

    def get(self, key: str) -> bytes | None:
        expires = self.expires.get(key)
        if expires is not None and time.time() >= expires:
            self.drop(key)
            return None
        document = self.entries.get(key)
        if document is not None:
            self.entries.move_to_end(key)
        return document

    def put(
        self,
        key: str,
        document: bytes,
        tags: Iterable[str] = (),
        expires: float | None = None,
        *,
        seen: int | None,
    ) -> None:
        """Keep ``document``, which shows the airports ``tags``, read when the last change
        applied was ``seen``: a document read before newer changes were applied may already be
        stale, and is not kept."""
        if self.max_entries <= 0 or seen is None or seen != self.seen:
            return
        self._keep(key, document, tags, expires)

    def _keep(self, key: str, document: bytes, tags: Iterable[str], expires: float | None) -> None:
        self.drop(key)
        self.entries[key] = document
        if expires is not None:
            self.expires[key] = expires
        self._tags[key] = frozenset(tags)
        for tag in self._tags[key]:
            self._keys.setdefault(tag, set()).add(key)
        if len(self.entries) > self.max_entries:
            self.drop(next(iter(self.entries)))

    def drop(self, key: str) -> None:
        self.entries.pop(key, None)
        self.expires.pop(key, None)
        for tag in self._tags.pop(key, ()):
            keys = self._keys.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._keys[tag]


@dataclass
class GeojsonCache:
    """The airports GeoJSON held in memory, re-checked against the database every few seconds.

    The document is built by whoever changes the data (the importer, edits); a web process only
    compares ETags, so serving it never rebuilds it.
    """

    revalidate_seconds: float
    etag: str | None = None
    body_gzip: bytes = b""
    _body: bytes | None = None
    checked_at: float = float("-inf")

    def is_fresh(self) -> bool:
        return time.monotonic() - self.checked_at < self.revalidate_seconds

    def recheck(self) -> None:
        """Look at the stored document again on next use (after this process changed it)."""
        self.checked_at = float("-inf")

    @property
    def body(self) -> bytes:
        if self._body is None:
            self._body = geojson.gunzip(self.body_gzip)
        return self._body

    def hold(self, document: geojson.GeojsonDocument) -> None:
        """Serve ``document``, which this process has just stored."""
        self.etag, self.body_gzip, self._body = document.etag, document.body_gzip, document.body
        self.checked_at = time.monotonic()

    async def refresh(self, session: AsyncSession) -> None:
        """Reload the document when its ETag in the database changed; build it if missing."""
        etag = await repository.geojson_etag(session)
        if etag is None:
            self.hold(await geojson.rebuild(session))
            return
        if etag != self.etag:
            stored = await repository.geojson_document(session)
            if stored is not None:
                self.etag, self.body_gzip, self._body = stored.etag, stored.body_gzip, None
        self.checked_at = time.monotonic()


class MapRebuilder:
    """Brings the map's GeoJSON up to date after changes that alter it, once they are committed
    and off the writers' path: the changed airports' features are patched into the stored
    document (`geojson.follow`; compressing it runs in a thread), and it is rebuilt whole only
    when the whole site changed. The changes of ``delay`` seconds are gathered into one patch,
    and changes that come while one runs into one more. Nobody waits for it but the writers:
    their own reads of the map wait for the patch that covers their change (and hurry it), so
    they see it at once; everyone else gets the new document within the delay, and other
    processes when they revalidate their copy."""

    def __init__(self, cache: GeojsonCache, delay: float = 1.0) -> None:
        self._cache = cache
        self._delay = delay
        self._factory: async_sessionmaker[AsyncSession] | None = None
        self._wanted: set[str] = set()  # the writers (client addresses) of pending changes
        self._covering: set[str] = set()  # the writers whose changes the running rebuild has
        self._hurry = asyncio.Event()
        self._requested = 0  # changes asked for so far
        self._built = 0  # how many of them the last finished rebuild covered
        self._finished = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    def bind(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory

    def after_change(self, recorded: RecordedChange, info: dict[str, Any]) -> None:
        """A web session's change committed: rebuild when the map shows what changed."""
        if recorded.map_changed:
            self.request(info.get("client"))

    def request(self, writer: str | None) -> None:
        """Rebuild soon: a change by ``writer`` committed."""
        self._requested += 1
        if writer:
            self._wanted.add(writer)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def owes(self, reader: str | None) -> bool:
        """Whether ``reader`` changed the map and the document does not show it yet."""
        return self.busy and reader is not None and reader in (self._wanted | self._covering)

    async def settle_for(self, reader: str | None) -> None:
        """For a writer's read of the map: wait for the rebuild that shows its change."""
        if self.owes(reader):
            await self.settle()

    async def settle(self) -> None:
        """Wait for a rebuild that covers every change made so far, hurrying it (but not for
        the changes that come meanwhile)."""
        target = self._requested
        self._hurry.set()
        async with self._finished:
            await self._finished.wait_for(lambda: self._built >= target or not self.busy)

    async def idle(self) -> None:
        """Wait until no rebuild is pending (shutdown, tests)."""
        self._hurry.set()
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def _run(self) -> None:
        assert self._factory is not None
        while self._requested > self._built:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._hurry.wait(), self._delay)
            self._hurry.clear()
            covered = self._requested
            self._covering, self._wanted = self._wanted, set()
            followed = None
            try:
                async with self._factory() as session, session.begin():
                    document = await geojson.follow(session)
                followed = document  # once committed
            except Exception:
                logger.exception("The map's GeoJSON was not updated; the hourly job will.")
            self._covering = set()
            if followed is not None:
                self._cache.hold(followed)  # what it stored: no need to read it back
            else:
                self._cache.recheck()
            async with self._finished:
                self._built = covered
                self._finished.notify_all()


IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=60, must-revalidate"
GEOJSON_MEDIA_TYPE = "application/geo+json"


@dataclass(frozen=True, slots=True)
class GeojsonReply:
    status: int
    body: bytes
    headers: dict[str, str]
    media_type: str | None = GEOJSON_MEDIA_TYPE


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header admits gzip (``gzip;q=0`` refuses it)."""
    for item in (accept_encoding or "").split(","):
        name, _, parameters = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            quality = parameters.strip().removeprefix("q=").strip() if parameters else "1"
            try:
                return float(quality) > 0
            except ValueError:
                return True
    return False


def document_reply(body: bytes, if_none_match: str | None) -> tuple[int, bytes, dict[str, str]]:
    """A JSON document's answer, with a weak ETag (GZip middleware may compress the body: the
    same content in another encoding); 304 without a body when the client has this copy."""
    etag = 'W/"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    headers = {"ETag": etag}
    if if_none_match and _etag_matches(if_none_match, {etag.removeprefix("W/")}):
        return 304, b"", headers
    return 200, body, headers


def _etag_matches(if_none_match: str, etags: set[str]) -> bool:
    """If-None-Match compares weakly (RFC 9110 13.1.2): a proxy may have added ``W/``."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or bool(tags & etags)


def geojson_reply(
    cache: GeojsonCache, if_none_match: str | None, accept_encoding: str | None, version: str | None
) -> GeojsonReply:
    """The answer to a request for the airports GeoJSON: 304, gzip or plain.

    The gzip and plain bodies are different representations, so each has its own strong ETag;
    either one revalidates, since both carry the same content.
    """
    plain_etag = cache.etag or '""'
    gzip_etag = plain_etag[:-1] + '-gzip"'
    use_gzip = accepts_gzip(accept_encoding)
    headers = {
        "ETag": gzip_etag if use_gzip else plain_etag,
        "Cache-Control": IMMUTABLE if version and f'"{version}"' == plain_etag else REVALIDATE,
    }
    # The GZip middleware adds its Vary to a plain body (its size passes the middleware's
    # minimum), and leaves alone a body already encoded or an empty one.
    encoded = {**headers, "Vary": "Accept-Encoding"}
    if if_none_match and _etag_matches(if_none_match, {plain_etag, gzip_etag}):
        return GeojsonReply(304, b"", encoded, None)
    if use_gzip:
        return GeojsonReply(200, cache.body_gzip, {**encoded, "Content-Encoding": "gzip"})
    return GeojsonReply(200, cache.body, headers)


@dataclass
class TileCache:
    """Vector tiles of the map's current version kept in memory, at most ``max_bytes`` (the
    least recently used go first), as the CDN keeps them in production; a new version of the
    map starts afresh."""

    max_bytes: int
    version: str | None = None
    size: int = 0
    entries: OrderedDict[tuple[int, int, int], bytes] = field(default_factory=OrderedDict)

    def get(self, version: str, key: tuple[int, int, int]) -> bytes | None:
        if version != self.version:
            self.version, self.entries, self.size = version, OrderedDict(), 0
            return None
        body = self.entries.get(key)
        if body is not None:
            self.entries.move_to_end(key)
        return body

    def put(self, version: str, key: tuple[int, int, int], body: bytes) -> None:
        if version != self.version or len(body) > self.max_bytes or key in self.entries:
            return
        self.entries[key] = body
        self.size += len(body)
        while self.size > self.max_bytes:
            _, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped)


def tile_headers(
    cache: GeojsonCache, z: int, x: int, y: int, version: str | None
) -> dict[str, str]:
    """A vector tile's ETag and caching, from the map's version: a tile asked for with the
    current version (``?v=`` of `/api/v1/meta`) never changes; others are revalidated."""
    current = (cache.etag or '""').strip('"')
    return {
        "ETag": f'"{current[:20]}-{z}-{x}-{y}"',
        "Cache-Control": IMMUTABLE if version and version == current else REVALIDATE,
    }


def not_modified(if_none_match: str | None, etag: str) -> bool:
    return if_none_match is not None and _etag_matches(if_none_match, {etag})
