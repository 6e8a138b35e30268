"""Accounts: users (admin, known, per-IP unknown), sessions, API tokens and one-time tokens."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, created_at, enum_column, timestamp, updated_at, uuid_pk
from api.models.enums import UserRole, UserTokenPurpose


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = uuid_pk()
    role: Mapped[UserRole] = mapped_column(enum_column(UserRole, "user_role"), nullable=False)
    email: Mapped[str | None] = mapped_column(sa.Text)
    unconfirmed_email: Mapped[str | None] = mapped_column(sa.Text)
    password_hash: Mapped[str | None] = mapped_column(sa.Text)
    display_name: Mapped[str | None] = mapped_column(sa.Text)
    ip_address: Mapped[str | None] = mapped_column(pg.INET)
    timezone: Mapped[str | None] = mapped_column(sa.Text)
    points: Mapped[int] = mapped_column(sa.Integer, nullable=False, server_default="0")
    failed_attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, server_default="0")
    confirmed_at: Mapped[datetime | None] = timestamp()
    verified_at: Mapped[datetime | None] = timestamp()
    disabled_at: Mapped[datetime | None] = timestamp()
    locked_at: Mapped[datetime | None] = timestamp()
    last_seen_at: Mapped[datetime | None] = timestamp()
    last_edit_at: Mapped[datetime | None] = timestamp()
    last_login_at: Mapped[datetime | None] = timestamp()
    last_login_ip: Mapped[str | None] = mapped_column(pg.INET)
    reviewed_at: Mapped[datetime | None] = timestamp()
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    __table_args__ = (
        sa.Index("uq_users_email", sa.text("lower(email)"), unique=True),
        sa.Index("uq_users_display_name", sa.text("lower(display_name)"), unique=True),
        sa.Index("uq_users_ip_address", "ip_address", unique=True),
        sa.CheckConstraint(
            "(role = 'unknown') = (ip_address IS NOT NULL)", name="only_unknown_users_have_an_ip"
        ),
        sa.CheckConstraint(
            "role = 'unknown' OR email IS NOT NULL", name="known_users_have_an_email"
        ),
        sa.CheckConstraint(
            "role <> 'unknown' OR password_hash IS NULL", name="unknown_users_cannot_log_in"
        ),
        sa.CheckConstraint("points >= 0", name="points_positive"),
    )


def public_name(display_name: str | None, role: UserRole) -> str:
    """How a contributor is shown to everyone (never an email or an address)."""
    if display_name:
        return display_name
    return "a pilot without an account" if role == UserRole.UNKNOWN else "a pilot"


def avatar_url(email: str | None) -> str | None:
    """The contributor's Gravatar (their picture where they have one, a pattern of their own
    otherwise), by the SHA-256 of the address as Gravatar asks; None without an address."""
    if not email:
        return None
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"https://gravatar.com/avatar/{digest}?s=96&d=identicon"


class Session(Base):
    """A signed-in browser session; only a hash of the cookie's token is stored."""

    __tablename__ = "sessions"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    token_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), nullable=False, unique=True)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), nullable=False)
    user_agent: Mapped[str | None] = mapped_column(sa.Text)
    ip_address: Mapped[str | None] = mapped_column(pg.INET)
    last_used_at: Mapped[datetime | None] = timestamp()
    created_at: Mapped[datetime] = created_at()


class ApiToken(Base):
    """A named, scoped, revocable bearer token for third-party API consumers."""

    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(sa.Text, nullable=False)
    token_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), nullable=False, unique=True)
    scopes: Mapped[list[str]] = mapped_column(pg.ARRAY(sa.Text), nullable=False)
    # Reads a minute an admin gave this token (a heavy consumer); None: the site's default.
    read_limit_per_minute: Mapped[int | None] = mapped_column(sa.Integer)
    expires_at: Mapped[datetime | None] = timestamp()
    last_used_at: Mapped[datetime | None] = timestamp()
    revoked_at: Mapped[datetime | None] = timestamp()
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        sa.CheckConstraint("scopes <@ ARRAY['read', 'write']::text[]", name="known_scopes"),
        sa.CheckConstraint("read_limit_per_minute > 0", name="read_limit_positive"),
    )


class UserToken(Base):
    """A one-time token sent by mail: e-mail confirmation or password reset."""

    __tablename__ = "user_tokens"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    purpose: Mapped[UserTokenPurpose] = mapped_column(
        enum_column(UserTokenPurpose, "user_token_purpose"), nullable=False
    )
    token_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), nullable=False, unique=True)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = timestamp()
    created_at: Mapped[datetime] = created_at()
