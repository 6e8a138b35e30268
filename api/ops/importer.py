"""`pirep importer run-task`: start the importer as a one-off ECS task, recorded as an
importer run exactly as when an administrator starts it from the admin API."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.cycles import Product
from api.core.db import create_engine
from api.core.policy import Principal, Requester
from api.core.settings import Settings
from api.core.task_runner import EcsTaskRunner
from api.models.enums import UserRole
from api.models.users import User
from api.ops.aws import Aws, OpsProblem


@dataclass(frozen=True, slots=True)
class StartedRun:
    run_id: str
    task_arn: str
    requested_by: str


async def _admin(session: AsyncSession, email: str | None) -> User:
    query = sa.select(User).where(User.role == UserRole.ADMIN).order_by(User.created_at)
    admins = list((await session.scalars(query)).all())
    if email is not None:
        chosen = [admin for admin in admins if (admin.email or "").lower() == email.lower()]
        if not chosen:
            raise OpsProblem(f"There is no administrator with the e-mail {email}.")
        return chosen[0]
    if not admins:
        raise OpsProblem(
            "There is no administrator to record the run for: create one with `pirep db seed`."
        )
    if len(admins) > 1:
        raise OpsProblem(
            "Say which administrator starts the run with --as (one of "
            + ", ".join(admin.email or str(admin.id) for admin in admins)
            + ")."
        )
    return admins[0]


async def start_importer_task(
    settings: Settings,
    aws: Aws,
    products: list[Product],
    *,
    force: bool,
    dry_run: bool,
    admin_email: str | None,
) -> StartedRun:
    """Record an importer run for an administrator and start its ECS task."""
    from api.admin.router import launch_import
    from api.admin.schemas import ImportRequest

    # The operator's profile (PIREP_AWS_PROFILE); the web process uses its task role instead.
    runner = EcsTaskRunner.from_settings(settings)
    engine = create_engine(settings, pool_size=1)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            user = await _admin(session, admin_email)
            requester = Requester(
                principal=Principal(user=user, via="cli", scopes=frozenset()),
                address=None,
                read_only=False,
                verification_required=False,
            )
            request = ImportRequest(
                products=products or list(Product), force=force, dry_run=dry_run
            )
            run = await launch_import(session, requester, runner, request)
            await session.commit()
    finally:
        await engine.dispose()
    return StartedRun(str(run.id), run.task or "", user.email or str(user.id))
