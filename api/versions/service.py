"""The history of contributions: recording one, reading it, previewing and reverting."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.airports import repository as airports_repository
from api.core import markdown
from api.core.changes import ChangeKind, record
from api.core.errors import Conflict, NotFound
from api.core.policy import Requester
from api.models.airports import EDITABLE_FIELDS, WIKI_FIELDS
from api.models.community import Event, Version
from api.models.enums import ActionType, VersionEvent, VersionItemType
from api.models.users import User, public_name
from api.photos import repository as photos_repository
from api.tags import repository as tags_repository
from api.versions import policy, repository
from api.versions.schemas import HistoryAuthor, VersionPreview
from api.webcams import repository as webcams_repository

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


def plain(value: Any) -> Any:
    """A field's value as stored in JSON (enums as their names, models as objects)."""
    if isinstance(value, list):
        return [plain(item) for item in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def column_value(name: str, value: Any) -> Any:
    """A JSON-plain value as its column takes it."""
    if name == "featured_photo_id" and value is not None:
        return uuid.UUID(value)
    return value


async def record_contribution(
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
    tags_changed = await tags_repository.sync_automatic_tags(session, airport_id)
    field = _FIELD_OF_ITEM[item_type]
    await record(
        session,
        _KIND_OF_ITEM[item_type],
        {airport_id: [field, *(["tags"] if tags_changed else [])]},
    )


async def history(
    session: AsyncSession, requester: Requester, code: str, page: int, per_page: int
) -> bytes:
    """Every recorded change of the airport and its tags, events and webcams, newest first
    (a page of them, as JSON)."""
    policy.read_history(requester)
    airport_id = await airports_repository.airport_id_of(session, code)
    document = (
        await repository.history_json(session, airport_id, page, per_page) if airport_id else None
    )
    if document is None:
        raise NotFound(f"No airport has the code {code!r}.")
    return document.encode()


async def preview(
    session: AsyncSession, requester: Requester, code: str, version_id: uuid.UUID
) -> VersionPreview:
    """The airport's editable fields as they were just after ``version_id``: the current values
    with every later change of them undone."""
    policy.read_history(requester)
    current = await airports_repository.editable_values(session, code)
    if current is None:
        raise NotFound(f"No airport has the code {code!r}.")
    version = await session.get(Version, version_id)
    if version is None or version.airport_id != current.id:
        raise NotFound(f"{code.strip().upper()} has no version {version_id}.")
    values = {name: plain(current.values[name]) for name in EDITABLE_FIELDS}
    for later in await repository.airport_versions_after(session, current.id, version):
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
        current = await airports_repository.lock_by_id(session, airport_id)
        if current is None:
            raise NotFound(f"The airport of version {version_id} is gone.")
        restore = {
            name: old for name, (old, _new) in version.object_changes.items()
            if name in EDITABLE_FIELDS
        }  # fmt: skip
        changes = {
            name: [plain(current.values[name]), old]
            for name, old in restore.items()
            if plain(current.values[name]) != old
        }
        featured = restore.get("featured_photo_id")
        if featured is not None and not await photos_repository.photo_of_airport(
            session, uuid.UUID(str(featured)), airport_id
        ):
            raise Conflict(
                "This change cannot be undone: the photo it would bring back as the cover was "
                "deleted since. Choose another cover photo instead."
            )
        if changes:
            await airports_repository.update_fields(
                session,
                airport_id,
                {name: column_value(name, old) for name, old in restore.items()},
            )
        event = VersionEvent.UPDATE
    elif version.item_type == VersionItemType.TAG:
        name = version.object_changes.get("name") or [None, None]
        tag = name[1] if version.event == VersionEvent.CREATE else name[0]
        if version.event == VersionEvent.CREATE:
            await tags_repository.remove_tag(session, airport_id, tag)
            event, changes = VersionEvent.DESTROY, {"name": [tag, None]}
        else:
            await tags_repository.add_tag(session, airport_id, tag)
            event, changes = VersionEvent.CREATE, {"name": [None, tag]}
    elif version.item_type == VersionItemType.WEBCAM:
        url = version.object_changes.get("url") or [None, None]
        if version.event == VersionEvent.CREATE:
            await webcams_repository.delete_webcam(session, version.item_id)
            event, changes = VersionEvent.DESTROY, {"url": [url[1], None]}
        else:
            await webcams_repository.add_webcam(session, airport_id, url[0], principal_user.id)
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
    tags_changed = await tags_repository.sync_automatic_tags(session, airport_id)
    fields = (
        list(changes) if version.item_type == VersionItemType.AIRPORT
        else [_FIELD_OF_ITEM[version.item_type]]
    )  # fmt: skip
    await record(
        session, ChangeKind.REVERT, {airport_id: [*fields, *(["tags"] if tags_changed else [])]}
    )
    return undo


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
