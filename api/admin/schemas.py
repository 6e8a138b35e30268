"""What the admin API reads and returns."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from api.core.cycles import Product
from api.models.enums import (
    ActionType,
    DataSource,
    FacilityType,
    FacilityUse,
    ImporterRunStatus,
    LandingRights,
    OwnershipType,
    UserRole,
    VersionEvent,
    VersionItemType,
)
from api.users.schemas import EMAIL_PATTERN


class PageParams(BaseModel):
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=10, ge=1, le=100)


class QueueParams(PageParams):
    unreviewed: bool = Field(default=False, description="Only what waits for review.")
    q: str | None = Field(default=None, min_length=1, max_length=100, description="Search.")


class UserQueueParams(QueueParams):
    role: UserRole | None = None


class AirportQueueParams(QueueParams):
    source: DataSource | None = None


class QueueCounts(BaseModel):
    versions: int = Field(description="Unreviewed changes of airports, tags, events, webcams.")
    users: int = Field(description="New accounts not yet reviewed.")
    airports: int = Field(description="Airports added by users, not yet reviewed.")
    comments: int = Field(description="Comments not yet reviewed.")


class Person(BaseModel):
    id: uuid.UUID
    role: UserRole
    display_name: str | None
    ip_address: str | None = Field(description="Only for writers without an account.")


class VersionOut(BaseModel):
    id: uuid.UUID
    item_type: VersionItemType
    item_id: uuid.UUID
    airport_code: str
    event: VersionEvent
    author: Person | None
    object_changes: dict[str, Any]
    created_at: datetime
    reviewed_at: datetime | None
    reverted_at: datetime | None


class Review(BaseModel):
    model_config = {"extra": "forbid"}

    reviewed: bool


class AdminUserOut(BaseModel):
    id: uuid.UUID
    role: UserRole
    email: str | None
    unconfirmed_email: str | None
    display_name: str | None
    ip_address: str | None
    timezone: str | None
    points: int
    failed_attempts: int
    confirmed_at: datetime | None
    verified_at: datetime | None
    disabled_at: datetime | None
    locked_at: datetime | None
    reviewed_at: datetime | None
    last_seen_at: datetime | None
    last_edit_at: datetime | None
    last_login_at: datetime | None
    last_login_ip: str | None
    created_at: datetime
    updated_at: datetime


class AdminUserChanges(BaseModel):
    model_config = {"extra": "forbid"}

    role: Literal["admin", "known"] | None = Field(
        default=None, description="Writers without an account cannot be given a role."
    )
    display_name: str | None = Field(default=None, min_length=1, max_length=40)
    email: str | None = Field(default=None, max_length=320, pattern=EMAIL_PATTERN)
    disabled: bool | None = Field(default=None, description="A disabled user cannot write.")
    locked: bool | None = Field(default=None, description="A locked account cannot sign in.")
    confirmed: bool | None = None
    reviewed: bool | None = None


class AdminTokenChanges(BaseModel):
    model_config = {
        "extra": "forbid",
        "json_schema_extra": {"examples": [{"read_limit_per_minute": 6000}]},
    }

    read_limit_per_minute: int | None = Field(
        ge=1,
        le=1_000_000,
        description="Reads a minute for a heavy consumer (an EFB app, a mirror), counted under "
        "the token; null: back to the site's default, counted per address. Every process "
        "applies it within a minute.",
    )


class AdminAirportOut(BaseModel):
    id: uuid.UUID
    code: str
    icao_code: str | None
    name: str
    facility_type: FacilityType
    facility_use: FacilityUse | None
    ownership_type: OwnershipType | None
    latitude: float
    longitude: float
    elevation_ft: int | None
    city: str | None
    state: str | None
    country: str | None
    fuel_types: list[str]
    landing_rights: LandingRights
    data_source: DataSource
    locked_at: datetime | None
    reviewed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    revisions: int = Field(description="Recorded changes of the airport and its content.")
    contributors: int = Field(description="Distinct people who made those changes.")


class AdminAirportChanges(BaseModel):
    """Official fields only administrators may change (the wiki fields are edited by all)."""

    model_config = {"extra": "forbid"}

    code: str | None = Field(default=None, min_length=1, max_length=16, pattern=r"^[A-Z0-9-]+$")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    elevation_ft: int | None = Field(default=None, ge=-1500, le=30_000)
    facility_type: FacilityType | None = None
    facility_use: FacilityUse | None = None
    ownership_type: OwnershipType | None = None
    fuel_types: list[Annotated[str, Field(min_length=1, max_length=20)]] | None = Field(
        default=None, max_length=20
    )
    city: str | None = Field(default=None, max_length=200)
    state: str | None = Field(default=None, max_length=100)
    locked: bool | None = Field(default=None, description="A locked airport cannot be edited.")
    reviewed: bool | None = None


class AdminCommentOut(BaseModel):
    id: uuid.UUID
    airport_code: str
    author: Person | None
    body: str
    helpful_count: int
    outdated_at: datetime | None
    reviewed_at: datetime | None
    created_at: datetime


class AdminCommentChanges(BaseModel):
    model_config = {"extra": "forbid"}

    body: str | None = Field(default=None, min_length=1, max_length=10_000)
    helpful_count: int | None = Field(default=None, ge=0)
    reviewed: bool | None = None


class PageviewOut(BaseModel):
    airport_code: str
    user_id: uuid.UUID | None
    ip_address: str | None
    latitude: float | None
    longitude: float | None
    browser: str | None
    browser_version: str | None
    operating_system: str | None
    created_at: datetime


class ActionOut(BaseModel):
    id: uuid.UUID
    type: ActionType
    airport_code: str | None
    points: int
    created_at: datetime


class Ranked(BaseModel):
    id: uuid.UUID
    label: str = Field(description="The airport's code, or the user's name.")
    count: int


class Rankings(BaseModel):
    most_read_airports: list[Ranked]
    most_edited_airports: list[Ranked]
    most_active_users: list[Ranked]


class Activity(BaseModel):
    all_time: Rankings
    last_30_days: Rankings


class ImportRequest(BaseModel):
    model_config = {"extra": "forbid"}

    products: list[Product] = Field(
        default_factory=lambda: list(Product), min_length=1, max_length=len(Product)
    )
    force: bool = Field(default=False, description="Import even if the cycle is active.")
    dry_run: bool = Field(default=False, description="Report what would change; write nothing.")


class ImporterRunOut(BaseModel):
    id: uuid.UUID
    products: list[str]
    force: bool
    dry_run: bool
    status: ImporterRunStatus
    task: str | None = Field(description="The ECS task ARN, or the local process.")
    task_status: str | None = Field(
        description="What the task runner says of the task now (for an active run)."
    )
    requested_by: Person | None
    cycles: dict[str, Any]
    progress: dict[str, Any]
    counts: dict[str, Any]
    diff: dict[str, Any]
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class Dashboard(BaseModel):
    airports: int
    contributed_airports: int = Field(description="Airports with any community content.")
    pageviews_30_days: int = Field(description="Airport page views by everyone but admins.")
    cycles: dict[str, date] = Field(description="The active data cycle of each product.")
    read_only: bool
    queues: QueueCounts
    active_import: ImporterRunOut | None


class ReadOnlySwitch(BaseModel):
    model_config = {"extra": "forbid"}

    read_only: bool


class VersionPage(PageParams):
    total: int
    items: list[VersionOut]


class UserPage(PageParams):
    total: int
    items: list[AdminUserOut]


class AirportPage(PageParams):
    total: int
    items: list[AdminAirportOut]


class CommentPage(PageParams):
    total: int
    items: list[AdminCommentOut]


class PageviewPage(PageParams):
    total: int
    items: list[PageviewOut]


class ActionPage(PageParams):
    total: int
    items: list[ActionOut]


class ImporterRunPage(PageParams):
    total: int
    items: list[ImporterRunOut]
