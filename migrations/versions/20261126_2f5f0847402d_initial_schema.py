"""Initial schema: the whole data model, with PostGIS and pg_trgm.

Revision ID: 2f5f0847402d
Revises:
Create Date: 2026-11-26 05:15:05.954699
"""

from collections.abc import Sequence

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "2f5f0847402d"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "airports",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("icao_code", sa.String(length=8), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "facility_type",
            sa.Enum(
                "airport",
                "heliport",
                "seaplane_base",
                "military",
                "balloonport",
                "gliderport",
                "ultralight",
                name="facility_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "facility_use",
            sa.Enum("PU", "PR", name="facility_use", native_enum=False, create_constraint=True),
            nullable=True,
        ),
        sa.Column(
            "ownership_type",
            sa.Enum(
                "PU",
                "PR",
                "MA",
                "MN",
                "MR",
                "CG",
                name="ownership_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "status",
            sa.Enum("O", "CI", "CP", name="status", native_enum=False, create_constraint=True),
            nullable=True,
        ),
        sa.Column("latitude", sa.Double(), nullable=False),
        sa.Column("longitude", sa.Double(), nullable=False),
        sa.Column(
            "location",
            geoalchemy2.types.Geography(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeogFromText",
                name="geography",
                nullable=False,
            ),
            sa.Computed(
                "(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography)", persisted=True
            ),
            nullable=False,
        ),
        sa.Column("elevation_ft", sa.Integer(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("city_distance_nm", sa.Double(), nullable=True),
        sa.Column("sectional", sa.Text(), nullable=True),
        sa.Column(
            "fuel_types",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column("activation_date", sa.Date(), nullable=True),
        sa.Column("tower_type", sa.Text(), nullable=True),
        sa.Column("landing_fee", sa.Boolean(), nullable=True),
        sa.Column(
            "data_source",
            sa.Enum(
                "faa",
                "our_airports",
                "user_contributed",
                name="data_source",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("source_id", sa.Text(), nullable=True),
        sa.Column("source_cycle", sa.Date(), nullable=True),
        sa.Column("diagram", sa.Text(), nullable=True),
        sa.Column(
            "landing_rights",
            sa.Enum(
                "public",
                "restricted",
                "private",
                name="landing_rights",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("landing_requirements", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("transient_parking", sa.Text(), nullable=True),
        sa.Column("fuel_location", sa.Text(), nullable=True),
        sa.Column("landing_fees", sa.Text(), nullable=True),
        sa.Column("crew_car", sa.Text(), nullable=True),
        sa.Column("flying_clubs", sa.Text(), nullable=True),
        sa.Column("wifi", sa.Text(), nullable=True),
        sa.Column("annotations", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "cover_image",
            sa.Enum(
                "default",
                "beach",
                "city",
                "desert",
                "forest",
                "mountains",
                "town",
                name="cover_image",
                native_enum=False,
                create_constraint=True,
            ),
            server_default="default",
            nullable=False,
        ),
        sa.Column("featured_photo_id", sa.Uuid(), nullable=True),
        sa.Column("bbox_checked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("bbox_ne_latitude", sa.Double(), nullable=True),
        sa.Column("bbox_ne_longitude", sa.Double(), nullable=True),
        sa.Column("bbox_sw_latitude", sa.Double(), nullable=True),
        sa.Column("bbox_sw_longitude", sa.Double(), nullable=True),
        sa.Column("timezone", sa.Text(), nullable=True),
        sa.Column("timezone_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "search_document",
            postgresql.TSVECTOR(),
            sa.Computed(
                "(setweight(to_tsvector('simple'::regconfig, code || ' ' || coalesce(icao_code, '')), 'A') || setweight(to_tsvector('simple'::regconfig, name), 'B') || setweight(to_tsvector('simple'::regconfig, coalesce(city, '')), 'C'))",
                persisted=True,
            ),
            nullable=False,
        ),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "annotations IS NULL OR jsonb_typeof(annotations) = 'array'",
            name=op.f("ck_airports_annotations_array"),
        ),
        sa.CheckConstraint(
            "code = upper(code) AND code <> ''", name=op.f("ck_airports_code_upper")
        ),
        sa.CheckConstraint("country ~ '^[A-Z]{2}$'", name=op.f("ck_airports_country_iso")),
        sa.CheckConstraint(
            "data_source <> 'user_contributed' OR source_cycle IS NULL",
            name=op.f("ck_airports_user_contributed_has_no_cycle"),
        ),
        sa.CheckConstraint("icao_code = upper(icao_code)", name=op.f("ck_airports_icao_upper")),
        sa.CheckConstraint("latitude BETWEEN -90 AND 90", name=op.f("ck_airports_latitude_range")),
        sa.CheckConstraint(
            "longitude BETWEEN -180 AND 180", name=op.f("ck_airports_longitude_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_airports")),
        sa.UniqueConstraint("code", name=op.f("uq_airports_code")),
    )
    op.create_index(
        "ix_airports_data_source_cycle", "airports", ["data_source", "source_cycle"], unique=False
    )
    op.create_index(
        op.f("ix_airports_featured_photo_id"), "airports", ["featured_photo_id"], unique=False
    )
    op.create_index("ix_airports_icao_code", "airports", ["icao_code"], unique=False)
    op.create_index(
        "ix_airports_location", "airports", ["location"], unique=False, postgresql_using="gist"
    )
    op.create_index(
        "ix_airports_name_trgm",
        "airports",
        ["name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.create_index(
        "ix_airports_search_document",
        "airports",
        ["search_document"],
        unique=False,
        postgresql_using="gin",
    )
    op.create_table(
        "cached_documents",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("body_gzip", sa.LargeBinary(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column(
            "built_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_cached_documents")),
    )
    op.create_table(
        "rate_limit_buckets",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_rate_limit_buckets")),
    )
    op.create_index(
        op.f("ix_rate_limit_buckets_expires_at"), "rate_limit_buckets", ["expires_at"], unique=False
    )
    op.create_table(
        "site_settings",
        sa.Column("id", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("read_only", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("id", name=op.f("ck_site_settings_singleton")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_settings")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "known",
                "unknown",
                name="user_role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("unconfirmed_email", sa.Text(), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("ip_address", postgresql.INET(), nullable=True),
        sa.Column("timezone", sa.Text(), nullable=True),
        sa.Column("points", sa.Integer(), server_default="0", nullable=False),
        sa.Column("failed_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_edit_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_ip", postgresql.INET(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(role = 'unknown') = (ip_address IS NOT NULL)",
            name=op.f("ck_users_only_unknown_users_have_an_ip"),
        ),
        sa.CheckConstraint(
            "role <> 'unknown' OR password_hash IS NULL",
            name=op.f("ck_users_unknown_users_cannot_log_in"),
        ),
        sa.CheckConstraint(
            "role = 'unknown' OR email IS NOT NULL", name=op.f("ck_users_known_users_have_an_email")
        ),
        sa.CheckConstraint("points >= 0", name=op.f("ck_users_points_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index(
        "uq_users_display_name", "users", [sa.literal_column("lower(display_name)")], unique=True
    )
    op.create_index("uq_users_email", "users", [sa.literal_column("lower(email)")], unique=True)
    op.create_index("uq_users_ip_address", "users", ["ip_address"], unique=True)
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("scopes", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "scopes <@ ARRAY['read', 'write']::text[]", name=op.f("ck_api_tokens_known_scopes")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"], unique=False)
    op.create_table(
        "comments",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("airport_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("helpful_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("outdated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("helpful_count >= 0", name=op.f("ck_comments_helpful_count_positive")),
        sa.CheckConstraint("length(btrim(body)) > 0", name=op.f("ck_comments_body_present")),
        sa.ForeignKeyConstraint(
            ["airport_id"],
            ["airports.id"],
            name=op.f("fk_comments_airport_id_airports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_comments_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    op.create_index(op.f("ix_comments_airport_id"), "comments", ["airport_id"], unique=False)
    op.create_index(op.f("ix_comments_user_id"), "comments", ["user_id"], unique=False)
    op.create_table(
        "events",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("airport_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("host", sa.Text(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=255), nullable=True),
        sa.Column(
            "data_source",
            sa.Enum(
                "aopa",
                "eaa",
                "user_contributed",
                name="event_source",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("digest", sa.Text(), nullable=True),
        sa.Column(
            "recurring_cadence",
            sa.Enum(
                "daily",
                "weekly",
                "monthly",
                "yearly",
                name="recurring_cadence",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("recurring_interval", sa.Integer(), nullable=True),
        sa.Column("recurring_day_of_month", sa.Integer(), nullable=True),
        sa.Column("recurring_week_of_month", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_events_ends_after_start")),
        sa.CheckConstraint(
            "recurring_cadence IS NULL OR recurring_interval >= 1",
            name=op.f("ck_events_recurring_interval"),
        ),
        sa.CheckConstraint(
            "recurring_day_of_month IS NULL OR recurring_day_of_month BETWEEN 1 AND 31",
            name=op.f("ck_events_day_of_month_range"),
        ),
        sa.CheckConstraint(
            "recurring_day_of_month IS NULL OR recurring_week_of_month IS NULL",
            name=op.f("ck_events_day_or_week_of_month"),
        ),
        sa.CheckConstraint(
            "recurring_week_of_month IS NULL OR recurring_week_of_month IN (-1, 1, 2, 3, 4, 5)",
            name=op.f("ck_events_week_of_month_range"),
        ),
        sa.ForeignKeyConstraint(
            ["airport_id"],
            ["airports.id"],
            name=op.f("fk_events_airport_id_airports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_events_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("airport_id", "digest", name=op.f("uq_events_airport_id_digest")),
    )
    op.create_index(op.f("ix_events_airport_id"), "events", ["airport_id"], unique=False)
    op.create_index(op.f("ix_events_created_by_id"), "events", ["created_by_id"], unique=False)
    op.create_index("ix_events_starts_at", "events", ["starts_at"], unique=False)
    op.create_table(
        "frequencies",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("airport_id", sa.Uuid(), nullable=False),
        sa.Column("use", sa.Text(), nullable=False),
        sa.Column(
            "frequency_mhz", sa.Numeric(precision=7, scale=3, asdecimal=False), nullable=False
        ),
        sa.Column("description", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "frequency_mhz > 0 AND frequency_mhz < 1000",
            name=op.f("ck_frequencies_frequency_range"),
        ),
        sa.ForeignKeyConstraint(
            ["airport_id"],
            ["airports.id"],
            name=op.f("fk_frequencies_airport_id_airports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frequencies")),
    )
    op.create_index(op.f("ix_frequencies_airport_id"), "frequencies", ["airport_id"], unique=False)
    op.create_table(
        "importer_runs",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("products", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("force", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("dry_run", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "options",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("requested_by_id", sa.Uuid(), nullable=True),
        sa.Column("ecs_task_arn", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "running",
                "succeeded",
                "failed",
                "aborted",
                name="importer_run_status",
                native_enum=False,
                create_constraint=True,
            ),
            server_default="requested",
            nullable=False,
        ),
        sa.Column(
            "cycles",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "progress",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "counts",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "diff",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_importer_runs_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_importer_runs")),
    )
    op.create_index("ix_importer_runs_created_at", "importer_runs", ["created_at"], unique=False)
    op.create_index(
        "uq_importer_runs_one_active",
        "importer_runs",
        [sa.literal_column("(true)")],
        unique=True,
        postgresql_where=sa.text("status IN ('requested', 'running') AND NOT dry_run"),
    )
    op.create_table(
        "pageviews",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("airport_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("ip_address", postgresql.INET(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column("browser", sa.Text(), nullable=True),
        sa.Column("browser_version", sa.Text(), nullable=True),
        sa.Column("operating_system", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["airport_id"],
            ["airports.id"],
            name=op.f("fk_pageviews_airport_id_airports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pageviews_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pageviews")),
    )
    op.create_index(op.f("ix_pageviews_airport_id"), "pageviews", ["airport_id"], unique=False)
    op.create_index("ix_pageviews_created_at", "pageviews", ["created_at"], unique=False)
    op.create_index(op.f("ix_pageviews_user_id"), "pageviews", ["user_id"], unique=False)
    op.create_table(
        "photos",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("airport_id", sa.Uuid(), nullable=False),
        sa.Column("uploader_id", sa.Uuid(), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "contributed",
                "external",
                name="photo_source",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("storage_key", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("attribution", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "content_type IN ('image/jpeg', 'image/png', 'image/webp')",
            name=op.f("ck_photos_content_type"),
        ),
        sa.CheckConstraint(
            "size_bytes > 0 AND width > 0 AND height > 0", name=op.f("ck_photos_dimensions")
        ),
        sa.ForeignKeyConstraint(
            ["airport_id"],
            ["airports.id"],
            name=op.f("fk_photos_airport_id_airports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploader_id"],
            ["users.id"],
            name=op.f("fk_photos_uploader_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_photos_storage_key")),
    )
    op.create_index(op.f("ix_photos_airport_id"), "photos", ["airport_id"], unique=False)
    op.create_index(op.f("ix_photos_uploader_id"), "photos", ["uploader_id"], unique=False)
    op.create_table(
        "remarks",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("airport_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("element", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["airport_id"],
            ["airports.id"],
            name=op.f("fk_remarks_airport_id_airports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remarks")),
        sa.UniqueConstraint("airport_id", "position", name=op.f("uq_remarks_airport_id_position")),
    )
    op.create_table(
        "runways",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("airport_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("length_ft", sa.Integer(), nullable=True),
        sa.Column("width_ft", sa.Integer(), nullable=True),
        sa.Column("surface", sa.Text(), nullable=True),
        sa.Column("condition", sa.Text(), nullable=True),
        sa.Column("lights", sa.Text(), nullable=True),
        sa.Column("lighted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "length_ft IS NULL OR length_ft >= 0", name=op.f("ck_runways_length_positive")
        ),
        sa.ForeignKeyConstraint(
            ["airport_id"],
            ["airports.id"],
            name=op.f("fk_runways_airport_id_airports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runways")),
        sa.UniqueConstraint("airport_id", "number", name=op.f("uq_runways_airport_id_number")),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column("ip_address", postgresql.INET(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sessions_token_hash")),
    )
    op.create_index(op.f("ix_sessions_user_id"), "sessions", ["user_id"], unique=False)
    op.create_table(
        "tags",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("airport_id", sa.Uuid(), nullable=False),
        sa.Column(
            "name",
            sa.Enum(
                "featured",
                "restricted",
                "unmapped",
                "events",
                "food",
                "camping",
                "lodging",
                "car",
                "crew_car",
                "bicycles",
                "swimming",
                "golfing",
                "fishing",
                "hot_springs",
                "museum",
                "flying_clubs",
                "weather_report",
                "webcam",
                "airpark",
                "closed",
                "public",
                "private",
                "empty",
                name="tag_name",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["airport_id"],
            ["airports.id"],
            name=op.f("fk_tags_airport_id_airports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("airport_id", "name", name=op.f("uq_tags_airport_id_name")),
    )
    op.create_index("ix_tags_name", "tags", ["name"], unique=False)
    op.create_table(
        "user_tokens",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "confirm_email",
                "reset_password",
                name="user_token_purpose",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_tokens_token_hash")),
    )
    op.create_index(op.f("ix_user_tokens_user_id"), "user_tokens", ["user_id"], unique=False)
    op.create_table(
        "versions",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "item_type",
            sa.Enum(
                "airport",
                "tag",
                "event",
                "webcam",
                name="version_item_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("airport_id", sa.Uuid(), nullable=False),
        sa.Column(
            "event",
            sa.Enum(
                "create",
                "update",
                "destroy",
                name="version_event",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("whodunnit_id", sa.Uuid(), nullable=True),
        sa.Column("object", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "object_changes",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("reverted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["airport_id"],
            ["airports.id"],
            name=op.f("fk_versions_airport_id_airports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["whodunnit_id"],
            ["users.id"],
            name=op.f("fk_versions_whodunnit_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_versions")),
    )
    op.create_index(
        "ix_versions_airport_created", "versions", ["airport_id", "created_at"], unique=False
    )
    op.create_index(op.f("ix_versions_airport_id"), "versions", ["airport_id"], unique=False)
    op.create_index("ix_versions_item", "versions", ["item_type", "item_id"], unique=False)
    op.create_index(
        "ix_versions_unreviewed",
        "versions",
        ["created_at"],
        unique=False,
        postgresql_where="reviewed_at IS NULL",
    )
    op.create_index(op.f("ix_versions_whodunnit_id"), "versions", ["whodunnit_id"], unique=False)
    op.create_table(
        "weather_reports",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("airport_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "metar",
                "taf",
                name="weather_report_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "flight_category",
            sa.Enum(
                "VFR",
                "MVFR",
                "IFR",
                "LIFR",
                name="flight_category",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("visibility_sm", sa.Double(), nullable=True),
        sa.Column("weather", sa.Text(), nullable=True),
        sa.Column("wind_direction", sa.Integer(), nullable=True),
        sa.Column("wind_speed_kt", sa.Integer(), nullable=True),
        sa.Column("wind_gusts_kt", sa.Integer(), nullable=True),
        sa.Column("temperature_c", sa.Double(), nullable=True),
        sa.Column("dewpoint_c", sa.Double(), nullable=True),
        sa.Column(
            "cloud_layers",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind <> 'metar' OR (observed_at IS NOT NULL AND flight_category IS NOT NULL)",
            name=op.f("ck_weather_reports_metar_fields"),
        ),
        sa.CheckConstraint(
            "wind_direction IS NULL OR wind_direction BETWEEN -1 AND 360",
            name=op.f("ck_weather_reports_wind_direction"),
        ),
        sa.ForeignKeyConstraint(
            ["airport_id"],
            ["airports.id"],
            name=op.f("fk_weather_reports_airport_id_airports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weather_reports")),
    )
    op.create_index(
        op.f("ix_weather_reports_airport_id"), "weather_reports", ["airport_id"], unique=False
    )
    op.create_table(
        "webcams",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("airport_id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("url ~* '^https?://'", name=op.f("ck_webcams_url_scheme")),
        sa.ForeignKeyConstraint(
            ["airport_id"],
            ["airports.id"],
            name=op.f("fk_webcams_airport_id_airports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_webcams_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webcams")),
        sa.UniqueConstraint("airport_id", "url", name=op.f("uq_webcams_airport_id_url")),
    )
    op.create_index(op.f("ix_webcams_airport_id"), "webcams", ["airport_id"], unique=False)
    op.create_index(op.f("ix_webcams_created_by_id"), "webcams", ["created_by_id"], unique=False)
    op.create_table(
        "actions",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "airport_added",
                "airport_edited",
                "airport_photo_uploaded",
                "comment_added",
                "comment_flagged",
                "comment_helpful",
                "comment_unflagged",
                "event_added",
                "event_edited",
                "event_removed",
                "tag_added",
                "tag_removed",
                "webcam_added",
                "webcam_removed",
                name="action_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("airport_id", sa.Uuid(), nullable=True),
        sa.Column("subject_type", sa.Text(), nullable=True),
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("version_id", sa.Uuid(), nullable=True),
        sa.Column("points", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("points >= 0", name=op.f("ck_actions_points_positive")),
        sa.ForeignKeyConstraint(
            ["airport_id"],
            ["airports.id"],
            name=op.f("fk_actions_airport_id_airports"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_actions_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name=op.f("fk_actions_version_id_versions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    op.create_index(op.f("ix_actions_airport_id"), "actions", ["airport_id"], unique=False)
    op.create_index(op.f("ix_actions_user_id"), "actions", ["user_id"], unique=False)
    op.create_index(op.f("ix_actions_version_id"), "actions", ["version_id"], unique=False)
    op.create_table(
        "comment_helpfuls",
        sa.Column("comment_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_comment_helpfuls_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_comment_helpfuls_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("comment_id", "user_id", name=op.f("pk_comment_helpfuls")),
    )
    op.create_table(
        "faa_data_cycles",
        sa.Column(
            "product",
            sa.Enum(
                "airports",
                "diagrams",
                "charts",
                name="product",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("cycle", sa.Date(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column(
            "activated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["importer_runs.id"],
            name=op.f("fk_faa_data_cycles_run_id_importer_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("product", name=op.f("pk_faa_data_cycles")),
    )
    op.create_table(
        "runway_ends",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("runway_id", sa.Uuid(), nullable=False),
        sa.Column("end_id", sa.Text(), nullable=False),
        sa.Column("true_heading", sa.Double(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("elevation_ft", sa.Double(), nullable=True),
        sa.Column("displaced_threshold_ft", sa.Integer(), nullable=True),
        sa.Column("right_traffic", sa.Boolean(), nullable=True),
        sa.Column("approach_lights", sa.Text(), nullable=True),
        sa.Column("visual_glide_slope", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["runway_id"],
            ["runways.id"],
            name=op.f("fk_runway_ends_runway_id_runways"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runway_ends")),
        sa.UniqueConstraint("runway_id", "end_id", name=op.f("uq_runway_ends_runway_id_end_id")),
    )
    op.create_foreign_key(
        op.f("fk_airports_featured_photo_id_photos"),
        "airports",
        "photos",
        ["featured_photo_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.execute("INSERT INTO site_settings (id) VALUES (true)")


def downgrade() -> None:
    op.drop_constraint(op.f("fk_airports_featured_photo_id_photos"), "airports", type_="foreignkey")
    op.drop_table("runway_ends")
    op.drop_table("faa_data_cycles")
    op.drop_table("comment_helpfuls")
    op.drop_index(op.f("ix_actions_version_id"), table_name="actions")
    op.drop_index(op.f("ix_actions_user_id"), table_name="actions")
    op.drop_index(op.f("ix_actions_airport_id"), table_name="actions")
    op.drop_table("actions")
    op.drop_index(op.f("ix_webcams_created_by_id"), table_name="webcams")
    op.drop_index(op.f("ix_webcams_airport_id"), table_name="webcams")
    op.drop_table("webcams")
    op.drop_index(op.f("ix_weather_reports_airport_id"), table_name="weather_reports")
    op.drop_table("weather_reports")
    op.drop_index(op.f("ix_versions_whodunnit_id"), table_name="versions")
    op.drop_index(
        "ix_versions_unreviewed", table_name="versions", postgresql_where="reviewed_at IS NULL"
    )
    op.drop_index("ix_versions_item", table_name="versions")
    op.drop_index(op.f("ix_versions_airport_id"), table_name="versions")
    op.drop_index("ix_versions_airport_created", table_name="versions")
    op.drop_table("versions")
    op.drop_index(op.f("ix_user_tokens_user_id"), table_name="user_tokens")
    op.drop_table("user_tokens")
    op.drop_index("ix_tags_name", table_name="tags")
    op.drop_table("tags")
    op.drop_index(op.f("ix_sessions_user_id"), table_name="sessions")
    op.drop_table("sessions")
    op.drop_table("runways")
    op.drop_table("remarks")
    op.drop_index(op.f("ix_photos_uploader_id"), table_name="photos")
    op.drop_index(op.f("ix_photos_airport_id"), table_name="photos")
    op.drop_table("photos")
    op.drop_index(op.f("ix_pageviews_user_id"), table_name="pageviews")
    op.drop_index("ix_pageviews_created_at", table_name="pageviews")
    op.drop_index(op.f("ix_pageviews_airport_id"), table_name="pageviews")
    op.drop_table("pageviews")
    op.drop_index(
        "uq_importer_runs_one_active",
        table_name="importer_runs",
        postgresql_where=sa.text("status IN ('requested', 'running') AND NOT dry_run"),
    )
    op.drop_index("ix_importer_runs_created_at", table_name="importer_runs")
    op.drop_table("importer_runs")
    op.drop_index(op.f("ix_frequencies_airport_id"), table_name="frequencies")
    op.drop_table("frequencies")
    op.drop_index("ix_events_starts_at", table_name="events")
    op.drop_index(op.f("ix_events_created_by_id"), table_name="events")
    op.drop_index(op.f("ix_events_airport_id"), table_name="events")
    op.drop_table("events")
    op.drop_index(op.f("ix_comments_user_id"), table_name="comments")
    op.drop_index(op.f("ix_comments_airport_id"), table_name="comments")
    op.drop_table("comments")
    op.drop_index(op.f("ix_api_tokens_user_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index("uq_users_ip_address", table_name="users")
    op.drop_index("uq_users_email", table_name="users")
    op.drop_index("uq_users_display_name", table_name="users")
    op.drop_table("users")
    op.drop_table("site_settings")
    op.drop_index(op.f("ix_rate_limit_buckets_expires_at"), table_name="rate_limit_buckets")
    op.drop_table("rate_limit_buckets")
    op.drop_table("cached_documents")
    op.drop_index("ix_airports_search_document", table_name="airports", postgresql_using="gin")
    op.drop_index(
        "ix_airports_name_trgm",
        table_name="airports",
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.drop_index("ix_airports_location", table_name="airports", postgresql_using="gist")
    op.drop_index("ix_airports_icao_code", table_name="airports")
    op.drop_index(op.f("ix_airports_featured_photo_id"), table_name="airports")
    op.drop_index("ix_airports_data_source_cycle", table_name="airports")
    op.drop_table("airports")
    op.execute("DROP EXTENSION IF EXISTS pg_trgm")
    op.execute("DROP EXTENSION IF EXISTS postgis")
