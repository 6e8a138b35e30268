"""Operational tables: weather reports, data cycles, importer runs, settings, caches."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.orm import Mapped, mapped_column

from api.core.cycles import Product
from api.models.base import Base, created_at, enum_column, timestamp, updated_at, uuid_pk
from api.models.enums import FlightCategory, ImporterRunStatus, WeatherReportKind


class WeatherReport(Base):
    """A decoded METAR, or one forecast period of a TAF."""

    __tablename__ = "weather_reports"

    id: Mapped[uuid.UUID] = uuid_pk()
    airport_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("airports.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[WeatherReportKind] = mapped_column(
        enum_column(WeatherReportKind, "weather_report_kind"), nullable=False
    )
    raw: Mapped[str] = mapped_column(sa.Text, nullable=False)
    observed_at: Mapped[datetime | None] = timestamp()
    starts_at: Mapped[datetime | None] = timestamp()
    ends_at: Mapped[datetime | None] = timestamp()
    flight_category: Mapped[FlightCategory | None] = mapped_column(
        enum_column(FlightCategory, "flight_category")
    )
    visibility_sm: Mapped[float | None] = mapped_column(sa.Double)
    weather: Mapped[str | None] = mapped_column(sa.Text)
    wind_direction: Mapped[int | None] = mapped_column(sa.Integer)
    wind_speed_kt: Mapped[int | None] = mapped_column(sa.Integer)
    wind_gusts_kt: Mapped[int | None] = mapped_column(sa.Integer)
    temperature_c: Mapped[float | None] = mapped_column(sa.Double)
    dewpoint_c: Mapped[float | None] = mapped_column(sa.Double)
    cloud_layers: Mapped[list[dict[str, Any]]] = mapped_column(
        pg.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")
    )
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        sa.CheckConstraint(
            "kind <> 'metar' OR (observed_at IS NOT NULL AND flight_category IS NOT NULL)",
            name="metar_fields",
        ),
        sa.CheckConstraint(
            "wind_direction IS NULL OR wind_direction BETWEEN -1 AND 360", name="wind_direction"
        ),
    )


class FaaDataCycle(Base):
    """The active cycle of each product: what readers see."""

    __tablename__ = "faa_data_cycles"

    product: Mapped[Product] = mapped_column(enum_column(Product, "product"), primary_key=True)
    cycle: Mapped[date] = mapped_column(sa.Date, nullable=False)
    run_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("importer_runs.id", ondelete="SET NULL")
    )
    activated_at: Mapped[datetime] = created_at()
    # For charts: {"layers": {name: {"min_zoom", "max_zoom", "bounds"}}}.
    details: Mapped[dict[str, Any]] = mapped_column(
        pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")
    )


class ImporterRun(Base):
    """One run of the importer, written by the importer and read by the admin API."""

    __tablename__ = "importer_runs"

    id: Mapped[uuid.UUID] = uuid_pk()
    products: Mapped[list[str]] = mapped_column(pg.ARRAY(sa.Text), nullable=False)
    force: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, server_default=sa.false())
    dry_run: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, server_default=sa.false())
    options: Mapped[dict[str, Any]] = mapped_column(
        pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")
    )
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    ecs_task_arn: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[ImporterRunStatus] = mapped_column(
        enum_column(ImporterRunStatus, "importer_run_status"),
        nullable=False,
        server_default="requested",
    )
    cycles: Mapped[dict[str, Any]] = mapped_column(
        pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")
    )
    progress: Mapped[dict[str, Any]] = mapped_column(
        pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")
    )
    counts: Mapped[dict[str, Any]] = mapped_column(
        pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")
    )
    diff: Mapped[dict[str, Any]] = mapped_column(
        pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")
    )
    error: Mapped[str | None] = mapped_column(sa.Text)
    started_at: Mapped[datetime | None] = timestamp()
    finished_at: Mapped[datetime | None] = timestamp()
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    __table_args__ = (
        sa.Index("ix_importer_runs_created_at", "created_at"),
        sa.Index(
            "uq_importer_runs_one_active",
            sa.text("(true)"),
            unique=True,
            postgresql_where=sa.text("status IN ('requested', 'running') AND NOT dry_run"),
        ),
    )


class SiteSettings(Base):
    """The singleton row of site-wide switches."""

    __tablename__ = "site_settings"

    id: Mapped[bool] = mapped_column(sa.Boolean, primary_key=True, server_default=sa.true())
    read_only: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, server_default=sa.false())
    # Moved on every change of airport data, so that web processes drop what they cached.
    data_generation: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, server_default="0")
    # The change feed keeps the changes after this one (older ones were deleted).
    changes_kept_after: Mapped[int] = mapped_column(
        sa.BigInteger, nullable=False, server_default="0"
    )
    updated_at: Mapped[datetime] = updated_at()

    __table_args__ = (sa.CheckConstraint("id", name="singleton"),)


class DataChange(Base):
    """One airport's data changed, in these fields, because of this (``kind``); a row without
    an airport is a change of the whole site (a cycle activated, a setting). Written only by
    ``api.core.changes.record_changes``, in the writer's transaction: its ids follow the order
    in which the changes were committed, so a reader that remembers the last id it saw misses
    none."""

    __tablename__ = "data_changes"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )
    generation: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    # No foreign key: the change of an airport outlives its deletion.
    airport_id: Mapped[uuid.UUID | None] = mapped_column(pg.UUID(as_uuid=True))
    airport_code: Mapped[str | None] = mapped_column(sa.String(16))
    kind: Mapped[str] = mapped_column(sa.Text, nullable=False)
    fields: Mapped[list[str]] = mapped_column(
        pg.ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'::text[]")
    )
    # The change as the change feed shows it (a JSON object), written with the row: the feed
    # then only joins them. NULL for a change of the whole site, which the feed leaves out.
    feed: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint("(airport_id IS NULL) = (airport_code IS NULL)", name="airport_both"),
        sa.Index("ix_data_changes_airport_id", "airport_id", "id"),
    )


class RateLimitBucket(Base):
    """A fixed-window request counter shared by every web process."""

    __tablename__ = "rate_limit_buckets"

    key: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    window_start: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), primary_key=True)
    count: Mapped[int] = mapped_column(sa.Integer, nullable=False, server_default="0")
    expires_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), nullable=False, index=True
    )


class CachedDocument(Base):
    """A document built once per data change and served as is (e.g. ``airports.geojson``)."""

    __tablename__ = "cached_documents"

    name: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    etag: Mapped[str] = mapped_column(sa.Text, nullable=False)
    content_type: Mapped[str] = mapped_column(sa.Text, nullable=False)
    body_gzip: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False)
    size_bytes: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    built_at: Mapped[datetime] = created_at()
    # The last change of airport data (``data_changes.id``) the document shows, for those
    # patched change by change (the map); None when unknown.
    change_id: Mapped[int | None] = mapped_column(sa.BigInteger)


class Export(Base):
    """A file of the whole database for API consumers (``api.exports``), stored under
    ``storage_key``; ``cursor`` is the last change of the change feed it includes."""

    __tablename__ = "exports"

    id: Mapped[uuid.UUID] = uuid_pk()
    format: Mapped[str] = mapped_column(sa.Text, nullable=False)
    storage_key: Mapped[str] = mapped_column(sa.Text, nullable=False, unique=True)
    bytes: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.Text, nullable=False)
    cursor: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        sa.CheckConstraint("format IN ('gpkg', 'csv', 'geojson')", name="format"),
        sa.Index("ix_exports_format_created_at", "format", "created_at"),
    )
