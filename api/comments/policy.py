"""Who may comment, vote and flag: the write rule, on the comment's airport."""

from __future__ import annotations

from datetime import datetime

from api.core import policy
from api.core.policy import Requester
from api.models.users import User


def contribute(requester: Requester, user: User, locked_at: datetime | None) -> None:
    policy.may_contribute(requester, user, "comments.contribute", locked_at=locked_at)


def read(requester: Requester) -> None:
    policy.anyone("comments.read")
