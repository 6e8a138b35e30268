"""Adding and removing webcams."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from api.airports.service import locked_airport
from api.core.errors import NotFound
from api.core.policy import Requester
from api.models.enums import ActionType, VersionEvent, VersionItemType
from api.versions.service import record_contribution
from api.webcams import repository


async def add_webcam(session: AsyncSession, requester: Requester, code: str, url: str) -> bool:
    """Add a webcam; whether it is new (the same address again changes nothing)."""
    user, current = await locked_airport(session, requester, code)
    webcam_id = await repository.add_webcam(session, current.id, url, user.id)
    if webcam_id is None:
        return False
    await record_contribution(
        session,
        user,
        current.id,
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
    url = await repository.remove_webcam(session, current.id, webcam_id)
    if url is None:
        raise NotFound(f"{code.upper()} has no webcam {webcam_id}.")
    await record_contribution(
        session,
        user,
        current.id,
        item=(VersionItemType.WEBCAM, webcam_id),
        event=VersionEvent.DESTROY,
        changes={"url": [url, None]},
        action=ActionType.WEBCAM_REMOVED,
    )
