"""The write rule of community content, on its own (the routes using it have their own table
in tests/api/test_permissions.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.core import policy
from api.core.errors import Forbidden, ReadOnly
from api.core.policy import Requester
from api.models.enums import UserRole
from api.models.users import User

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def requester(*, read_only: bool = False, verification: bool = True) -> Requester:
    return Requester(
        principal=None, address="192.0.2.1", read_only=read_only, verification_required=verification
    )


def user(role: UserRole, **values: object) -> User:
    return User(role=role, **values)


@pytest.mark.parametrize(
    ("writer", "locked", "read_only", "verification", "refusal"),
    [
        (user(UserRole.UNKNOWN), False, False, True, "Pass the one-time check first"),
        (user(UserRole.UNKNOWN), False, False, False, None),
        (user(UserRole.UNKNOWN, verified_at=NOW), False, False, True, None),
        (user(UserRole.KNOWN), False, False, True, None),
        (user(UserRole.KNOWN, disabled_at=NOW), False, False, True, "disabled"),
        (user(UserRole.UNKNOWN, verified_at=NOW, disabled_at=NOW), False, False, True, "disabled"),
        (user(UserRole.KNOWN), True, False, True, "locked"),
        (user(UserRole.ADMIN), True, False, True, "locked"),
        (user(UserRole.ADMIN), False, True, True, "read-only"),
    ],
    ids=[
        "unverified",
        "unverified, no CAPTCHA configured",
        "verified",
        "known",
        "disabled",
        "disabled writer without an account",
        "locked airport",
        "locked airport, admin too",
        "read-only",
    ],
)
def test_who_may_contribute(
    writer: User, locked: bool, read_only: bool, verification: bool, refusal: str | None
) -> None:
    policy.begin_request()
    asking = requester(read_only=read_only, verification=verification)
    locked_at = NOW if locked else None
    if refusal is None:
        policy.may_contribute(asking, writer, "test.contribute", locked_at=locked_at)
    else:
        error = ReadOnly if read_only else Forbidden
        with pytest.raises(error, match=refusal):
            policy.may_contribute(asking, writer, "test.contribute", locked_at=locked_at)
    assert policy.consulted() == ["test.contribute"]
