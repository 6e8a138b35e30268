"""Who may change an airport's community content."""

from __future__ import annotations

from datetime import datetime

from api.core import policy
from api.core.policy import Requester
from api.models.users import User


def edit(requester: Requester, user: User | None) -> None:
    """The write rule: not read-only, not disabled, verified (``user`` is None for a writer
    without an account who never wrote: not verified yet)."""
    policy.may_contribute(requester, user, "airports.edit")


def unlocked(locked_at: datetime | None) -> None:
    """The airport is not locked by the administrators."""
    policy.not_locked(locked_at)


def create(requester: Requester, user: User) -> None:
    """Adding an airport: the write rule (there is no lock to check yet)."""
    policy.may_contribute(requester, user, "airports.create")


def record_view(requester: Requester) -> None:
    """Counting a visit of an airport page is not a change of content: anyone, always."""
    policy.anyone("airports.record_view")
