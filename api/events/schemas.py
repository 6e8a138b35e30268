"""Events as the API reads and returns them."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Literal

from pydantic import AnyHttpUrl, BaseModel, Field, field_validator, model_validator

_MAX_LENGTH = timedelta(days=14)


class RecurrenceIn(BaseModel):
    model_config = {"extra": "forbid"}

    cadence: Literal["daily", "weekly", "monthly", "yearly"]
    interval: int = Field(default=1, ge=1, le=52, description="Every n days, weeks…")
    day_of_month: int | None = Field(default=None, ge=1, le=31, description="Monthly only.")
    week_of_month: Literal[1, 2, 3, 4, 5, -1] | None = Field(
        default=None,
        description="Monthly or yearly: the nth (5: fifth, in the months that have one; -1: "
        "last) weekday of the first occurrence.",
    )

    @model_validator(mode="after")
    def _sensible(self) -> RecurrenceIn:
        if self.day_of_month is not None and self.week_of_month is not None:
            raise ValueError("give a day of the month or a week of the month, not both")
        if self.day_of_month is not None and self.cadence != "monthly":
            raise ValueError("a day of the month only makes sense for a monthly event")
        if self.week_of_month is not None and self.cadence not in ("monthly", "yearly"):
            raise ValueError("a week of the month only makes sense monthly or yearly")
        return self


class EventIn(BaseModel):
    model_config = {"extra": "forbid"}

    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000, description="Markdown.")
    starts_at: datetime = Field(description="Local time at the airport (no offset).")
    ends_at: datetime = Field(description="Local time at the airport (no offset).")
    host: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    url: AnyHttpUrl | None = Field(
        default=None, description="A link typed without a scheme gets `https://`."
    )
    recurrence: RecurrenceIn | None = None
    timezone: str | None = Field(
        default=None,
        description="Optional: the airport's IANA time zone (the detail's `timezone`), to "
        "confirm the local times are meant there. Any other zone is refused with 422; event "
        "times are always in the airport's time zone.",
        examples=["America/Los_Angeles"],
    )

    @field_validator("url", mode="before")
    @classmethod
    def _scheme(cls, value: object) -> object:
        if isinstance(value, str) and value.strip() and "://" not in value:
            return "https://" + value.strip()
        return value

    @model_validator(mode="after")
    def _times(self) -> EventIn:
        if self.starts_at.tzinfo or self.ends_at.tzinfo:
            raise ValueError("give the local times at the airport, without an offset")
        if self.ends_at <= self.starts_at:
            raise ValueError("the event must end after it starts")
        if self.ends_at - self.starts_at > _MAX_LENGTH:
            raise ValueError("an event lasts at most 14 days (make it recurring instead)")
        if self.url is not None and len(str(self.url)) > 255:
            raise ValueError("a URL of at most 255 characters")
        return self


class Occurrence(BaseModel):
    starts_at: datetime
    ends_at: datetime


class EventOut(BaseModel):
    id: uuid.UUID
    airport_code: str
    name: str
    description: str | None
    html: str = Field(description="The description rendered to sanitised HTML.")
    host: str | None
    location: str | None
    url: str | None
    timezone: str
    recurrence: RecurrenceIn | None
    next: list[Occurrence] = Field(description="The next occurrences (UTC), at most five.")
