"""The leaderboard and public profiles."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.api.conftest import MakePerson


async def test_the_leaderboard_ranks_pilots_by_altitude_and_profiles_show_activity(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson, connection: AsyncConnection
) -> None:
    ace, rookie, idle = [await make_person("known") for _ in range(3)]
    await connection.execute(
        sa.text("UPDATE users SET display_name = 'Ace' WHERE id = :id"), {"id": ace.user_id}
    )
    async with ace.client(app) as http:
        for tag in ("food", "camping", "museum"):
            assert (await http.put(f"/api/v1/airports/PAE/tags/{tag}")).status_code == 204
        assert (await http.put("/api/v1/airports/BFI/tags/food")).status_code == 204
    async with rookie.client(app) as http:
        assert (await http.put("/api/v1/airports/SEA/tags/golfing")).status_code == 204

    board = (await client.get("/api/v1/leaderboard")).json()
    assert [(row["name"], row["altitude"], row["rank"]) for row in board] == [
        ("Ace", 400, 1),
        ("a pilot", 100, 2),
    ]
    assert (board[0]["contributions"], board[0]["airports_edited"]) == (4, 2)
    assert str(idle.user_id) not in {row["id"] for row in board}

    profile = (await client.get(f"/api/v1/users/{ace.user_id}")).json()
    assert (profile["name"], profile["rank"], profile["altitude"]) == ("Ace", 1, 400)
    assert [item["airport_code"] for item in profile["activity"]] == ["BFI", "PAE", "PAE", "PAE"]
    assert "email" not in profile
    quiet = (await client.get(f"/api/v1/users/{idle.user_id}")).json()
    assert (quiet["rank"], quiet["altitude"], quiet["activity"]) == (None, 0, [])
    missing = await client.get("/api/v1/users/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
