"""Who may do what: the rules each domain's policy module is built from.

Every request that changes something must consult a policy before its changes are committed;
the session dependency refuses to commit otherwise (`PolicyNotConsulted`), so a route added
without a policy fails loudly instead of letting anyone in.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from api.core import repositories
from api.core.errors import (
    Forbidden,
    PirepError,
    ReadOnly,
    Unauthorized,
    VerificationRequired,
)
from api.models.enums import UserRole
from api.models.users import User

# The methods of requests that may change something: such a request must consult a policy.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

READ_ONLY_DETAIL = (
    "Pirep is in read-only mode for maintenance: nothing can be changed right now. Try again later."
)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who makes a request, and how they proved it."""

    user: User
    via: str  # "session" or "token"
    scopes: frozenset[str]


@dataclass(frozen=True, slots=True)
class Requester:
    """Everything a policy looks at: who asks, from where, and the state of the site."""

    principal: Principal | None
    address: str | None
    read_only: bool
    verification_required: bool


# Names of the rules consulted during the current request (a fresh list per request).
_consulted: ContextVar[list[str] | None] = ContextVar("pirep_policies_consulted", default=None)


class PolicyNotConsulted(PirepError):
    """A route tried to commit a change without asking a policy first (a programming error)."""


def begin_request() -> None:
    """Start recording the rules the current request consults."""
    _consulted.set([])


def consulted() -> list[str]:
    """The rules consulted so far by the current request."""
    return list(_consulted.get() or [])


def decided(rule: str) -> None:
    recorded = _consulted.get()
    if recorded is not None:
        recorded.append(rule)


def anyone(rule: str) -> None:
    """A rule that lets everybody through, recorded like any other."""
    decided(rule)


def site_writable(requester: Requester, rule: str) -> None:
    """Nothing changes while the site is read-only."""
    decided(rule)
    if requester.read_only:
        raise ReadOnly(READ_ONLY_DETAIL)


def signed_in(requester: Requester, rule: str, *, allow_disabled: bool = False) -> Principal:
    """The signed-in requester (session or API token), who must not be disabled."""
    decided(rule)
    principal = requester.principal
    if principal is None:
        raise Unauthorized("Sign in, or send an API token.")
    if principal.user.disabled_at is not None and not allow_disabled:
        raise Forbidden("This account is disabled.")
    return principal


def admin(requester: Requester, rule: str) -> Principal:
    """An administrator. Admin work goes on in read-only mode: it is how the mode is left."""
    principal = signed_in(requester, rule)
    if principal.user.role != UserRole.ADMIN:
        raise Forbidden("Only administrators may do this.")
    return principal


def is_verified(user: User) -> bool:
    """Accounts are verified; a writer without one must pass the CAPTCHA once."""
    return user.role != UserRole.UNKNOWN or user.verified_at is not None


def may_contribute(
    requester: Requester, user: User | None, rule: str, *, locked_at: datetime | None = None
) -> None:
    """The write rule of community content: the site is writable, the writer is not disabled
    and is verified (when verification is on; None is a writer not known yet, so not
    verified), and the airport is not locked."""
    site_writable(requester, rule)
    if user is not None and user.disabled_at is not None:
        raise Forbidden("This account is disabled.")
    if requester.verification_required and (user is None or not is_verified(user)):
        raise VerificationRequired(
            "Pass the one-time check first (POST /api/v1/users/verification), or sign in."
        )
    not_locked(locked_at)


def not_locked(locked_at: datetime | None) -> None:
    """The airport is not locked by the administrators."""
    if locked_at is not None:
        raise Forbidden("This airport is locked by the administrators: it cannot be edited.")


@dataclass
class ReadOnlySwitch:
    """The site-wide read-only switch as a web process sees it: read from the database at most
    every ``revalidate_seconds``."""

    revalidate_seconds: float
    value: bool = False
    checked_at: float = field(default=float("-inf"))

    async def current(self, session: AsyncSession) -> bool:
        if time.monotonic() - self.checked_at >= self.revalidate_seconds:
            self.value = await repositories.read_only(session)
            self.checked_at = time.monotonic()
        return self.value

    def forget(self) -> None:
        """Read the switch again on next use (after this process changed it)."""
        self.checked_at = float("-inf")
