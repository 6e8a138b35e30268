"""Who may change an airport's community content."""

from __future__ import annotations

from datetime import datetime

from api.core import policy
from api.core.policy import Requester
from api.models.users import User


def edit(requester: Requester, user: User, locked_at: datetime | None) -> None:
    """The write rule: not read-only, not disabled, verified, the airport not locked."""
    policy.may_contribute(requester, user, "airports.edit", locked_at=locked_at)


def read_history(requester: Requester) -> None:
    policy.anyone("airports.read_history")


def create(requester: Requester, user: User) -> None:
    """Adding an airport: the write rule (there is no lock to check yet)."""
    policy.may_contribute(requester, user, "airports.create")


def record_view(requester: Requester) -> None:
    """Counting a visit of an airport page is not a change of content: anyone, always."""
    policy.anyone("airports.record_view")
