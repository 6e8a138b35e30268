"""What the admin services share: the clock, yes/no timestamps, people and pageviews as the
admin sees them, and pages of rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar, TypeVarTuple

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from api.admin import repository
from api.admin.schemas import PageParams, PageviewOut, Person
from api.core.errors import NotFound
from api.models.community import Pageview
from api.models.enums import UserRole
from api.models.users import User

Ts = TypeVarTuple("Ts")
T = TypeVar("T")
PageT = TypeVar("PageT", bound=PageParams)


def now() -> datetime:
    return datetime.now(UTC)


def stamp(current: datetime | None, wanted: bool | None) -> datetime | None:
    """A timestamp column after a yes/no change: set once, kept while yes, cleared by no."""
    if wanted is None:
        return current
    return (current or now()) if wanted else None


def found(item: T | None, name: str) -> T:
    """``item``, which must exist: else NotFound, "There is no <name>."."""
    if item is None:
        raise NotFound(f"There is no {name}.")
    return item


def person(user: User | None) -> Person | None:
    if user is None:
        return None
    return Person(
        id=user.id,
        role=user.role,
        display_name=user.display_name,
        ip_address=str(user.ip_address) if user.role == UserRole.UNKNOWN else None,
    )


def pageview_out(view: Pageview, code: str) -> PageviewOut:
    return PageviewOut(
        airport_code=code,
        user_id=view.user_id,
        ip_address=str(view.ip_address) if view.ip_address else None,
        latitude=view.latitude,
        longitude=view.longitude,
        browser=view.browser,
        browser_version=view.browser_version,
        operating_system=view.operating_system,
        created_at=view.created_at,
    )


async def page(
    session: AsyncSession,
    statement: sa.Select[*Ts],
    params: PageParams,
    page_type: type[PageT],
    out: Callable[[*Ts], BaseModel],
) -> PageT:
    """One page of ``statement``, each row turned into its answer by ``out``."""
    total, rows = await repository.page(session, statement, params.page, params.per_page)
    return page_type(
        page=params.page,
        per_page=params.per_page,
        total=total,
        items=[out(*row) for row in rows],
    )
