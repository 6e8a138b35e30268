"""Adding and removing the tags users may set."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from api.airports.service import locked_airport
from api.core.catalogue import ADDABLE_TAGS
from api.core.errors import NotFound, ValidationFailed
from api.core.policy import Requester
from api.models.enums import ActionType, VersionEvent, VersionItemType
from api.tags import repository
from api.versions.service import record_contribution


async def add_tag(session: AsyncSession, requester: Requester, code: str, name: str) -> bool:
    """Add a tag users may add; whether it was new (adding it again changes nothing)."""
    user, current = await locked_airport(session, requester, code)
    if name not in ADDABLE_TAGS:
        raise ValidationFailed(
            f"{name!r} is not a tag that can be added by hand; choose from "
            f"{', '.join(ADDABLE_TAGS)}.",
            fields=[{"field": "name", "message": "not an addable tag"}],
        )
    tag_id = await repository.add_tag(session, current.id, name)
    if tag_id is None:
        return False
    await record_contribution(
        session,
        user,
        current.id,
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
    tag_id = await repository.remove_tag(session, current.id, name)
    if tag_id is None:
        raise NotFound(f"{code.upper()} has no tag {name!r}.")
    await record_contribution(
        session,
        user,
        current.id,
        item=(VersionItemType.TAG, tag_id),
        event=VersionEvent.DESTROY,
        changes={"name": [name, None]},
        action=ActionType.TAG_REMOVED,
    )
