"""Airports and their official data: runways, runway ends, remarks, frequencies, tags."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from geoalchemy2 import Geography, Geometry
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.models.base import Base, created_at, enum_column, timestamp, updated_at, uuid_pk
from api.models.enums import (
    AirportStatus,
    CoverImage,
    DataSource,
    FacilityType,
    FacilityUse,
    LandingRights,
    OwnershipType,
    TagName,
)

WIKI_FIELDS = (
    "description",
    "transient_parking",
    "fuel_location",
    "landing_fees",
    "crew_car",
    "flying_clubs",
    "wifi",
)
# What the community edits of an airport, each field with its own version (see the detail
# document's ``field_versions``).
EDITABLE_FIELDS = (
    *WIKI_FIELDS,
    "landing_requirements",
    "landing_rights",
    "annotations",
    "cover_image",
    "featured_photo_id",
)

# Kept in sync with the columns by the database itself, so every airport, user-added ones too,
# always has a position and a search document.
LOCATION_EXPRESSION = "(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography)"
SEARCH_EXPRESSION = (
    "(setweight(to_tsvector('simple'::regconfig, code || ' ' || coalesce(icao_code, '')), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, name), 'B')"
    " || setweight(to_tsvector('simple'::regconfig, coalesce(city, '')), 'C'))"
)


class Airport(Base):
    __tablename__ = "airports"

    id: Mapped[uuid.UUID] = uuid_pk()
    code: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    icao_code: Mapped[str | None] = mapped_column(sa.String(8))
    name: Mapped[str] = mapped_column(sa.Text, nullable=False)
    facility_type: Mapped[FacilityType] = mapped_column(
        enum_column(FacilityType, "facility_type"), nullable=False
    )
    facility_use: Mapped[FacilityUse | None] = mapped_column(
        enum_column(FacilityUse, "facility_use")
    )
    ownership_type: Mapped[OwnershipType | None] = mapped_column(
        enum_column(OwnershipType, "ownership_type")
    )
    status: Mapped[AirportStatus | None] = mapped_column(enum_column(AirportStatus, "status"))
    latitude: Mapped[float] = mapped_column(sa.Double, nullable=False)
    longitude: Mapped[float] = mapped_column(sa.Double, nullable=False)
    location: Mapped[Any] = mapped_column(
        Geography("POINT", srid=4326, spatial_index=False),
        sa.Computed(sa.text(LOCATION_EXPRESSION), persisted=True),
    )
    # The names of its tags, sorted: kept by triggers on ``tags`` (the map reads them here).
    tag_names: Mapped[list[str]] = mapped_column(
        sa.ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'"), deferred=True
    )
    elevation_ft: Mapped[int | None] = mapped_column(sa.Integer)
    city: Mapped[str | None] = mapped_column(sa.Text)
    state: Mapped[str | None] = mapped_column(sa.Text)
    country: Mapped[str | None] = mapped_column(sa.String(2))
    city_distance_nm: Mapped[float | None] = mapped_column(sa.Double)
    sectional: Mapped[str | None] = mapped_column(sa.Text)
    fuel_types: Mapped[list[str]] = mapped_column(
        pg.ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'::text[]")
    )
    activation_date: Mapped[date | None] = mapped_column(sa.Date)
    tower_type: Mapped[str | None] = mapped_column(sa.Text)
    landing_fee: Mapped[bool | None] = mapped_column(sa.Boolean)
    # How much a pilot is likely to mean this airport (0 a private heliport … 5 an airport with
    # a tower, scheduled service and a long runway): search and the map's thinning rank by it.
    importance: Mapped[int] = mapped_column(
        sa.SmallInteger, nullable=False, server_default=sa.text("0")
    )
    data_source: Mapped[DataSource] = mapped_column(
        enum_column(DataSource, "data_source"), nullable=False
    )
    source_id: Mapped[str | None] = mapped_column(sa.Text)
    source_cycle: Mapped[date | None] = mapped_column(sa.Date)
    diagram: Mapped[str | None] = mapped_column(sa.Text)

    landing_rights: Mapped[LandingRights] = mapped_column(
        enum_column(LandingRights, "landing_rights"), nullable=False
    )
    landing_requirements: Mapped[str | None] = mapped_column(sa.Text)
    description: Mapped[str | None] = mapped_column(sa.Text)
    transient_parking: Mapped[str | None] = mapped_column(sa.Text)
    fuel_location: Mapped[str | None] = mapped_column(sa.Text)
    landing_fees: Mapped[str | None] = mapped_column(sa.Text)
    crew_car: Mapped[str | None] = mapped_column(sa.Text)
    flying_clubs: Mapped[str | None] = mapped_column(sa.Text)
    wifi: Mapped[str | None] = mapped_column(sa.Text)
    annotations: Mapped[list[dict[str, Any]] | None] = mapped_column(pg.JSONB)
    cover_image: Mapped[CoverImage] = mapped_column(
        enum_column(CoverImage, "cover_image"), nullable=False, server_default="default"
    )
    featured_photo_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("photos.id", ondelete="SET NULL", use_alter=True), index=True
    )

    bbox_checked: Mapped[bool] = mapped_column(
        sa.Boolean, nullable=False, server_default=sa.false()
    )
    bbox_ne_latitude: Mapped[float | None] = mapped_column(sa.Double)
    bbox_ne_longitude: Mapped[float | None] = mapped_column(sa.Double)
    bbox_sw_latitude: Mapped[float | None] = mapped_column(sa.Double)
    bbox_sw_longitude: Mapped[float | None] = mapped_column(sa.Double)
    timezone: Mapped[str | None] = mapped_column(sa.Text)
    timezone_checked_at: Mapped[datetime | None] = timestamp()
    search_document: Mapped[Any] = mapped_column(
        pg.TSVECTOR, sa.Computed(sa.text(SEARCH_EXPRESSION), persisted=True)
    )
    locked_at: Mapped[datetime | None] = timestamp()
    reviewed_at: Mapped[datetime | None] = timestamp()
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    # Deleting an airport deletes these in the database (ON DELETE CASCADE): the ORM must not
    # load them to set their airport_id to NULL first.
    runways: Mapped[list[Runway]] = relationship(
        back_populates="airport", lazy="raise", order_by="Runway.number", passive_deletes=True
    )
    remarks: Mapped[list[Remark]] = relationship(
        lazy="raise", order_by="Remark.position", passive_deletes=True
    )
    frequencies: Mapped[list[Frequency]] = relationship(
        lazy="raise", order_by="(Frequency.use, Frequency.frequency_mhz)", passive_deletes=True
    )
    tags: Mapped[list[Tag]] = relationship(lazy="raise", order_by="Tag.name", passive_deletes=True)

    __table_args__ = (
        sa.UniqueConstraint("code"),
        sa.CheckConstraint("code = upper(code) AND code <> ''", name="code_upper"),
        sa.CheckConstraint("icao_code = upper(icao_code)", name="icao_upper"),
        sa.CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
        sa.CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
        sa.CheckConstraint("country ~ '^[A-Z]{2}$'", name="country_iso"),
        sa.CheckConstraint(
            "data_source <> 'user_contributed' OR source_cycle IS NULL",
            name="user_contributed_has_no_cycle",
        ),
        sa.CheckConstraint(
            "annotations IS NULL OR jsonb_typeof(annotations) = 'array'", name="annotations_array"
        ),
        sa.CheckConstraint("importance BETWEEN 0 AND 5", name="importance_range"),
        sa.Index("ix_airports_icao_code", "icao_code"),
        sa.Index("ix_airports_location", "location", postgresql_using="gist"),
        sa.Index("ix_airports_search_document", "search_document", postgresql_using="gin"),
        sa.Index(
            "ix_airports_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
        sa.Index("ix_airports_data_source_cycle", "data_source", "source_cycle"),
    )


class Runway(Base):
    __tablename__ = "runways"

    id: Mapped[uuid.UUID] = uuid_pk()
    airport_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("airports.id", ondelete="CASCADE"), nullable=False
    )
    number: Mapped[str] = mapped_column(sa.Text, nullable=False)
    length_ft: Mapped[int | None] = mapped_column(sa.Integer)
    width_ft: Mapped[int | None] = mapped_column(sa.Integer)
    surface: Mapped[str | None] = mapped_column(sa.Text)
    condition: Mapped[str | None] = mapped_column(sa.Text)
    lights: Mapped[str | None] = mapped_column(sa.Text)
    lighted: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, server_default=sa.false())
    created_at: Mapped[datetime] = created_at()

    airport: Mapped[Airport] = relationship(back_populates="runways", lazy="raise")
    ends: Mapped[list[RunwayEnd]] = relationship(lazy="raise", order_by="RunwayEnd.end_id")

    __table_args__ = (
        sa.UniqueConstraint("airport_id", "number"),
        sa.CheckConstraint("length_ft IS NULL OR length_ft >= 0", name="length_positive"),
    )


class RunwayEnd(Base):
    __tablename__ = "runway_ends"

    id: Mapped[uuid.UUID] = uuid_pk()
    runway_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("runways.id", ondelete="CASCADE"), nullable=False
    )
    end_id: Mapped[str] = mapped_column(sa.Text, nullable=False)
    true_heading: Mapped[float | None] = mapped_column(sa.Double)
    latitude: Mapped[float | None] = mapped_column(sa.Double)
    longitude: Mapped[float | None] = mapped_column(sa.Double)
    elevation_ft: Mapped[float | None] = mapped_column(sa.Double)
    displaced_threshold_ft: Mapped[int | None] = mapped_column(sa.Integer)
    right_traffic: Mapped[bool | None] = mapped_column(sa.Boolean)
    approach_lights: Mapped[str | None] = mapped_column(sa.Text)
    visual_glide_slope: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (sa.UniqueConstraint("runway_id", "end_id"),)


class Remark(Base):
    __tablename__ = "remarks"

    id: Mapped[uuid.UUID] = uuid_pk()
    airport_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("airports.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    element: Mapped[str] = mapped_column(sa.Text, nullable=False)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)

    __table_args__ = (sa.UniqueConstraint("airport_id", "position"),)


class Frequency(Base):
    __tablename__ = "frequencies"

    id: Mapped[uuid.UUID] = uuid_pk()
    airport_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("airports.id", ondelete="CASCADE"), nullable=False, index=True
    )
    use: Mapped[str] = mapped_column(sa.Text, nullable=False)
    frequency_mhz: Mapped[float] = mapped_column(sa.Numeric(7, 3, asdecimal=False), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint("frequency_mhz > 0 AND frequency_mhz < 1000", name="frequency_range"),
    )


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[uuid.UUID] = uuid_pk()
    airport_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("airports.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[TagName] = mapped_column(enum_column(TagName, "tag_name"), nullable=False)
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        sa.UniqueConstraint("airport_id", "name"),
        sa.Index("ix_tags_name", "name"),
    )


class AirportMarker(Base):
    """What the map's vector tiles hold of an airport, ready to encode: kept by triggers on
    ``airports`` (migration e5a9c3f7b2d1), never written by the application."""

    __tablename__ = "airport_markers"

    airport_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("airports.id", ondelete="CASCADE"), primary_key=True
    )
    # The GeoJSON feature's id (api.core.documents.geojson.FEATURE_ID_SQL).
    feature_id: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    # The position on the web map (EPSG:3857); the poles are drawn at the projection's edge.
    mercator: Mapped[Any] = mapped_column(
        Geometry("POINT", srid=3857, spatial_index=False), nullable=False
    )
    code: Mapped[str] = mapped_column(sa.Text, nullable=False)
    name: Mapped[str] = mapped_column(sa.Text, nullable=False)
    facility_type: Mapped[str] = mapped_column(sa.Text, nullable=False)
    facility_use: Mapped[str | None] = mapped_column(sa.Text)
    importance: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    # The map's tags, one string with a comma before and after each (``,fuel,populated,``).
    tags: Mapped[str] = mapped_column(sa.Text, nullable=False)

    __table_args__ = (
        sa.Index("ix_airport_markers_mercator", "mercator", postgresql_using="gist"),
        sa.Index(
            "ix_airport_markers_mercator_important",
            "mercator",
            postgresql_using="gist",
            postgresql_where=sa.text("importance >= 3"),
        ),
        {"postgresql_with": {"fillfactor": "90"}},
    )
