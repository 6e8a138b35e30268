"""The admin's overview: the dashboard, the read-only switch and the activity rankings. Every
function asks the admin policy first. The other subjects have their own modules: `users`,
`airports`, `moderation` (versions, comments, photos, webcams) and `importer`."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from api.admin import policy, repository
from api.admin.common import now
from api.admin.importer import run_out
from api.admin.schemas import Activity, Dashboard, QueueCounts, Ranked, Rankings
from api.core import repositories as core_repositories
from api.core.policy import Requester
from api.core.task_runner import TaskRunner

logger = logging.getLogger("api.admin")

MONTH = timedelta(days=30)


async def dashboard(session: AsyncSession, requester: Requester, runner: TaskRunner) -> Dashboard:
    policy.administer(requester)
    active = await repository.active_importer_run(session)
    return Dashboard(
        **await repository.meters(session, now() - MONTH),
        cycles=await repository.active_cycles(session),
        read_only=await core_repositories.read_only(session),
        queues=QueueCounts(**await repository.queue_counts(session)),
        active_import=await run_out(session, runner, *active) if active else None,
    )


async def set_read_only(session: AsyncSession, requester: Requester, read_only: bool) -> bool:
    principal = policy.administer(requester)
    await repository.set_read_only(session, read_only)
    logger.warning(
        "Read-only mode turned %s by %s", "on" if read_only else "off", principal.user.id
    )
    return read_only


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

    return Activity(all_time=await rankings(None), last_30_days=await rankings(now() - MONTH))
