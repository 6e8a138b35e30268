"""SQL for webcams."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession


async def add_webcam(
    session: AsyncSession, airport_id: uuid.UUID, url: str, user_id: uuid.UUID
) -> uuid.UUID | None:
    """The new webcam's id, or None when the airport has it already."""
    webcam_id: uuid.UUID | None = await session.scalar(
        sa.text(
            "INSERT INTO webcams (airport_id, url, created_by_id) VALUES (:airport, :url, :user) "
            "ON CONFLICT DO NOTHING RETURNING id"
        ),
        {"airport": airport_id, "url": url, "user": user_id},
    )
    return webcam_id


async def remove_webcam(
    session: AsyncSession, airport_id: uuid.UUID, webcam_id: uuid.UUID
) -> str | None:
    """The removed webcam's URL, or None when the airport has no such webcam."""
    url: str | None = await session.scalar(
        sa.text("DELETE FROM webcams WHERE id = :id AND airport_id = :airport RETURNING url"),
        {"id": webcam_id, "airport": airport_id},
    )
    return url


async def delete_webcam(session: AsyncSession, webcam_id: uuid.UUID) -> None:
    await session.execute(sa.text("DELETE FROM webcams WHERE id = :id"), {"id": webcam_id})
