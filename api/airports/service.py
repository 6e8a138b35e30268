"""Rules for reading airports."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import logging
import time
import uuid
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import orjson
import sqlalchemy as sa
from crawlerdetect import CrawlerDetect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from ua_parser import parse as ua_parse

from api.airports import policy, repository
from api.airports.schemas import (
    AirportEdit,
    HistoryAuthor,
    NewAirport,
    TextEdit,
    VersionPreview,
)
from api.core import markdown, photos
from api.core.captcha import TurnstileClient
from api.core.catalogue import ADDABLE_TAGS
from api.core.changes import (
    AFTER_CHANGE,
    ChangeKind,
    Changes,
    RecordedChange,
    current_generation,
    record_changes,
)
from api.core.documents import geojson
from api.core.errors import Conflict, EditConflict, NotFound, ValidationFailed
from api.core.geoip import GeoLocator
from api.core.names import display_name, display_optional
from api.core.policy import Requester, is_verified
from api.core.storage import Sink
from api.core.sun import local_today, sun_times
from api.models.airports import WIKI_FIELDS
from api.models.community import Event, Version
from api.models.enums import ActionType, VersionEvent, VersionItemType
from api.models.users import User, public_name
from api.users import service as users_service

logger = logging.getLogger("api")


def normalise_code(value: str) -> tuple[str, uuid.UUID | None, str | None]:
    """The code to look up, the id if ``value`` is a UUID, and the FAA code of a K-ICAO code."""
    text = value.strip()
    try:
        airport_id: uuid.UUID | None = uuid.UUID(text)
    except ValueError:
        airport_id = None
    code = text.upper()
    # CONUS ICAO codes are K + the FAA identifier: KPAE finds PAE.
    k_code = code[1:] if len(code) == 4 and code.startswith("K") else None
    return code, airport_id, k_code


@dataclass
class DetailCache:
    """Airport detail documents kept in memory, dropped as soon as airport data changes.

    Every change of airport data moves ``site_settings.data_generation``; a web process looks
    at it at most every ``revalidate_seconds``, so a change made elsewhere shows within that
    time (and at once in the process that made it). A document showing weather is also
    dropped when its METAR grows too old to show (no data changes then).
    """

    max_entries: int
    revalidate_seconds: float
    generation: int | None = None
    checked_at: float = float("-inf")
    entries: OrderedDict[str, bytes] = field(default_factory=OrderedDict)
    # Wall-clock time (epoch seconds) after which an entry is stale, for those that have one.
    expires: dict[str, float] = field(default_factory=dict)

    async def revalidate(self, session: AsyncSession) -> None:
        if time.monotonic() - self.checked_at < self.revalidate_seconds:
            return
        generation = await current_generation(session)
        if generation != self.generation:
            self.entries.clear()
            self.expires.clear()
            self.generation = generation
        self.checked_at = time.monotonic()

    def expire(self) -> None:
        """Look at the data generation again on next use (after this process changed data)."""
        self.checked_at = float("-inf")

    def get(self, key: str) -> bytes | None:
        expires = self.expires.get(key)
        if expires is not None and time.time() >= expires:
            self.entries.pop(key, None)
            del self.expires[key]
            return None
        document = self.entries.get(key)
        if document is not None:
            self.entries.move_to_end(key)
        return document

    def put(self, key: str, document: bytes, expires: float | None = None) -> None:
        if self.max_entries <= 0:
            return
        self.entries[key] = document
        if expires is not None:
            self.expires[key] = expires
        else:
            self.expires.pop(key, None)
        if len(self.entries) > self.max_entries:
            oldest, _ = self.entries.popitem(last=False)
            self.expires.pop(oldest, None)


async def airport_detail(
    session: AsyncSession, value: str, cache: DetailCache | None = None, assets: str = "/assets"
) -> bytes:
    """The airport's detail document as JSON bytes, by code, ICAO code or id."""
    code, airport_id, k_code = normalise_code(value)
    generation = None
    if cache is not None:
        await cache.revalidate(session)
        generation = cache.generation
        cached = cache.get(code)
        if cached is not None:
            return cached
    document = await repository.airport_detail_json(session, code, airport_id, k_code, assets)
    if document is None:
        raise NotFound(f"No airport has the code, ICAO code or id {value!r}.")
    body, expires = _with_html(document)
    # Read before a newer generation was seen by another request: too old to keep.
    if cache is not None and cache.generation == generation:
        cache.put(code, body, expires)
    return body


WEATHER_SHOWN_FOR = timedelta(hours=2)


def _with_html(document: str, now: datetime | None = None) -> tuple[bytes, float | None]:
    """The detail document with each Markdown text also rendered to sanitised HTML, names as
    a pilot reads them, today's sun times, and when it goes stale (epoch seconds: when its
    weather stops being shown or the airport's day ends; None when neither applies)."""
    now = now or datetime.now(UTC)
    detail = orjson.loads(document)
    for wiki in detail["wiki"].values():
        wiki["html"] = markdown.render(wiki["text"])
    detail["landing_requirements_html"] = markdown.render(detail["landing_requirements"])
    detail["official_name"], detail["official_city"] = detail["name"], detail["city"]
    detail["name"] = display_name(detail["name"])
    detail["city"] = display_optional(detail["city"])
    for similar in detail["similar"]:
        similar["name"] = display_name(similar["name"])
    stale_at: list[float] = []
    if detail.get("weather"):
        observed_at = datetime.fromisoformat(detail["weather"]["metar"]["observed_at"])
        stale_at.append((observed_at + WEATHER_SHOWN_FOR).timestamp())
    detail["sun"] = None
    if detail["timezone"]:
        day, day_ends = local_today(detail["timezone"], now)
        detail["sun"] = asdict(
            sun_times(detail["latitude"], detail["longitude"], detail["timezone"], day)
        )
        stale_at.append(day_ends.timestamp())
    return orjson.dumps(detail), min(stale_at, default=None)


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

    def expire(self) -> None:
        """Look at the stored document again on next use (after this process changed it)."""
        self.checked_at = float("-inf")

    @property
    def body(self) -> bytes:
        if self._body is None:
            self._body = gzip.decompress(self.body_gzip)
        return self._body

    async def refresh(self, session: AsyncSession) -> None:
        """Reload the document when its ETag in the database changed; build it if missing."""
        etag = await repository.geojson_etag(session)
        if etag is None:
            built = await geojson.rebuild(session)
            self.etag, self.body_gzip, self._body = built.etag, built.body_gzip, built.body
        elif etag != self.etag:
            stored = await repository.geojson_document(session)
            if stored is not None:
                self.etag, self.body_gzip, self._body = stored.etag, stored.body_gzip, None
        self.checked_at = time.monotonic()


class MapRebuilder:
    """Rebuilds the map's GeoJSON after changes that alter it, once they are committed and off
    the writers' path. Rebuilding takes a few hundred milliseconds with the whole country, so
    the changes of ``delay`` seconds are gathered into one rebuild, and changes that come while
    one runs into one more. Nobody waits for it but the writers: their own reads of the map
    wait for the rebuild that covers their change (and hurry it), so they see it at once;
    everyone else gets the new document within the delay, and other processes when they
    revalidate their copy."""

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
            try:
                async with self._factory() as session, session.begin():
                    # One rebuild at a time across processes; each sees all that committed.
                    await session.execute(
                        sa.text("SELECT pg_advisory_xact_lock(hashtext('pirep.geojson'))")
                    )
                    await geojson.rebuild(session)
            except Exception:
                logger.exception("The map's GeoJSON was not rebuilt; the hourly job will.")
            self._covering = set()
            self._cache.expire()
            async with self._finished:
                self._built = covered
                self._finished.notify_all()


async def changed(session: AsyncSession, kind: ChangeKind, changes: Changes) -> RecordedChange:
    """Record a change of airport data (``api.core.changes.record_changes``). A web session
    hands it to the map rebuilder once committed; where no process will (the worker, the
    command line), the map is rebuilt here, in the transaction."""
    recorded = await record_changes(session, kind, changes)
    await map_follows(session, recorded)
    return recorded


async def map_follows(session: AsyncSession, recorded: RecordedChange) -> None:
    """Rebuild the map in the transaction when it shows what changed and no process will
    after the commit (for a change recorded before the writer finished, call it once done)."""
    if recorded.map_changed and AFTER_CHANGE not in session.info:
        await geojson.rebuild(session)


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
        "Vary": "Accept-Encoding",
    }
    if if_none_match and _etag_matches(if_none_match, {plain_etag, gzip_etag}):
        return GeojsonReply(304, b"", headers, None)
    if use_gzip:
        headers["Content-Encoding"] = "gzip"
        return GeojsonReply(200, cache.body_gzip, headers)
    return GeojsonReply(200, cache.body, headers)


# --- Editing -------------------------------------------------------------------------------

COLLATE_WITHIN = timedelta(minutes=10)


def _plain(value: Any) -> Any:
    """A field's value as stored in JSON (enums as their names, models as objects)."""
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _column_value(name: str, value: Any) -> Any:
    """A JSON-plain value as its column takes it."""
    if name == "featured_photo_id" and value is not None:
        return uuid.UUID(value)
    return value


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def edit_airport(
    session: AsyncSession, requester: Requester, code: str, edit: AirportEdit
) -> None:
    """Apply an edit: every field is checked against the version its editor started from (409
    with the current values when someone changed it since); the changes are recorded as one
    version (merged into the editor's own version of the last ten minutes, if any)."""
    user, current = await locked_airport(session, requester, code)
    asked = edit.asked()
    stale = [name for name, edit_ in asked.items() if edit_.base != current[f"{name}__version"]]
    if stale:
        authors = await repository.last_changes(session, current["id"], stale)
        raise EditConflict(
            f"Someone changed {', '.join(stale)} since you started; nothing was saved. "
            "Here is the current text: merge your change into it and save again.",
            [
                {
                    "field": name,
                    "current": _plain(current[name]),
                    "version": current[f"{name}__version"],
                    "changed_by": authors[name][0],
                    "changed_at": _iso(authors[name][1]),
                }
                for name in stale
            ],
        )
    values: dict[str, Any] = {}
    for name, asked_field in asked.items():
        new = asked_field.text if isinstance(asked_field, TextEdit) else asked_field.value
        if isinstance(new, str) and not new.strip():
            new = None
        values[name] = _plain(new)
    changes = {
        name: [_plain(current[name]), value]
        for name, value in values.items()
        if _plain(current[name]) != value
    }
    if not changes:
        return
    featured = changes.get("featured_photo_id", [None, None])[1]
    if featured is not None and not await repository.photo_of_airport(
        session, uuid.UUID(str(featured)), current["id"]
    ):
        raise ValidationFailed(
            "The featured photo must be one of this airport's photos.",
            fields=[{"field": "featured_photo_id", "message": "not a photo of this airport"}],
        )
    await repository.update_fields(
        session, current["id"], {name: _column_value(name, values[name]) for name in changes}
    )
    mine = await repository.recent_own_version(session, current["id"], user.id, COLLATE_WITHIN)
    if mine is not None:
        merged = dict(mine.object_changes)
        for name, (old, new) in changes.items():
            merged[name] = [merged[name][0] if name in merged else old, new]
        mine.object_changes = {k: v for k, v in merged.items() if v[0] != v[1]}
        mine.updated_at = datetime.now(UTC)
        await session.flush()
    else:
        version = await repository.add_version(
            session,
            item_type=VersionItemType.AIRPORT,
            item_id=current["id"],
            airport_id=current["id"],
            event=VersionEvent.UPDATE,
            whodunnit_id=user.id,
            changes=changes,
        )
        await repository.record_action(
            session,
            user=user,
            kind=ActionType.AIRPORT_EDITED,
            airport_id=current["id"],
            version_id=version.id,
        )
    tags_changed = await repository.sync_automatic_tags(session, current["id"])
    await changed(
        session, ChangeKind.EDIT, {current["id"]: [*changes, *(["tags"] if tags_changed else [])]}
    )


async def history(
    session: AsyncSession, requester: Requester, code: str, page: int, per_page: int
) -> bytes:
    """Every recorded change of the airport and its tags, events and webcams, newest first
    (a page of them, as JSON)."""
    policy.read_history(requester)
    normalised, _, _ = normalise_code(code)
    document = await repository.history_json(session, normalised, page, per_page)
    if document is None:
        raise NotFound(f"No airport has the code {code!r}.")
    return document.encode()


# --- Tags ----------------------------------------------------------------------------------


# One visit per visitor and airport in this window counts.
VIEW_WINDOW_MINUTES = 30
_crawlers = CrawlerDetect()


def is_bot(user_agent: str | None) -> bool:
    """Crawlers, link previews and scripts say so in their user agent (or send none)."""
    return not user_agent or bool(_crawlers.isCrawler(user_agent))


async def record_view(
    session: AsyncSession,
    requester: Requester,
    locator: GeoLocator,
    code: str,
    user_agent: str | None,
) -> None:
    """Count a visit of the airport's page, with the visitor's browser and rough position; a
    bot's visit, or the same visitor's again within VIEW_WINDOW_MINUTES, is not counted."""
    policy.record_view(requester)
    normalised, _, k_code = normalise_code(code)
    if is_bot(user_agent):
        return
    parsed = ua_parse(user_agent or "")
    agent, system = parsed.user_agent, parsed.os
    position = locator.locate(requester.address)
    view = {
        "user_id": requester.principal.user.id if requester.principal else None,
        "ip_address": requester.address,
        "latitude": position[0] if position else None,
        "longitude": position[1] if position else None,
        "user_agent": (user_agent or "")[:500],
        "browser": agent.family if agent else None,
        "browser_version": ".".join(p for p in (agent.major, agent.minor) if p) if agent else None,
        "operating_system": system.family if system else None,
    }
    airport = await repository.find_airport(session, normalised, k_code)
    if airport is None:
        raise NotFound(f"No airport has the code {code!r}.")
    await repository.record_view(session, airport.id, view, VIEW_WINDOW_MINUTES)


async def locked_airport(
    session: AsyncSession, requester: Requester, code: str
) -> tuple[User, sa.RowMapping]:
    """The writer and the airport (locked for this transaction), once the write rule allows."""
    user = await users_service.active_user(session, requester)
    normalised, _, _ = normalise_code(code)
    current = await repository.lock_for_edit(session, normalised)
    if current is None:
        raise NotFound(f"No airport has the code {code!r}.")
    policy.edit(requester, user, current["locked_at"])
    return user, current


async def record_change(
    session: AsyncSession,
    user: User,
    airport_id: uuid.UUID,
    *,
    item: tuple[VersionItemType, uuid.UUID],
    event: VersionEvent,
    changes: dict[str, Any],
    action: ActionType,
    state: dict[str, Any] | None = None,
) -> None:
    """A contribution's version (with ``state``, the item as it was, for what is destroyed)
    and action, then the automatic tags and the map brought up to date."""
    item_type, item_id = item
    version = await repository.add_version(
        session,
        item_type=item_type,
        item_id=item_id,
        airport_id=airport_id,
        event=event,
        whodunnit_id=user.id,
        changes=changes,
        state=state,
    )
    await repository.record_action(
        session,
        user=user,
        kind=action,
        airport_id=airport_id,
        version_id=version.id,
        subject=(item_type.value, item_id),
    )
    tags_changed = await repository.sync_automatic_tags(session, airport_id)
    field = _FIELD_OF_ITEM[item_type]
    await changed(
        session,
        _KIND_OF_ITEM[item_type],
        {airport_id: [field, *(["tags"] if tags_changed else [])]},
    )


async def add_tag(session: AsyncSession, requester: Requester, code: str, name: str) -> bool:
    """Add a tag users may add; whether it was new (adding it again changes nothing)."""
    user, current = await locked_airport(session, requester, code)
    if name not in ADDABLE_TAGS:
        raise ValidationFailed(
            f"{name!r} is not a tag that can be added by hand; choose from "
            f"{', '.join(ADDABLE_TAGS)}.",
            fields=[{"field": "name", "message": "not an addable tag"}],
        )
    tag_id = await repository.add_tag(session, current["id"], name)
    if tag_id is None:
        return False
    await record_change(
        session,
        user,
        current["id"],
        item=(VersionItemType.TAG, tag_id),
        event=VersionEvent.CREATE,
        changes={"name": [None, name]},
        action=ActionType.TAG_ADDED,
    )
    return True


async def remove_tag(session: AsyncSession, requester: Requester, code: str, name: str) -> None:
    user, current = await locked_airport(session, requester, code)
    if name not in ADDABLE_TAGS:
        raise ValidationFailed(
            f"{name!r} is set by Pirep itself and cannot be removed by hand.",
            fields=[{"field": "name", "message": "not an addable tag"}],
        )
    tag_id = await repository.remove_tag(session, current["id"], name)
    if tag_id is None:
        raise NotFound(f"{code.upper()} has no tag {name!r}.")
    await record_change(
        session,
        user,
        current["id"],
        item=(VersionItemType.TAG, tag_id),
        event=VersionEvent.DESTROY,
        changes={"name": [name, None]},
        action=ActionType.TAG_REMOVED,
    )


# What a contribution of each kind changed, for the change feed.
_KIND_OF_ITEM = {
    VersionItemType.TAG: ChangeKind.TAGS,
    VersionItemType.EVENT: ChangeKind.EVENT,
    VersionItemType.WEBCAM: ChangeKind.WEBCAM,
}
_FIELD_OF_ITEM = {
    VersionItemType.TAG: "tags",
    VersionItemType.EVENT: "events",
    VersionItemType.WEBCAM: "webcams",
}


# --- Preview and revert ---------------------------------------------------------------------


async def preview(
    session: AsyncSession, requester: Requester, code: str, version_id: uuid.UUID
) -> VersionPreview:
    """The airport's editable fields as they were just after ``version_id``: the current values
    with every later change of them undone."""
    policy.read_history(requester)
    normalised, _, _ = normalise_code(code)
    current = await repository.editable_values(session, normalised)
    if current is None:
        raise NotFound(f"No airport has the code {code!r}.")
    version = await session.get(Version, version_id)
    if version is None or version.airport_id != current["id"]:
        raise NotFound(f"{normalised} has no version {version_id}.")
    values = {name: _plain(current[name]) for name in repository.EDITABLE}
    for later in await repository.airport_versions_after(session, current["id"], version):
        for name, (old, _new) in later.object_changes.items():
            if name in values:
                values[name] = old
    author = await session.get(User, version.whodunnit_id) if version.whodunnit_id else None
    return VersionPreview(
        version_id=version.id,
        created_at=version.created_at,
        author=HistoryAuthor(id=author.id, name=public_name(author.display_name, author.role))
        if author
        else None,
        fields=values,
        html={
            name: markdown.render(values[name])
            for name in (*WIKI_FIELDS, "landing_requirements")
            if name in values
        },
    )


async def revert(session: AsyncSession, principal_user: User, version_id: uuid.UUID) -> Version:
    """Undo one version (an administrator's decision, taken by the caller's policy): the fields
    it changed get their earlier values back, a tag it added goes, a tag it removed returns. The
    undoing is itself a version, already reviewed."""
    version = await session.get(Version, version_id, with_for_update=True)
    if version is None:
        raise NotFound(f"There is no version {version_id}.")
    if version.reverted_at is not None:
        raise Conflict("This version was already reverted.")
    if version.item_type == VersionItemType.AIRPORT and version.event == VersionEvent.CREATE:
        raise Conflict("The addition of an airport is not reverted: delete the airport instead.")
    airport_id = version.airport_id
    if version.item_type == VersionItemType.AIRPORT:
        await session.execute(
            sa.text("SELECT 1 FROM airports WHERE id = :id FOR UPDATE"), {"id": airport_id}
        )
        current = await repository.editable_values_by_id(session, airport_id)
        restore = {
            name: old for name, (old, _new) in version.object_changes.items()
            if name in repository.EDITABLE
        }  # fmt: skip
        changes = {
            name: [_plain(current[name]), old]
            for name, old in restore.items()
            if _plain(current[name]) != old
        }
        if changes:
            await repository.update_fields(
                session,
                airport_id,
                {name: _column_value(name, old) for name, old in restore.items()},
            )
        event = VersionEvent.UPDATE
    elif version.item_type == VersionItemType.TAG:
        name = version.object_changes.get("name") or [None, None]
        tag = name[1] if version.event == VersionEvent.CREATE else name[0]
        if version.event == VersionEvent.CREATE:
            await repository.remove_tag(session, airport_id, tag)
            event, changes = VersionEvent.DESTROY, {"name": [tag, None]}
        else:
            await repository.add_tag(session, airport_id, tag)
            event, changes = VersionEvent.CREATE, {"name": [None, tag]}
    elif version.item_type == VersionItemType.WEBCAM:
        url = version.object_changes.get("url") or [None, None]
        if version.event == VersionEvent.CREATE:
            await session.execute(
                sa.text("DELETE FROM webcams WHERE id = :id"), {"id": version.item_id}
            )
            event, changes = VersionEvent.DESTROY, {"url": [url[1], None]}
        else:
            await repository.add_webcam(session, airport_id, url[0], principal_user.id)
            event, changes = VersionEvent.CREATE, {"url": [None, url[0]]}
    elif version.item_type == VersionItemType.EVENT:
        event, changes = await _revert_event(session, version)
    else:
        raise Conflict(f"Versions of {version.item_type.value}s cannot be reverted.")
    undo = await repository.add_version(
        session,
        item_type=version.item_type,
        item_id=version.item_id,
        airport_id=airport_id,
        event=event,
        whodunnit_id=principal_user.id,
        changes=changes,
        reviewed=True,
    )
    version.reverted_at = datetime.now(UTC)
    # Undoing a change is reviewing it: it leaves the review queue.
    version.reviewed_at = version.reviewed_at or version.reverted_at
    await session.flush()
    tags_changed = await repository.sync_automatic_tags(session, airport_id)
    fields = (
        list(changes) if version.item_type == VersionItemType.AIRPORT
        else [_FIELD_OF_ITEM[version.item_type]]
    )  # fmt: skip
    await changed(
        session, ChangeKind.REVERT, {airport_id: [*fields, *(["tags"] if tags_changed else [])]}
    )
    return undo


# --- User-added airports --------------------------------------------------------------------


async def create_airport(
    session: AsyncSession,
    requester: Requester,
    captcha: TurnstileClient | None,
    data: NewAirport,
) -> str:
    """Add an airport under the next free ``UNMnn`` code; its code. A writer without an account
    who has not passed the CAPTCHA yet may pass it with this request."""
    user = await users_service.active_user(session, requester)
    if (
        captcha is not None
        and data.captcha_token
        and not is_verified(user)
        and user.disabled_at is None
        and not requester.read_only
    ):
        await users_service.pass_captcha(captcha, data.captcha_token, requester.address)
        user.verified_at = datetime.now(UTC)
    policy.create(requester, user)
    code = await repository.next_unmapped_code(session)
    airport_id = await repository.insert_user_airport(session, code, data)
    tags = ["unmapped", data.landing_rights.value] + (["closed"] if data.closed else [])
    for tag in tags:
        await repository.add_tag(session, airport_id, tag)
    version = await repository.add_version(
        session,
        item_type=VersionItemType.AIRPORT,
        item_id=airport_id,
        airport_id=airport_id,
        event=VersionEvent.CREATE,
        whodunnit_id=user.id,
        changes={
            "code": [None, code],
            "name": [None, data.name],
            "latitude": [None, data.latitude],
            "longitude": [None, data.longitude],
            "elevation_ft": [None, data.elevation_ft],
            "landing_rights": [None, data.landing_rights.value],
        },
    )
    await repository.record_action(
        session,
        user=user,
        kind=ActionType.AIRPORT_ADDED,
        airport_id=airport_id,
        version_id=version.id,
    )
    await changed(session, ChangeKind.AIRPORT_ADDED, {airport_id: ["airport"]})
    return code


# --- Webcams --------------------------------------------------------------------------------


async def add_webcam(session: AsyncSession, requester: Requester, code: str, url: str) -> bool:
    """Add a webcam; whether it is new (the same address again changes nothing)."""
    user, current = await locked_airport(session, requester, code)
    webcam_id = await repository.add_webcam(session, current["id"], url, user.id)
    if webcam_id is None:
        return False
    await record_change(
        session,
        user,
        current["id"],
        item=(VersionItemType.WEBCAM, webcam_id),
        event=VersionEvent.CREATE,
        changes={"url": [None, url]},
        action=ActionType.WEBCAM_ADDED,
    )
    return True


async def remove_webcam(
    session: AsyncSession, requester: Requester, code: str, webcam_id: uuid.UUID
) -> None:
    user, current = await locked_airport(session, requester, code)
    url = await repository.remove_webcam(session, current["id"], webcam_id)
    if url is None:
        raise NotFound(f"{code.upper()} has no webcam {webcam_id}.")
    await record_change(
        session,
        user,
        current["id"],
        item=(VersionItemType.WEBCAM, webcam_id),
        event=VersionEvent.DESTROY,
        changes={"url": [url, None]},
        action=ActionType.WEBCAM_REMOVED,
    )


# --- Photos ---------------------------------------------------------------------------------


async def add_photo(
    session: AsyncSession,
    requester: Requester,
    sink: Sink,
    max_bytes: int,
    code: str,
    upload: tuple[bytes, str],
) -> uuid.UUID:
    """Store a pilot's photo of the airport (re-encoded, without metadata); its id. The image
    is processed before the airport is locked: other edits need not wait for it."""
    data, filename = upload
    photo = await asyncio.to_thread(photos.process, data, filename, max_bytes)
    user, current = await locked_airport(session, requester, code)
    photo_id = uuid.uuid4()
    key = f"photos/{current['id']}/{photo_id}{photo.extension}"
    await asyncio.to_thread(sink.put, key, photo.body)
    await repository.add_photo(
        session,
        photo_id=photo_id,
        airport_id=current["id"],
        uploader_id=user.id,
        key=key,
        photo=photo,
    )
    await repository.record_action(
        session,
        user=user,
        kind=ActionType.AIRPORT_PHOTO_UPLOADED,
        airport_id=current["id"],
        version_id=None,
        subject=("photo", photo_id),
    )
    tags_changed = await repository.sync_automatic_tags(session, current["id"])
    await changed(
        session, ChangeKind.PHOTO, {current["id"]: ["photos", *(["tags"] if tags_changed else [])]}
    )
    return photo_id


async def _revert_event(
    session: AsyncSession, version: Version
) -> tuple[VersionEvent, dict[str, Any]]:
    """An event's creation is undone by deleting it; its deletion and its edits by bringing it
    back from the state the version kept. The undoing's event and changes."""
    if version.event == VersionEvent.CREATE:
        name = (version.object_changes.get("name") or [None, None])[1]
        await session.execute(sa.text("DELETE FROM events WHERE id = :id"), {"id": version.item_id})
        event, changes = VersionEvent.DESTROY, {"name": [name, None]}
    elif version.event == VersionEvent.DESTROY and version.object:
        columns = {key: value for key, value in version.object.items() if key != "id"}
        await session.execute(
            sa.insert(Event).values(
                id=version.item_id,
                **{
                    key: datetime.fromisoformat(value) if key in ("starts_at", "ends_at") else value
                    for key, value in columns.items()
                },
            )
        )
        event, changes = VersionEvent.CREATE, {"name": [None, columns.get("name")]}
    elif version.event == VersionEvent.UPDATE and version.object:
        restore = {
            key: datetime.fromisoformat(value)
            if key in ("starts_at", "ends_at") and value
            else value
            for key, value in version.object.items()
            if key in version.object_changes
        }
        restored = await session.scalar(
            sa.update(Event)
            .where(Event.id == version.item_id)
            .values(**restore)
            .returning(Event.id)
        )
        if restored is None:
            raise Conflict("The event was deleted since this change: revert its deletion first.")
        changes = {
            key: [new, version.object[key]] for key, (_old, new) in version.object_changes.items()
        }
        event = VersionEvent.UPDATE
    else:
        raise Conflict("This change of an event cannot be reverted.")
    return event, changes
