"""Comments as the API reads and returns them."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from api.users.schemas import AvatarUrl


class CommentIn(BaseModel):
    model_config = {"extra": "forbid"}

    body: str = Field(min_length=1, max_length=10_000, description="Markdown.")


class CommentAuthor(BaseModel):
    id: uuid.UUID
    name: str
    avatar_url: AvatarUrl


class CommentOut(BaseModel):
    id: uuid.UUID
    airport_code: str
    author: CommentAuthor
    body: str = Field(description="Markdown, as written.")
    html: str = Field(description="The body rendered to sanitised HTML.")
    helpful_count: int
    outdated_at: datetime | None = Field(description="Flagged as outdated by a pilot.")
    created_at: datetime


class CommentPage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[CommentOut]
