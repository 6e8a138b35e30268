"""I/O models of the history of airports."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.models.enums import VersionEvent, VersionItemType


class HistoryAuthor(BaseModel):
    id: uuid.UUID | None
    name: str = Field(description="Display name, or “a pilot without an account”.")


class HistoryEntry(BaseModel):
    id: uuid.UUID
    item_type: VersionItemType
    item_id: uuid.UUID
    event: VersionEvent
    author: HistoryAuthor | None
    changes: dict[str, Any] = Field(description="Field: [before, after].")
    created_at: datetime
    reverted_at: datetime | None


class HistoryPage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[HistoryEntry]


class VersionPreview(BaseModel):
    version_id: uuid.UUID
    created_at: datetime
    author: HistoryAuthor | None = Field(description="Who made the change.")
    fields: dict[str, Any] = Field(description="Every editable field as it was then.")
    html: dict[str, str] = Field(
        description="The Markdown fields as they were then, rendered to sanitised HTML."
    )
