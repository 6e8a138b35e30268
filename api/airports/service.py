"""Rules for airports: reading the detail, editing it, adding an airport, counting visits."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

from crawlerdetect import CrawlerDetect
from sqlalchemy.ext.asyncio import AsyncSession
from ua_parser import parse as ua_parse

from api.airports import policy, repository
from api.airports.caches import DetailCache, Offered
from api.airports.repository import EditableAirport
from api.airports.schemas import AirportEdit, NewAirport, TextEdit
from api.core.captcha import TurnstileClient
from api.core.changes import RENDERED_AFTER_CHANGE, ChangeKind, record
from api.core.documents import detail
from api.core.errors import EditConflict, NotFound, ValidationFailed
from api.core.geoip import GeoLocator
from api.core.names import normalise_code
from api.core.policy import Requester, is_verified
from api.models.enums import ActionType, VersionEvent, VersionItemType
from api.models.users import User
from api.photos import repository as photos_repository
from api.tags import repository as tags_repository
from api.users import service as users_service
from api.versions import repository as versions_repository
from api.versions.service import column_value, plain

# A detail lists the airports nearby with their names: a change of these fields of any
# airport may alter any detail (other changes drop only the changed airports' details, and
# the details that list them as similar).
DETAIL_DROPS_ALL = frozenset({"airport", "code", "name", "latitude", "longitude"})
# A neighbour that comes to share a tag is listed as similar once the detail is read again:
# at the latest after this long.
DETAIL_KEPT_AT_MOST_SECONDS = 600.0


async def airport_detail(
    session: AsyncSession, value: str, cache: DetailCache | None = None, assets: str = "/assets"
) -> bytes:
    """The airport's detail document as JSON bytes, by code, ICAO code or id."""
    code = normalise_code(value)[0]
    seen = None
    if cache is not None:
        await cache.revalidate(session)
        seen = cache.seen
        cached = cache.get(code)
        if cached is not None:
            return cached
    rendered = await _render(session, value, assets)
    if cache is not None:
        cache.put(code, rendered.body, _shows(rendered), _kept_until(rendered), seen=seen)
    return rendered.body


async def _render(session: AsyncSession, value: str, assets: str) -> detail.Rendered:
    code, airport_id, k_code = normalise_code(value)
    document = await detail.detail_json(session, code, airport_id, k_code, assets)
    if document is None:
        raise NotFound(f"No airport has the code, ICAO code or id {value!r}.")
    return detail.with_html(document)


def _shows(rendered: detail.Rendered) -> list[str]:
    """What a cached detail is dropped with: its airport and those it lists as similar."""
    return [rendered.airport_id, *rendered.similar]


def _kept_until(rendered: detail.Rendered) -> float:
    kept_until = time.time() + DETAIL_KEPT_AT_MOST_SECONDS
    return min(rendered.stale_at or kept_until, kept_until)


COLLATE_WITHIN = timedelta(minutes=10)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def edit_airport(
    session: AsyncSession,
    requester: Requester,
    code: str,
    edit: AirportEdit,
    assets: str,
    cache: DetailCache | None = None,
) -> bytes:
    """Apply an edit: every field is checked against the version its editor started from (409
    with the current values when someone changed it since); the changes are recorded as one
    version (merged into the editor's own version of the last ten minutes, if any). The
    airport's detail after the edit, which ``cache`` (the process's) then keeps."""
    user, current = await locked_airport(session, requester, code)
    asked = edit.asked()
    stale = [name for name, edit_ in asked.items() if edit_.base != current.versions[name]]
    if stale:
        authors = await versions_repository.last_changes(session, current.id, stale)
        raise EditConflict(
            f"Someone changed {', '.join(stale)} since you started; nothing was saved. "
            "Here is the current text: merge your change into it and save again.",
            [
                {
                    "field": name,
                    "current": plain(current.values[name]),
                    "version": current.versions[name],
                    "changed_by": authors[name][0],
                    "changed_at": _iso(authors[name][1]),
                }
                for name in stale
            ],
        )
    values: dict[str, object] = {}
    for name, asked_field in asked.items():
        new = asked_field.text if isinstance(asked_field, TextEdit) else asked_field.value
        if isinstance(new, str) and not new.strip():
            new = None
        values[name] = plain(new)
    changes = {
        name: [plain(current.values[name]), value]
        for name, value in values.items()
        if plain(current.values[name]) != value
    }
    if not changes:
        return await airport_detail(session, str(current.id), None, assets)
    featured = changes.get("featured_photo_id", [None, None])[1]
    if featured is not None and not await photos_repository.photo_of_airport(
        session, uuid.UUID(str(featured)), current.id
    ):
        raise ValidationFailed(
            "The featured photo must be one of this airport's photos.",
            fields=[{"field": "featured_photo_id", "message": "not a photo of this airport"}],
        )
    # The fields are set in the round trip that looks for the editor's recent version.
    mine = await versions_repository.recent_own_version(
        session,
        current.id,
        user.id,
        COLLATE_WITHIN,
        along=repository.fields_update(
            current.id, {name: column_value(name, values[name]) for name in changes}
        ),
    )
    if mine is not None:
        merged = dict(mine.object_changes)
        earning = [name for name in changes if name not in merged]
        for name, (old, new) in changes.items():
            merged[name] = [merged[name][0] if name in merged else old, new]
        mine.object_changes = {k: v for k, v in merged.items() if v[0] != v[1]}
        mine.updated_at = datetime.now(UTC)
        await session.flush()
        version_id = mine.id
    else:
        version = await versions_repository.add_version(
            session,
            item_type=VersionItemType.AIRPORT,
            item_id=current.id,
            airport_id=current.id,
            event=VersionEvent.UPDATE,
            whodunnit_id=user.id,
            changes=changes,
        )
        version_id, earning = version.id, list(changes)
    tags_changed = await tags_repository.sync_automatic_tags(session, current.id)
    # Rendered before the editor's points and the change are recorded: the editor's row and
    # the lock that orders every writer's changes (`record`) are then held only from there to
    # the commit.
    seen = cache.seen if cache is not None else None
    rendered = await _render(session, str(current.id), assets)
    if cache is not None:
        offered = Offered(
            current.code, rendered.body, frozenset(_shows(rendered)), _kept_until(rendered), seen
        )
        session.info.setdefault(RENDERED_AFTER_CHANGE, []).append(offered)
    # Each field earns an edit's points, as each field saved on its own did in the original,
    # also when the version is merged with the editor's previous one; saving a field of that
    # version again earns nothing more.
    if earning:
        await versions_repository.record_action(
            session,
            user=user,
            kind=ActionType.AIRPORT_EDITED,
            airport_id=current.id,
            version_id=version_id,
            times=len(earning),
        )
    await record(
        session, ChangeKind.EDIT, {current.id: [*changes, *(["tags"] if tags_changed else [])]}
    )
    return rendered.body


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
    *,
    external_photos: bool = False,
) -> None:
    """Count a visit of the airport's page, with the visitor's browser and rough position; a
    bot's visit, or the same visitor's again within VIEW_WINDOW_MINUTES, is not counted. With
    ``external_photos`` (a Google key is set), a counted visit of an airport without photos
    asks the worker to look for some: crawlers never cost a lookup."""
    policy.record_view(requester)
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
    airport = await repository.find_airport(session, code)
    if airport is None:
        raise NotFound(f"No airport has the code {code!r}.")
    counted = await repository.record_view(session, airport.id, view, VIEW_WINDOW_MINUTES)
    if counted and external_photos:
        await photos_repository.request_external_photos(session, airport.id)


async def locked_airport(
    session: AsyncSession, requester: Requester, code: str
) -> tuple[User, EditableAirport]:
    """The writer and the airport, locked for this transaction. The write rule is checked
    before anything is locked or written (a refused writer costs no lock and no user row);
    the airport's own lock once it is read."""
    policy.edit(requester, await users_service.known_writer(session, requester))
    user = await users_service.active_user(session, requester)
    current = await repository.lock_for_edit(session, code)
    if current is None:
        raise NotFound(f"No airport has the code {code!r}.")
    policy.unlocked(current.locked_at)
    return user, current


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
        await tags_repository.add_tag(session, airport_id, tag)
    version = await versions_repository.add_version(
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
    await versions_repository.record_action(
        session,
        user=user,
        kind=ActionType.AIRPORT_ADDED,
        airport_id=airport_id,
        version_id=version.id,
    )
    await record(session, ChangeKind.AIRPORT_ADDED, {airport_id: ["airport"]})
    return code
