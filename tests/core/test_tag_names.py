"""Each airport's tag names on its row (what the map reads) follow every change of ``tags``:
one row or thousands in a statement, added, renamed or removed, in alphabetical order."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

INSERT_AIRPORT = sa.text(
    "INSERT INTO airports (code, name, facility_type, latitude, longitude, data_source,"
    " landing_rights) VALUES (:code, 'Test Field', 'airport', 47.5, -122, 'faa', 'public')"
    " RETURNING id"
)


async def _names(connection: AsyncConnection, code: str) -> list[str]:
    names = await connection.scalar(
        sa.text("SELECT tag_names FROM airports WHERE code = :code"), {"code": code}
    )
    return list(names)


async def test_tag_names_follow_the_tags(connection: AsyncConnection) -> None:
    first = await connection.scalar(INSERT_AIRPORT, {"code": "ZT1"})
    second = await connection.scalar(INSERT_AIRPORT, {"code": "ZT2"})
    assert await _names(connection, "ZT1") == []

    # Several airports in one statement, as an import adds them.
    await connection.execute(
        sa.text(
            "INSERT INTO tags (airport_id, name) VALUES "
            "(:first, 'camping'), (:first, 'food'), (:second, 'golfing')"
        ),
        {"first": first, "second": second},
    )
    # In alphabetical order, as the map always had them.
    assert await _names(connection, "ZT1") == ["camping", "food"]
    assert await _names(connection, "ZT2") == ["golfing"]

    await connection.execute(
        sa.text("UPDATE tags SET name = 'lodging' WHERE airport_id = :id AND name = 'food'"),
        {"id": first},
    )
    assert await _names(connection, "ZT1") == ["camping", "lodging"]

    await connection.execute(sa.text("DELETE FROM tags WHERE airport_id = :id"), {"id": first})
    assert await _names(connection, "ZT1") == []
    assert await _names(connection, "ZT2") == ["golfing"]  # untouched

    # An airport deleted with its tags takes them along without an error.
    await connection.execute(sa.text("DELETE FROM airports WHERE id = :id"), {"id": second})
    left = await connection.scalar(
        sa.text("SELECT count(*) FROM tags WHERE airport_id = :id"), {"id": second}
    )
    assert left == 0
