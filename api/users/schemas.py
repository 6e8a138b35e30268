"""Accounts as the API reads and returns them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.models.enums import UserRole

EMAIL_PATTERN = r"^[^@\s\x00-\x1f]{1,64}@[^@\s\x00-\x1f]{1,255}\.[^@\s\x00-\x1f]{2,63}$"
Scope = Literal["read", "write"]
# ASVS 2.1.1/2.1.2: at least 12 characters, up to 128 (any Unicode, spaces included, no
# composition rules); signing in takes any length, so older shorter passwords still work.
PASSWORD_MIN = 12
PASSWORD_MAX = 128


# A contributor's picture, wherever they are shown.
AvatarUrl = Annotated[
    str | None,
    Field(
        description="Their Gravatar picture (a pattern when they have none); None for writers "
        "without an account.",
        examples=["https://gravatar.com/avatar/6d1a0c…?s=96&d=identicon"],
    ),
]


class Registration(BaseModel):
    model_config = {"extra": "forbid"}

    email: str = Field(max_length=320, pattern=EMAIL_PATTERN, examples=["pilot@example.com"])
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    display_name: str | None = Field(default=None, min_length=1, max_length=40)
    captcha_token: str | None = Field(
        default=None,
        max_length=2048,
        description="The CAPTCHA widget's answer; needed when the site has a CAPTCHA (see meta).",
    )


class Credentials(BaseModel):
    model_config = {"extra": "forbid"}

    email: str = Field(max_length=320)
    password: str = Field(max_length=128)


class UserOut(BaseModel):
    id: uuid.UUID
    role: UserRole
    email: str | None
    pending_email: str | None = Field(
        description="A new address waiting for its confirmation link to be opened."
    )
    display_name: str | None
    avatar_url: AvatarUrl
    timezone: str | None
    points: int
    confirmed: bool
    verified: bool = Field(description="May write: an account, or a passed CAPTCHA.")
    created_at: datetime


class SessionOut(BaseModel):
    user: UserOut
    csrf_token: str = Field(
        description="Send it back in the `X-CSRF-Token` header of every unsafe request made "
        "with the session cookie."
    )


class Accepted(BaseModel):
    detail: str


def _read_only() -> list[Scope]:
    return ["read"]


class TokenRequest(BaseModel):
    model_config = {"extra": "forbid"}

    name: str = Field(min_length=1, max_length=80, examples=["flight planner"])
    scopes: list[Scope] = Field(default_factory=_read_only, min_length=1)


class TokenOut(BaseModel):
    id: uuid.UUID
    name: str
    scopes: list[Scope]
    read_limit_per_minute: int | None = Field(
        description="Airport, change-feed and export reads a minute an administrator gave this "
        "token, counted under the token wherever the reads come from; null: the site's "
        "default for everyone, counted per address (see the `RateLimit-Limit` field)."
    )
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="Shown once: only a hash of it is kept.")


class AccountChanges(BaseModel):
    """Changes to your own account; a new password or e-mail address needs the current
    password."""

    model_config = {"extra": "forbid"}

    current_password: str | None = Field(default=None, max_length=128)
    password: str | None = Field(default=None, min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    email: str | None = Field(
        default=None,
        max_length=320,
        pattern=EMAIL_PATTERN,
        description="A new address: it takes effect once confirmed by the link mailed to it "
        "(`pending_email` until then); the old address is told.",
        examples=["pilot@example.com"],
    )
    display_name: str | None = Field(default=None, min_length=1, max_length=40)
    timezone: str | None = Field(default=None, max_length=64, examples=["America/Los_Angeles"])


class AccountDeletion(BaseModel):
    model_config = {"extra": "forbid"}

    current_password: str = Field(max_length=128)


class EmailOnly(BaseModel):
    model_config = {"extra": "forbid"}

    email: str = Field(max_length=320)


class TokenOnly(BaseModel):
    model_config = {"extra": "forbid"}

    token: str = Field(min_length=1, max_length=200)


class PasswordReset(BaseModel):
    model_config = {"extra": "forbid"}

    token: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


class CaptchaAnswer(BaseModel):
    model_config = {"extra": "forbid"}

    token: str = Field(max_length=2048, description="The Turnstile widget's answer.")


class Standing(BaseModel):
    id: uuid.UUID
    name: str
    avatar_url: AvatarUrl
    altitude: int = Field(description="Points earned by contributing, shown as feet.")
    rank: int | None = Field(description="Place by points among pilots with any; None: none yet.")
    contributions: int
    airports_edited: int
    member_since: datetime


class ActivityItem(BaseModel):
    type: str
    airport_code: str | None
    points: int
    created_at: datetime


class Profile(Standing):
    activity: list[ActivityItem] = Field(description="The latest 50 contributions.")
