"""Users as the admin manages them: the queue, changes of role, name, email and state, deletion,
and what a user did and viewed. Every function asks the admin policy first."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from api.admin import policy, repository
from api.admin.common import found, page, pageview_out, stamp
from api.admin.schemas import (
    ActionOut,
    ActionPage,
    AdminTokenChanges,
    AdminUserChanges,
    AdminUserOut,
    PageParams,
    PageviewPage,
    UserPage,
    UserQueueParams,
)
from api.core.errors import Conflict
from api.core.policy import Requester
from api.models.community import Action
from api.models.enums import UserRole
from api.models.users import ApiToken, User
from api.users import repository as users_repository
from api.users.schemas import TokenOut
from api.users.service import token_out


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
    return await page(session, statement, params, UserPage, admin_user_out)


async def _user(session: AsyncSession, user_id: uuid.UUID) -> User:
    return found(await session.get(User, user_id), f"user {user_id}")


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
    target.disabled_at = stamp(target.disabled_at, changes.disabled)
    target.locked_at = stamp(target.locked_at, changes.locked)
    if changes.locked is False:
        target.failed_attempts = 0
    target.confirmed_at = stamp(target.confirmed_at, changes.confirmed)
    target.reviewed_at = stamp(target.reviewed_at, changes.reviewed)
    if ends_sessions:
        await users_repository.delete_other_sessions(session, target.id, keep_token_hash=None)
    await session.flush()
    await session.refresh(target)
    return admin_user_out(target)


async def delete_user(session: AsyncSession, requester: Requester, user_id: uuid.UUID) -> None:
    policy.administer(requester)  # before the lookup: a non-admin learns nothing of ids
    target = await _user(session, user_id)
    policy.change_user(requester, target, locks_out=True)
    await users_repository.delete_user(session, target)


def action_out(action: Action, airport_code: str | None) -> ActionOut:
    return ActionOut(
        id=action.id,
        type=action.type,
        airport_code=airport_code,
        points=action.points,
        created_at=action.created_at,
    )


async def user_activity(
    session: AsyncSession, requester: Requester, user_id: uuid.UUID, params: PageParams
) -> ActionPage:
    policy.administer(requester)
    await _user(session, user_id)
    return await page(session, repository.actions(user_id), params, ActionPage, action_out)


async def user_analytics(
    session: AsyncSession, requester: Requester, user_id: uuid.UUID, params: PageParams
) -> PageviewPage:
    policy.administer(requester)
    await _user(session, user_id)
    statement = repository.pageviews(user_id=user_id)
    return await page(session, statement, params, PageviewPage, pageview_out)


async def user_tokens(
    session: AsyncSession, requester: Requester, user_id: uuid.UUID
) -> list[TokenOut]:
    """A user's API tokens, revoked ones included, oldest first."""
    policy.administer(requester)
    await _user(session, user_id)
    return [token_out(token) for token in await users_repository.api_tokens(session, user_id)]


async def change_token(
    session: AsyncSession, requester: Requester, token_id: uuid.UUID, changes: AdminTokenChanges
) -> TokenOut:
    """Give a token a read quota of its own, or take it back."""
    policy.administer(requester)
    token = found(await session.get(ApiToken, token_id), f"API token {token_id}")
    if token.revoked_at is not None:
        raise Conflict("This API token is revoked: it reads nothing any more.")
    token.read_limit_per_minute = changes.read_limit_per_minute
    await session.flush()
    return token_out(token)
