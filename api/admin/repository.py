"""SQL of the admin pages: meters, review queues, rankings, analytics, importer runs."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar, TypeVarTuple

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from api.models.airports import Airport, Tag
from api.models.community import Action, Comment, Pageview, Version
from api.models.enums import DataSource, ImporterRunStatus, UserRole
from api.models.system import FaaDataCycle, ImporterRun, SiteSettings
from api.models.users import User

Ts = TypeVarTuple("Ts")
RowT = TypeVar("RowT")

ACTIVE_RUN = (ImporterRunStatus.REQUESTED, ImporterRunStatus.RUNNING)


class VersionRow(NamedTuple):
    """A change, the code of its airport and its author (none for the importer's)."""

    version: Version
    airport_code: str
    author: User | None


class AirportRow(NamedTuple):
    """An airport with the number of its changes and of the people who made them."""

    airport: Airport
    revisions: int
    contributors: int


class CommentRow(NamedTuple):
    """A comment, the code of its airport and its author."""

    comment: Comment
    airport_code: str
    author: User


class RunRow(NamedTuple):
    """An importer run and who asked for it (none once their account is gone)."""

    run: ImporterRun
    requested_by: User | None


async def page(
    session: AsyncSession, statement: sa.Select[*Ts], page: int, per_page: int
) -> tuple[int, Sequence[sa.Row[*Ts]]]:
    """The total number of rows of ``statement`` and the rows of one page of it."""
    total = await session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))
    rows = await session.execute(statement.limit(per_page).offset((page - 1) * per_page))
    return int(total or 0), rows.all()


async def _first(
    session: AsyncSession, statement: sa.Select[*Ts], shape: Callable[[*Ts], RowT]
) -> RowT | None:
    """The first row of ``statement`` as a ``shape``, or None."""
    row = (await session.execute(statement)).first()
    return shape(*row) if row else None


def _like(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def scalar_count(session: AsyncSession, statement: sa.Select[int]) -> int:
    return int(await session.scalar(statement) or 0)


async def meters(session: AsyncSession, since: datetime) -> dict[str, int]:
    empty = sa.exists().where(Tag.airport_id == Airport.id, Tag.name == "empty")
    admins = sa.select(User.id).where(User.role == UserRole.ADMIN)
    return {
        "airports": await scalar_count(session, sa.select(sa.func.count(Airport.id))),
        "contributed_airports": await scalar_count(
            session, sa.select(sa.func.count(Airport.id)).where(~empty)
        ),
        "pageviews_30_days": await scalar_count(
            session,
            sa.select(sa.func.count(Pageview.id)).where(
                Pageview.created_at >= since,
                sa.or_(Pageview.user_id.is_(None), Pageview.user_id.not_in(admins)),
            ),
        ),
    }


async def queue_counts(session: AsyncSession) -> dict[str, int]:
    return {
        "versions": await scalar_count(
            session, sa.select(sa.func.count(Version.id)).where(Version.reviewed_at.is_(None))
        ),
        "users": await scalar_count(
            session,
            sa.select(sa.func.count(User.id)).where(
                User.role == UserRole.KNOWN, User.reviewed_at.is_(None)
            ),
        ),
        "airports": await scalar_count(
            session,
            sa.select(sa.func.count(Airport.id)).where(
                Airport.data_source == DataSource.USER_CONTRIBUTED, Airport.reviewed_at.is_(None)
            ),
        ),
        "comments": await scalar_count(
            session, sa.select(sa.func.count(Comment.id)).where(Comment.reviewed_at.is_(None))
        ),
    }


async def active_cycles(session: AsyncSession) -> dict[str, date]:
    rows = await session.execute(sa.select(FaaDataCycle.product, FaaDataCycle.cycle))
    return {str(product): cycle for product, cycle in rows}


async def set_read_only(session: AsyncSession, read_only: bool) -> None:
    await session.execute(sa.update(SiteSettings).values(read_only=read_only))


def versions(unreviewed: bool, query: str | None = None) -> sa.Select[Version, str, User]:
    """Changes, newest first; ``query`` finds the airport's code or the author's name/email."""
    statement = (
        sa.select(Version, Airport.code, User)
        .join(Airport, Airport.id == Version.airport_id)
        .outerjoin(User, User.id == Version.whodunnit_id)
        .order_by(Version.created_at.desc(), Version.id)
    )
    if unreviewed:
        statement = statement.where(Version.reviewed_at.is_(None))
    if query:
        pattern = _like(query)
        statement = statement.where(
            sa.or_(
                Airport.code.ilike(pattern),
                User.display_name.ilike(pattern),
                User.email.ilike(pattern),
            )
        )
    return statement


async def version(session: AsyncSession, version_id: uuid.UUID) -> VersionRow | None:
    return await _first(session, versions(False).where(Version.id == version_id), VersionRow)


def users(unreviewed: bool, role: UserRole | None, query: str | None) -> sa.Select[User]:
    statement = sa.select(User).order_by(User.updated_at.desc(), User.id)
    if unreviewed:
        statement = statement.where(User.role == UserRole.KNOWN, User.reviewed_at.is_(None))
    if role is not None:
        statement = statement.where(User.role == role)
    if query:
        pattern = _like(query)
        statement = statement.where(
            sa.or_(
                User.email.ilike(pattern),
                User.display_name.ilike(pattern),
                sa.cast(User.ip_address, sa.Text).ilike(pattern),
            )
        )
    return statement


def _revisions() -> tuple[sa.ScalarSelect[int], sa.ScalarSelect[int]]:
    revisions = (
        sa.select(sa.func.count(Version.id))
        .where(Version.airport_id == Airport.id)
        .scalar_subquery()
    )
    contributors = (
        sa.select(sa.func.count(sa.distinct(Version.whodunnit_id)))
        .where(Version.airport_id == Airport.id)
        .scalar_subquery()
    )
    return revisions, contributors


def airports(
    unreviewed: bool, source: DataSource | None, query: str | None
) -> sa.Select[Airport, int, int]:
    revisions, contributors = _revisions()
    statement = sa.select(Airport, revisions, contributors).order_by(Airport.code)
    if unreviewed:
        statement = statement.where(
            Airport.data_source == DataSource.USER_CONTRIBUTED, Airport.reviewed_at.is_(None)
        )
    if source is not None:
        statement = statement.where(Airport.data_source == source)
    if query:
        pattern = _like(query)
        statement = statement.where(
            sa.or_(
                Airport.code.ilike(pattern),
                Airport.icao_code.ilike(pattern),
                Airport.name.ilike(pattern),
                Airport.city.ilike(pattern),
            )
        )
    return statement


async def airport(session: AsyncSession, airport_id: uuid.UUID) -> AirportRow | None:
    statement = airports(False, None, None).where(Airport.id == airport_id)
    return await _first(session, statement, AirportRow)


async def code_taken(session: AsyncSession, code: str, airport_id: uuid.UUID) -> bool:
    statement = sa.select(Airport.id).where(Airport.code == code, Airport.id != airport_id)
    return (await session.execute(statement)).first() is not None


def comments(unreviewed: bool, query: str | None) -> sa.Select[Comment, str, User]:
    statement = (
        sa.select(Comment, Airport.code, User)
        .join(Airport, Airport.id == Comment.airport_id)
        .join(User, User.id == Comment.user_id)
        .order_by(Comment.created_at.desc(), Comment.id)
    )
    if unreviewed:
        statement = statement.where(Comment.reviewed_at.is_(None))
    if query:
        statement = statement.where(Comment.body.ilike(_like(query)))
    return statement


async def comment(session: AsyncSession, comment_id: uuid.UUID) -> CommentRow | None:
    statement = comments(False, None).where(Comment.id == comment_id)
    return await _first(session, statement, CommentRow)


def pageviews(
    *, airport_id: uuid.UUID | None = None, user_id: uuid.UUID | None = None
) -> sa.Select[Pageview, str]:
    statement = (
        sa.select(Pageview, Airport.code)
        .join(Airport, Airport.id == Pageview.airport_id)
        .order_by(Pageview.created_at.desc(), Pageview.id)
    )
    if airport_id is not None:
        statement = statement.where(Pageview.airport_id == airport_id)
    if user_id is not None:
        statement = statement.where(Pageview.user_id == user_id)
    return statement


def actions(user_id: uuid.UUID) -> sa.Select[Action, str]:
    return (
        sa.select(Action, Airport.code)
        .outerjoin(Airport, Airport.id == Action.airport_id)
        .where(Action.user_id == user_id)
        .order_by(Action.created_at.desc(), Action.id)
    )


async def rankings(
    session: AsyncSession, since: datetime | None, limit: int = 10
) -> dict[str, list[tuple[uuid.UUID, str, int]]]:
    """Top airports by pageviews and by actions, top users by actions."""

    def recent(column: Any) -> sa.ColumnElement[bool]:
        return column >= since if since is not None else sa.true()

    read = sa.func.count(Pageview.id).label("count")
    edited = sa.func.count(Action.id).label("count")
    author = aliased(User)
    queries = {
        "most_read_airports": sa.select(Airport.id, Airport.code, read)
        .join(Pageview, Pageview.airport_id == Airport.id)
        .where(recent(Pageview.created_at))
        .group_by(Airport.id)
        .order_by(read.desc(), Airport.code),
        "most_edited_airports": sa.select(Airport.id, Airport.code, edited)
        .join(Action, Action.airport_id == Airport.id)
        .where(recent(Action.created_at))
        .group_by(Airport.id)
        .order_by(edited.desc(), Airport.code),
        "most_active_users": sa.select(
            author.id,
            sa.func.coalesce(author.display_name, sa.cast(author.ip_address, sa.Text), "(no name)"),
            edited,
        )
        .join(Action, Action.user_id == author.id)
        .where(recent(Action.created_at))
        .group_by(author.id)
        .order_by(edited.desc(), author.id),
    }
    return {
        name: [(row[0], row[1], int(row[2])) for row in await session.execute(query.limit(limit))]
        for name, query in queries.items()
    }


def importer_runs() -> sa.Select[ImporterRun, User]:
    return (
        sa.select(ImporterRun, User)
        .outerjoin(User, User.id == ImporterRun.requested_by_id)
        .order_by(ImporterRun.created_at.desc(), ImporterRun.id)
    )


async def importer_run(session: AsyncSession, run_id: uuid.UUID) -> RunRow | None:
    return await _first(session, importer_runs().where(ImporterRun.id == run_id), RunRow)


async def active_importer_run(session: AsyncSession) -> RunRow | None:
    statement = importer_runs().where(ImporterRun.status.in_(ACTIVE_RUN)).limit(1)
    return await _first(session, statement, RunRow)


async def fail_importer_run(
    session: AsyncSession, run_id: uuid.UUID, error: str, finished_at: datetime
) -> None:
    await session.execute(
        sa.update(ImporterRun)
        .where(ImporterRun.id == run_id)
        .values(status=ImporterRunStatus.FAILED, error=error, finished_at=finished_at)
    )
