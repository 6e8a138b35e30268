"""Importer runs as the admin sees and starts them. Every function but ``start_run`` (which
follows ``record_run``) asks the admin policy first."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.admin import policy, repository
from api.admin.common import found, now, person
from api.admin.repository import RunRow
from api.admin.schemas import ImporterRunOut, ImporterRunPage, ImportRequest, PageParams
from api.core.errors import Conflict, PirepError
from api.core.policy import Requester
from api.core.task_runner import TaskRunner, importer_arguments
from api.models.enums import ImporterRunStatus
from api.models.system import ImporterRun
from api.models.users import User

logger = logging.getLogger("api.admin")


async def run_out(
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
                    run.finished_at = now()
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
    items = [await run_out(session, runner, *row) for row in rows]
    return ImporterRunPage(page=params.page, per_page=params.per_page, total=total, items=items)


async def importer_run(
    session: AsyncSession, requester: Requester, runner: TaskRunner, run_id: uuid.UUID
) -> ImporterRunOut:
    policy.administer(requester)
    row = found(await repository.importer_run(session, run_id), f"importer run {run_id}")
    return await run_out(session, runner, *row)


async def record_run(session: AsyncSession, requester: Requester, request: ImportRequest) -> RunRow:
    """Record a requested run (flushed; the caller commits it before ``start_run``). Refused
    while another run is active."""
    principal = policy.administer(requester)
    active = await repository.active_importer_run(session)
    if active is not None:
        raise Conflict(
            f"Import {active.run.id} is {active.run.status.value}; wait for it to finish first."
        )
    run = ImporterRun(
        products=sorted({product.value for product in request.products}),
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
    return RunRow(run, principal.user)


async def start_run(session: AsyncSession, runner: TaskRunner, run: ImporterRun) -> None:
    """Start the importer for a committed run (the importer process looks the run up by its
    id). A run whose task could not be started is marked failed, with the reason, and the error
    raised again."""
    arguments = importer_arguments(run.products, run.force, run.dry_run)
    try:
        run.ecs_task_arn = await runner.start(run.id, arguments)
    except PirepError as error:
        await repository.fail_importer_run(session, run.id, error.detail, now())
        raise
    logger.info("Importer run %s started as %s", run.id, run.ecs_task_arn)
    await session.flush()
