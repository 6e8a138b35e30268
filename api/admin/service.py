"""Rules of the admin API. Every function asks the admin policy first."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.admin import policy, repository
from api.admin.schemas import (
    ActionOut,
    ActionPage,
    Activity,
    AdminAirportChanges,
    AdminAirportOut,
    AdminCommentChanges,
    AdminCommentOut,
    AdminUserChanges,
    AdminUserOut,
    AirportPage,
    AirportQueueParams,
    CommentPage,
    Dashboard,
    ImporterRunOut,
    ImporterRunPage,
    ImportRequest,
    PageParams,
    PageviewOut,
    PageviewPage,
    Person,
    QueueCounts,
    QueueParams,
    Ranked,
    Rankings,
    UserPage,
    UserQueueParams,
    VersionOut,
    VersionPage,
)
from api.core.changes import ChangeKind, follow_now, record, record_changes
from api.core.errors import Conflict, NotFound, PirepError
from api.core.policy import Requester
from api.core.task_runner import TaskRunner, importer_arguments
from api.models.airports import Airport
from api.models.community import Action, Comment, Pageview, Photo, Version, Webcam
from api.models.enums import DataSource, ImporterRunStatus, UserRole, VersionEvent, VersionItemType
from api.models.system import ImporterRun
from api.models.users import Session, User
from api.tags import repository as tags_repository
from api.users import repository as users_repository
from api.versions import repository as versions_repository
from api.versions import service as versions_service

if TYPE_CHECKING:
    from api.admin.repository import AnyRow, Query

logger = logging.getLogger("api.admin")

MONTH = timedelta(days=30)


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(current: datetime | None, wanted: bool | None) -> datetime | None:
    """A timestamp column after a yes/no change: set once, kept while yes, cleared by no."""
    if wanted is None:
        return current
    return (current or _now()) if wanted else None


def person(user: User | None) -> Person | None:
    if user is None:
        return None
    return Person(
        id=user.id,
        role=user.role,
        display_name=user.display_name,
        ip_address=str(user.ip_address) if user.role == UserRole.UNKNOWN else None,
    )


PageT = TypeVar("PageT", bound=PageParams)


async def _page(
    session: AsyncSession,
    statement: Query,
    params: PageParams,
    page_type: type[PageT],
    out: Callable[..., BaseModel],
) -> PageT:
    """One page of ``statement``, each row turned into its answer by ``out``."""
    total, rows = await repository.page(session, statement, params.page, params.per_page)
    return page_type(
        page=params.page,
        per_page=params.per_page,
        total=total,
        items=[out(*row) for row in rows],
    )


# Dashboard and the read-only switch ---------------------------------------------------------


async def dashboard(session: AsyncSession, requester: Requester, runner: TaskRunner) -> Dashboard:
    policy.administer(requester)
    active = await repository.active_importer_run(session)
    return Dashboard(
        **await repository.meters(session, _now() - MONTH),
        cycles=await repository.active_cycles(session),
        read_only=await repository.read_only(session),
        queues=QueueCounts(**await repository.queue_counts(session)),
        active_import=await _run_out(session, runner, *active) if active else None,
    )


async def set_read_only(session: AsyncSession, requester: Requester, read_only: bool) -> bool:
    principal = policy.administer(requester)
    await repository.set_read_only(session, read_only)
    logger.warning(
        "Read-only mode turned %s by %s", "on" if read_only else "off", principal.user.id
    )
    return read_only


# Versions ------------------------------------------------------------------------------------


def version_out(version: Version, airport_code: str, author: User | None) -> VersionOut:
    return VersionOut(
        id=version.id,
        item_type=version.item_type,
        item_id=version.item_id,
        airport_code=airport_code,
        event=version.event,
        author=person(author),
        object_changes=version.object_changes,
        created_at=version.created_at,
        reviewed_at=version.reviewed_at,
        reverted_at=version.reverted_at,
    )


async def versions(session: AsyncSession, requester: Requester, params: QueueParams) -> VersionPage:
    policy.administer(requester)
    return await _page(
        session, repository.versions(params.unreviewed, params.q), params, VersionPage, version_out
    )


async def review_version(
    session: AsyncSession, requester: Requester, version_id: uuid.UUID, reviewed: bool
) -> VersionOut:
    policy.administer(requester)
    row = await repository.version(session, version_id)
    if row is None:
        raise NotFound(f"There is no version {version_id}.")
    version: Version = row[0]
    version.reviewed_at = _stamp(version.reviewed_at, reviewed)
    await session.flush()
    return version_out(*row)


async def revert_version(
    session: AsyncSession, requester: Requester, version_id: uuid.UUID
) -> VersionOut:
    """Undo a change; the undoing is a new version (returned), already reviewed."""
    principal = policy.administer(requester)
    undo = await versions_service.revert(session, principal.user, version_id)
    row = await repository.version(session, undo.id)
    assert row is not None
    return version_out(*row)


# Users ---------------------------------------------------------------------------------------


def admin_user_out(user: User) -> AdminUserOut:
    return AdminUserOut(
        id=user.id,
        role=user.role,
        email=user.email,
        unconfirmed_email=user.unconfirmed_email,
        display_name=user.display_name,
        ip_address=str(user.ip_address) if user.ip_address else None,
        timezone=user.timezone,
        points=user.points,
        failed_attempts=user.failed_attempts,
        confirmed_at=user.confirmed_at,
        verified_at=user.verified_at,
        disabled_at=user.disabled_at,
        locked_at=user.locked_at,
        reviewed_at=user.reviewed_at,
        last_seen_at=user.last_seen_at,
        last_edit_at=user.last_edit_at,
        last_login_at=user.last_login_at,
        last_login_ip=str(user.last_login_ip) if user.last_login_ip else None,
        created_at=user.created_at,
        updated_at=user.updated_at,
    )


async def users(session: AsyncSession, requester: Requester, params: UserQueueParams) -> UserPage:
    policy.administer(requester)
    statement = repository.users(params.unreviewed, params.role, params.q)
    return await _page(session, statement, params, UserPage, admin_user_out)


async def _user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user {user_id}.")
    return user


async def user(session: AsyncSession, requester: Requester, user_id: uuid.UUID) -> AdminUserOut:
    policy.administer(requester)
    return admin_user_out(await _user(session, user_id))


async def change_user(
    session: AsyncSession, requester: Requester, user_id: uuid.UUID, changes: AdminUserChanges
) -> AdminUserOut:
    policy.administer(requester)  # before the lookup: a non-admin learns nothing of ids
    target = await _user(session, user_id)
    locks_out = bool(
        (changes.role is not None and changes.role != UserRole.ADMIN.value)
        or changes.disabled
        or changes.locked
    )
    policy.change_user(requester, target, locks_out=locks_out)
    if target.role == UserRole.UNKNOWN and (
        changes.role or changes.email or changes.locked is not None or changes.confirmed
    ):
        raise Conflict(
            "This is a writer without an account (known only by address): it has no role, "
            "email or login to change. It can be disabled or reviewed."
        )
    if changes.display_name is not None:
        name = changes.display_name.strip()
        if await users_repository.display_name_taken(session, name, target.id):
            raise Conflict(f"The display name {name!r} is taken.")
        target.display_name = name
    if changes.email is not None:
        email = changes.email.strip()
        other = await users_repository.user_by_email(session, email)
        if other is not None and other.id != target.id:
            raise Conflict(f"Another account uses {email}.")
        target.email, target.unconfirmed_email = email, None
    if changes.role is not None:
        target.role = UserRole(changes.role)
    ends_sessions = (changes.disabled and target.disabled_at is None) or (
        changes.locked and target.locked_at is None
    )
    target.disabled_at = _stamp(target.disabled_at, changes.disabled)
    target.locked_at = _stamp(target.locked_at, changes.locked)
    if changes.locked is False:
        target.failed_attempts = 0
    target.confirmed_at = _stamp(target.confirmed_at, changes.confirmed)
    target.reviewed_at = _stamp(target.reviewed_at, changes.reviewed)
    if ends_sessions:
        await session.execute(sa.delete(Session).where(Session.user_id == target.id))
    await session.flush()
    await session.refresh(target)
    return admin_user_out(target)


async def delete_user(session: AsyncSession, requester: Requester, user_id: uuid.UUID) -> None:
    policy.administer(requester)  # before the lookup: a non-admin learns nothing of ids
    target = await _user(session, user_id)
    policy.change_user(requester, target, locks_out=True)
    await users_repository.delete_user(session, target)


async def user_activity(
    session: AsyncSession, requester: Requester, user_id: uuid.UUID, params: PageParams
) -> ActionPage:
    policy.administer(requester)
    await _user(session, user_id)
    return await _page(session, repository.actions(user_id), params, ActionPage, action_out)


def action_out(action: Action, airport_code: str | None) -> ActionOut:
    return ActionOut(
        id=action.id,
        type=action.type,
        airport_code=airport_code,
        points=action.points,
        created_at=action.created_at,
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


async def user_analytics(
    session: AsyncSession, requester: Requester, user_id: uuid.UUID, params: PageParams
) -> PageviewPage:
    policy.administer(requester)
    await _user(session, user_id)
    statement = repository.pageviews(user_id=user_id)
    return await _page(session, statement, params, PageviewPage, pageview_out)


# Airports ------------------------------------------------------------------------------------


def admin_airport_out(airport: Airport, revisions: int, contributors: int) -> AdminAirportOut:
    return AdminAirportOut(
        id=airport.id,
        code=airport.code,
        icao_code=airport.icao_code,
        name=airport.name,
        facility_type=airport.facility_type,
        facility_use=airport.facility_use,
        ownership_type=airport.ownership_type,
        latitude=airport.latitude,
        longitude=airport.longitude,
        elevation_ft=airport.elevation_ft,
        city=airport.city,
        state=airport.state,
        country=airport.country,
        fuel_types=airport.fuel_types,
        landing_rights=airport.landing_rights,
        data_source=airport.data_source,
        locked_at=airport.locked_at,
        reviewed_at=airport.reviewed_at,
        created_at=airport.created_at,
        updated_at=airport.updated_at,
        revisions=revisions,
        contributors=contributors,
    )


async def airports(
    session: AsyncSession, requester: Requester, params: AirportQueueParams
) -> AirportPage:
    policy.administer(requester)
    statement = repository.airports(params.unreviewed, params.source, params.q)
    return await _page(session, statement, params, AirportPage, admin_airport_out)


async def _airport(session: AsyncSession, airport_id: uuid.UUID) -> AnyRow:
    row = await repository.airport(session, airport_id)
    if row is None:
        raise NotFound(f"There is no airport {airport_id}.")
    return row


async def airport(
    session: AsyncSession, requester: Requester, airport_id: uuid.UUID
) -> AdminAirportOut:
    policy.administer(requester)
    return admin_airport_out(*await _airport(session, airport_id))


# Official fields an admin edit records in the airport's history.
_VERSIONED = (
    "code",
    "name",
    "latitude",
    "longitude",
    "elevation_ft",
    "facility_type",
    "facility_use",
    "ownership_type",
    "fuel_types",
    "city",
    "state",
)


async def change_airport(
    session: AsyncSession,
    requester: Requester,
    airport_id: uuid.UUID,
    changes: AdminAirportChanges,
) -> AdminAirportOut:
    """Change official fields, the lock or the review of an airport. Official changes are
    recorded in its history (already reviewed: an admin made them)."""
    principal = policy.administer(requester)
    target: Airport = (await _airport(session, airport_id))[0]
    given = changes.model_dump(exclude_unset=True)
    if "fuel_types" in given and given["fuel_types"] is None:
        given["fuel_types"] = []  # no fuel: the column holds a list, never null
    if changes.code is not None and await repository.code_taken(session, changes.code, target.id):
        raise Conflict(f"Another airport has the code {changes.code}.")
    for name in ("code", "name", "latitude", "longitude", "facility_type"):
        if name in given and given[name] is None:
            raise Conflict(f"An airport must have a {name.replace('_', ' ')}.")
    diff = {
        name: [getattr(target, name), given[name]]
        for name in _VERSIONED
        if name in given and getattr(target, name) != given[name]
    }
    for name in diff:
        setattr(target, name, given[name])
    locked_before = target.locked_at
    target.locked_at = _stamp(target.locked_at, changes.locked)
    target.reviewed_at = _stamp(target.reviewed_at, changes.reviewed)
    await session.flush()
    if diff:
        await versions_repository.add_version(
            session,
            item_type=VersionItemType.AIRPORT,
            item_id=target.id,
            airport_id=target.id,
            event=VersionEvent.UPDATE,
            whodunnit_id=principal.user.id,
            changes=_jsonable(diff),
            reviewed=True,
        )
    if diff or locked_before != target.locked_at:
        fields = [*diff, *(["locked"] if locked_before != target.locked_at else [])]
        await record(session, ChangeKind.ADMIN, {target.id: fields})
    return admin_airport_out(*await _airport(session, airport_id))


def _jsonable(diff: dict[str, list[Any]]) -> dict[str, Any]:
    return {
        name: [str(value) if hasattr(value, "value") else value for value in pair]
        for name, pair in diff.items()
    }


async def delete_airport(
    session: AsyncSession, requester: Requester, airport_id: uuid.UUID
) -> None:
    """Delete an airport added by a user (official airports would come back with the next
    import: lock them instead)."""
    policy.administer(requester)
    target: Airport = (await _airport(session, airport_id))[0]
    if target.data_source != DataSource.USER_CONTRIBUTED:
        raise Conflict(
            f"{target.code} comes from {target.data_source.value} data and the next import would "
            "bring it back; lock it instead."
        )
    # Recorded while the airport is there to name: its change outlives it.
    recorded = await record_changes(session, ChangeKind.AIRPORT_DELETED, {target.id: ["airport"]})
    await session.delete(target)
    await session.flush()
    await follow_now(session, recorded)


async def airport_analytics(
    session: AsyncSession, requester: Requester, airport_id: uuid.UUID, params: PageParams
) -> PageviewPage:
    policy.administer(requester)
    await _airport(session, airport_id)
    statement = repository.pageviews(airport_id=airport_id)
    return await _page(session, statement, params, PageviewPage, pageview_out)


# Comments ------------------------------------------------------------------------------------


def comment_out(comment: Comment, code: str, author: User | None) -> AdminCommentOut:
    return AdminCommentOut(
        id=comment.id,
        airport_code=code,
        author=person(author),
        body=comment.body,
        helpful_count=comment.helpful_count,
        outdated_at=comment.outdated_at,
        reviewed_at=comment.reviewed_at,
        created_at=comment.created_at,
    )


async def comments(session: AsyncSession, requester: Requester, params: QueueParams) -> CommentPage:
    policy.administer(requester)
    statement = repository.comments(params.unreviewed, params.q)
    return await _page(session, statement, params, CommentPage, comment_out)


async def _comment(session: AsyncSession, comment_id: uuid.UUID) -> AnyRow:
    row = await repository.comment(session, comment_id)
    if row is None:
        raise NotFound(f"There is no comment {comment_id}.")
    return row


async def change_comment(
    session: AsyncSession,
    requester: Requester,
    comment_id: uuid.UUID,
    changes: AdminCommentChanges,
) -> AdminCommentOut:
    policy.administer(requester)
    row = await _comment(session, comment_id)
    comment: Comment = row[0]
    if changes.body is not None:
        comment.body = changes.body
    if changes.helpful_count is not None:
        comment.helpful_count = changes.helpful_count
    comment.reviewed_at = _stamp(comment.reviewed_at, changes.reviewed)
    await session.flush()
    if changes.body is not None or changes.helpful_count is not None:
        await record(session, ChangeKind.COMMENT, {comment.airport_id: ["comments"]})
    return comment_out(*row)


async def delete_comment(
    session: AsyncSession, requester: Requester, comment_id: uuid.UUID
) -> None:
    policy.administer(requester)
    comment: Comment = (await _comment(session, comment_id))[0]
    airport_id = comment.airport_id
    await session.delete(comment)
    await session.flush()
    tags_changed = await tags_repository.sync_automatic_tags(session, airport_id)
    await record(
        session, ChangeKind.COMMENT, {airport_id: ["comments", *(["tags"] if tags_changed else [])]}
    )


# Photos and webcams ------------------------------------------------------------------------


async def delete_photo(session: AsyncSession, requester: Requester, photo_id: uuid.UUID) -> None:
    """Remove a contributed photo (its file stays in storage, unreachable from the site)."""
    policy.administer(requester)
    photo = await session.get(Photo, photo_id)
    if photo is None:
        raise NotFound(f"There is no photo {photo_id}.")
    airport_id = photo.airport_id
    await session.delete(photo)
    await session.flush()
    tags_changed = await tags_repository.sync_automatic_tags(session, airport_id)
    await record(
        session, ChangeKind.PHOTO, {airport_id: ["photos", *(["tags"] if tags_changed else [])]}
    )


async def delete_webcam(session: AsyncSession, requester: Requester, webcam_id: uuid.UUID) -> None:
    principal = policy.administer(requester)
    webcam = await session.get(Webcam, webcam_id)
    if webcam is None:
        raise NotFound(f"There is no webcam {webcam_id}.")
    airport_id, url = webcam.airport_id, webcam.url
    await session.delete(webcam)
    await session.flush()
    await versions_repository.add_version(
        session,
        item_type=VersionItemType.WEBCAM,
        item_id=webcam_id,
        airport_id=airport_id,
        event=VersionEvent.DESTROY,
        whodunnit_id=principal.user.id,
        changes={"url": [url, None]},
        reviewed=True,
    )
    tags_changed = await tags_repository.sync_automatic_tags(session, airport_id)
    await record(
        session, ChangeKind.WEBCAM, {airport_id: ["webcams", *(["tags"] if tags_changed else [])]}
    )


# Activity ------------------------------------------------------------------------------------


async def activity(session: AsyncSession, requester: Requester) -> Activity:
    policy.administer(requester)

    async def rankings(since: datetime | None) -> Rankings:
        found = await repository.rankings(session, since)
        return Rankings(
            **{
                name: [Ranked(id=id_, label=label, count=count) for id_, label, count in rows]
                for name, rows in found.items()
            }
        )

    return Activity(all_time=await rankings(None), last_30_days=await rankings(_now() - MONTH))


# Importer runs -------------------------------------------------------------------------------


async def _run_out(
    session: AsyncSession, runner: TaskRunner, run: ImporterRun, requested_by: User | None
) -> ImporterRunOut:
    """A run as the admin sees it; an active run's task is asked how it is, and a run whose
    task died without saying so is marked failed."""
    task_status = None
    if run.status in repository.ACTIVE_RUN and run.ecs_task_arn:
        try:
            status = await runner.status(run.ecs_task_arn)
        except PirepError as error:
            task_status = f"unknown: {error.detail}"
        else:
            task_status = status.detail
            if not status.running:
                await session.refresh(run)
                if run.status in repository.ACTIVE_RUN:
                    run.status = ImporterRunStatus.FAILED
                    run.error = f"The importer stopped without finishing ({status.detail})."
                    run.finished_at = _now()
                    await session.flush()
    return ImporterRunOut(
        id=run.id,
        products=run.products,
        force=run.force,
        dry_run=run.dry_run,
        status=run.status,
        task=run.ecs_task_arn,
        task_status=task_status,
        requested_by=person(requested_by),
        cycles=run.cycles,
        progress=run.progress,
        counts=run.counts,
        diff=run.diff,
        error=run.error,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
    )


async def importer_runs(
    session: AsyncSession, requester: Requester, runner: TaskRunner, params: PageParams
) -> ImporterRunPage:
    policy.administer(requester)
    total, rows = await repository.page(
        session, repository.importer_runs(), params.page, params.per_page
    )
    items = [await _run_out(session, runner, *row) for row in rows]
    return ImporterRunPage(page=params.page, per_page=params.per_page, total=total, items=items)


async def importer_run(
    session: AsyncSession, requester: Requester, runner: TaskRunner, run_id: uuid.UUID
) -> ImporterRunOut:
    policy.administer(requester)
    row = await repository.importer_run(session, run_id)
    if row is None:
        raise NotFound(f"There is no importer run {run_id}.")
    return await _run_out(session, runner, *row)


async def start_import(
    session: AsyncSession, requester: Requester, runner: TaskRunner, request: ImportRequest
) -> ImporterRunOut:
    """Record a run and start the importer for it. Refused while another run is active. A run
    whose task could not be started is kept, marked failed, with the reason."""
    principal = policy.administer(requester)
    active = await repository.active_importer_run(session)
    if active is not None:
        raise Conflict(
            f"Import {active[0].id} is {active[0].status.value}; wait for it to finish first."
        )
    products = sorted({product.value for product in request.products})
    run = ImporterRun(
        products=products,
        force=request.force,
        dry_run=request.dry_run,
        requested_by_id=principal.user.id,
        status=ImporterRunStatus.REQUESTED,
        progress={"step": "starting the importer"},
    )
    session.add(run)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict("Another import was started just now; wait for it to finish.") from None
    await session.commit()  # the importer process looks the run up by its id
    arguments = importer_arguments(products, request.force, request.dry_run)
    try:
        run.ecs_task_arn = await runner.start(run.id, arguments)
    except PirepError as error:
        await session.execute(
            sa.update(ImporterRun)
            .where(ImporterRun.id == run.id)
            .values(status=ImporterRunStatus.FAILED, error=error.detail, finished_at=_now())
        )
        await session.commit()
        raise
    logger.info("Importer run %s started as %s", run.id, run.ecs_task_arn)
    await session.flush()
    return await _run_out(session, runner, run, principal.user)
