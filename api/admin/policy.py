"""Who may use the admin API: administrators, in read-only mode too."""

from __future__ import annotations

from api.core import policy
from api.core.errors import Conflict
from api.core.policy import Principal, Requester
from api.models.users import User


def administer(requester: Requester) -> Principal:
    return policy.admin(requester, "admin.administer")


def change_user(requester: Requester, user: User, *, locks_out: bool) -> Principal:
    """Administrators change any account but cannot lock themselves out of theirs (demote,
    disable, lock or delete it): another administrator must."""
    principal = administer(requester)
    if locks_out and user.id == principal.user.id:
        raise Conflict(
            "You cannot demote, disable, lock or delete your own account; ask another admin."
        )
    return principal
