"""What the change feed answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Why an airport changed, as the feed names it (weather, hourly, is not in the feed).
FeedKind = Literal[
    "edit",
    "revert",
    "import",
    "closure",
    "tags",
    "comment",
    "event",
    "webcam",
    "photo",
    "airport_added",
    "airport_deleted",
    "admin",
    "outline",
    "elevation",
    "time_zone",
]


class ChangeOut(BaseModel):
    cursor: int = Field(description="This change's place in the feed.")
    at: datetime = Field(description="When the change was committed.")
    airport: str = Field(description="The airport's code (as it was, for a deleted airport).")
    kind: FeedKind = Field(
        description="What changed it: a pilot's edit, a revert, an activated FAA or OurAirports "
        "cycle (`import`), a closure, tags, a comment, an event, a webcam, a photo, an airport "
        "added or deleted, an administrator (`admin`), or data the server looked up (`outline`, "
        "`elevation`, `time_zone`)."
    )
    fields: list[str] = Field(
        description="What changed: the airport's fields, or the part of its page (`comments`, "
        "`events`, `photos`, `webcams`, `tags`, `runways`…)."
    )


class ChangePage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "changes": [
                        {
                            "cursor": 1042,
                            "at": "2026-12-06T17:04:11.52+00:00",
                            "airport": "PAE",
                            "kind": "edit",
                            "fields": ["description"],
                        },
                        {
                            "cursor": 1043,
                            "at": "2026-12-06T17:09:40.08+00:00",
                            "airport": "S43",
                            "kind": "comment",
                            "fields": ["comments"],
                        },
                    ],
                    "next": 1043,
                }
            ]
        }
    )

    changes: list[ChangeOut] = Field(description="Oldest first, after the cursor asked for.")
    next: int = Field(
        description="The cursor to ask with next time (`after`). When the page is not full "
        "you are up to date: the feed is empty after it until something changes."
    )
