"""Community content: versions, actions, comments, events, webcams, photos, pageviews."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, created_at, enum_column, timestamp, updated_at, uuid_pk
from api.models.enums import (
    ActionType,
    EventSource,
    PhotoSource,
    RecurringCadence,
    VersionEvent,
    VersionItemType,
)


def _airport_fk(*, nullable: bool = False, ondelete: str = "CASCADE") -> Mapped[Any]:
    return mapped_column(
        sa.ForeignKey("airports.id", ondelete=ondelete), nullable=nullable, index=True
    )


def _user_fk(*, nullable: bool = True, ondelete: str = "SET NULL") -> Mapped[Any]:
    return mapped_column(
        sa.ForeignKey("users.id", ondelete=ondelete), nullable=nullable, index=True
    )


class Version(Base):
    """One change to an airport's history columns, or to one of its tags, events or webcams."""

    __tablename__ = "versions"

    id: Mapped[uuid.UUID] = uuid_pk()
    item_type: Mapped[VersionItemType] = mapped_column(
        enum_column(VersionItemType, "version_item_type"), nullable=False
    )
    item_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, nullable=False)
    airport_id: Mapped[uuid.UUID] = _airport_fk()
    event: Mapped[VersionEvent] = mapped_column(
        enum_column(VersionEvent, "version_event"), nullable=False
    )
    whodunnit_id: Mapped[uuid.UUID | None] = _user_fk()
    object: Mapped[dict[str, Any] | None] = mapped_column(pg.JSONB)
    object_changes: Mapped[dict[str, Any]] = mapped_column(
        pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")
    )
    reverted_at: Mapped[datetime | None] = timestamp()
    reviewed_at: Mapped[datetime | None] = timestamp()
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    __table_args__ = (
        sa.Index("ix_versions_item", "item_type", "item_id"),
        sa.Index("ix_versions_airport_created", "airport_id", "created_at"),
        sa.Index("ix_versions_unreviewed", "created_at", postgresql_where="reviewed_at IS NULL"),
    )


class Action(Base):
    """An entry of the activity feed; each earns its user points."""

    __tablename__ = "actions"

    id: Mapped[uuid.UUID] = uuid_pk()
    type: Mapped[ActionType] = mapped_column(enum_column(ActionType, "action_type"), nullable=False)
    user_id: Mapped[uuid.UUID] = _user_fk(nullable=False, ondelete="CASCADE")
    airport_id: Mapped[uuid.UUID | None] = _airport_fk(nullable=True, ondelete="SET NULL")
    subject_type: Mapped[str | None] = mapped_column(sa.Text)
    subject_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    version_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("versions.id", ondelete="SET NULL"), index=True
    )
    points: Mapped[int] = mapped_column(sa.Integer, nullable=False, server_default="0")
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (sa.CheckConstraint("points >= 0", name="points_positive"),)


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[uuid.UUID] = uuid_pk()
    airport_id: Mapped[uuid.UUID] = _airport_fk()
    user_id: Mapped[uuid.UUID] = _user_fk(nullable=False, ondelete="CASCADE")
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    helpful_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, server_default="0")
    outdated_at: Mapped[datetime | None] = timestamp()
    reviewed_at: Mapped[datetime | None] = timestamp()
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    __table_args__ = (
        sa.CheckConstraint("length(btrim(body)) > 0", name="body_present"),
        sa.CheckConstraint("helpful_count >= 0", name="helpful_count_positive"),
    )


class CommentHelpful(Base):
    """One "helpful" vote per user and comment."""

    __tablename__ = "comment_helpfuls"

    comment_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = created_at()


class Event(Base):
    __tablename__ = "events"

    id: Mapped[uuid.UUID] = uuid_pk()
    airport_id: Mapped[uuid.UUID] = _airport_fk()
    name: Mapped[str] = mapped_column(sa.Text, nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), nullable=False)
    host: Mapped[str | None] = mapped_column(sa.Text)
    location: Mapped[str | None] = mapped_column(sa.Text)
    url: Mapped[str | None] = mapped_column(sa.String(255))
    data_source: Mapped[EventSource] = mapped_column(
        enum_column(EventSource, "event_source"), nullable=False
    )
    digest: Mapped[str | None] = mapped_column(sa.Text)
    recurring_cadence: Mapped[RecurringCadence | None] = mapped_column(
        enum_column(RecurringCadence, "recurring_cadence")
    )
    recurring_interval: Mapped[int | None] = mapped_column(sa.Integer)
    recurring_day_of_month: Mapped[int | None] = mapped_column(sa.Integer)
    recurring_week_of_month: Mapped[int | None] = mapped_column(sa.Integer)
    created_by_id: Mapped[uuid.UUID | None] = _user_fk()
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    __table_args__ = (
        sa.UniqueConstraint("airport_id", "digest"),
        sa.Index("ix_events_starts_at", "starts_at"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint(
            "recurring_cadence IS NULL OR recurring_interval >= 1", name="recurring_interval"
        ),
        sa.CheckConstraint(
            "recurring_day_of_month IS NULL OR recurring_day_of_month BETWEEN 1 AND 31",
            name="day_of_month_range",
        ),
        sa.CheckConstraint(
            "recurring_week_of_month IS NULL OR recurring_week_of_month IN (-1, 1, 2, 3, 4, 5)",
            name="week_of_month_range",
        ),
        sa.CheckConstraint(
            "recurring_day_of_month IS NULL OR recurring_week_of_month IS NULL",
            name="day_or_week_of_month",
        ),
    )


class Webcam(Base):
    __tablename__ = "webcams"

    id: Mapped[uuid.UUID] = uuid_pk()
    airport_id: Mapped[uuid.UUID] = _airport_fk()
    url: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_by_id: Mapped[uuid.UUID | None] = _user_fk()
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    __table_args__ = (
        sa.UniqueConstraint("airport_id", "url"),
        sa.CheckConstraint("url ~* '^https?://'", name="url_scheme"),
    )


class Photo(Base):
    __tablename__ = "photos"

    id: Mapped[uuid.UUID] = uuid_pk()
    airport_id: Mapped[uuid.UUID] = _airport_fk()
    uploader_id: Mapped[uuid.UUID | None] = _user_fk()
    source: Mapped[PhotoSource] = mapped_column(
        enum_column(PhotoSource, "photo_source"), nullable=False
    )
    storage_key: Mapped[str] = mapped_column(sa.Text, nullable=False, unique=True)
    content_type: Mapped[str] = mapped_column(sa.Text, nullable=False)
    size_bytes: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    width: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    height: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # Who took an external photo, as Google names them ([{"name", "url"}]); NULL for pilots'.
    attributions: Mapped[list[dict[str, str]] | None] = mapped_column(pg.JSONB(none_as_null=True))
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        sa.CheckConstraint(
            "content_type IN ('image/jpeg', 'image/png', 'image/webp')", name="content_type"
        ),
        sa.CheckConstraint("size_bytes > 0 AND width > 0 AND height > 0", name="dimensions"),
        sa.CheckConstraint(
            "(source = 'external') = (attributions IS NOT NULL)", name="external_attributed"
        ),
    )


class ExternalPhotoLookup(Base):
    """Whether Google Places was, or is to be, asked for photos of an airport without any:
    requested by a visit of its page, answered by the worker's job."""

    __tablename__ = "external_photo_lookups"

    airport_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("airports.id", ondelete="CASCADE"), primary_key=True
    )
    requested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), nullable=False)
    looked_up_at: Mapped[datetime | None] = timestamp()
    # Photos the last answer brought (0: none, asked again after a while).
    found: Mapped[int | None] = mapped_column(sa.SmallInteger)
    failed_at: Mapped[datetime | None] = timestamp()


class Pageview(Base):
    __tablename__ = "pageviews"

    id: Mapped[uuid.UUID] = uuid_pk()
    airport_id: Mapped[uuid.UUID] = _airport_fk()
    user_id: Mapped[uuid.UUID | None] = _user_fk()
    ip_address: Mapped[str | None] = mapped_column(pg.INET)
    latitude: Mapped[float | None] = mapped_column(sa.Double)
    longitude: Mapped[float | None] = mapped_column(sa.Double)
    user_agent: Mapped[str | None] = mapped_column(sa.Text)
    browser: Mapped[str | None] = mapped_column(sa.Text)
    browser_version: Mapped[str | None] = mapped_column(sa.Text)
    operating_system: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (sa.Index("ix_pageviews_created_at", "created_at"),)
