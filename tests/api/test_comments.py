"""Comments: Markdown served sanitised, helpful once per pilot, flagged outdated and back."""

from __future__ import annotations

import hashlib

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.api.conftest import MakePerson

URL = "/api/v1/airports/PAE/comments"


async def test_a_comment_is_listed_rendered_and_credited(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson, connection: AsyncConnection
) -> None:
    pilot = await make_person("known")
    async with pilot.client(app) as http:
        answer = await http.post(URL, json={"body": "Crew car is *great*. <script>x()</script>"})
    assert answer.status_code == 201, answer.text
    comment = answer.json()
    assert comment["body"] == "Crew car is *great*. <script>x()</script>"
    assert comment["html"] == (
        "<p>Crew car is <em>great</em>. &lt;script&gt;x()&lt;/script&gt;</p>\n"
    )
    assert comment["author"]["name"] == "a pilot"
    listed = (await client.get(URL)).json()
    assert listed["total"] == 1
    assert listed["items"][0]["id"] == comment["id"]
    points = await connection.scalar(
        sa.text("SELECT points FROM users WHERE id = :id"), {"id": pilot.user_id}
    )
    assert points == 50
    # A comment is content: the airport is no longer "empty", and it waits for review.
    assert "empty" not in (await client.get("/api/v1/airports/PAE")).json()["tags"]
    unreviewed = await connection.scalar(
        sa.text("SELECT count(*) FROM comments WHERE reviewed_at IS NULL")
    )
    assert unreviewed == 1


async def test_helpful_once_per_pilot_and_outdated_flags(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson
) -> None:
    author, reader, other = [await make_person("known") for _ in range(3)]
    async with author.client(app) as http:
        comment_id = (await http.post(URL, json={"body": "Fuel 24/7"})).json()["id"]
    async with reader.client(app) as http:
        first = await http.put(f"/api/v1/comments/{comment_id}/helpful")
        again = await http.put(f"/api/v1/comments/{comment_id}/helpful")
        flagged = await http.put(f"/api/v1/comments/{comment_id}/outdated")
    async with other.client(app) as http:
        assert (await http.put(f"/api/v1/comments/{comment_id}/helpful")).status_code == 204
    assert (first.status_code, again.status_code, flagged.status_code) == (204, 409, 204)
    [item] = (await client.get(URL)).json()["items"]
    assert item["helpful_count"] == 2
    assert item["outdated_at"] is not None
    async with other.client(app) as http:
        assert (await http.delete(f"/api/v1/comments/{comment_id}/outdated")).status_code == 204
    [item] = (await client.get(URL)).json()["items"]
    assert item["outdated_at"] is None


async def test_bad_comments_are_refused(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson, connection: AsyncConnection
) -> None:
    pilot = await make_person("known")
    async with pilot.client(app) as http:
        empty = await http.post(URL, json={"body": ""})
        huge = await http.post(URL, json={"body": "x" * 10_001})
        nowhere = await http.post("/api/v1/airports/NOWHERE/comments", json={"body": "Hi"})
        ghost = await http.put("/api/v1/comments/00000000-0000-0000-0000-000000000000/helpful")
    assert (empty.status_code, huge.status_code) == (422, 422)
    assert (nowhere.status_code, ghost.status_code) == (404, 404)
    await connection.execute(sa.text("UPDATE airports SET locked_at = now() WHERE code = 'PAE'"))
    async with pilot.client(app) as http:
        locked = await http.post(URL, json={"body": "Hi"})
    assert locked.status_code == 403
    assert (await client.get(URL)).json()["total"] == 0


async def test_authors_show_their_gravatar_and_writers_without_an_account_none(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson
) -> None:
    pilot, visitor = await make_person("known"), await make_person("unknown-verified")
    for person in (pilot, visitor):
        async with person.client(app) as http:
            assert (await http.post(URL, json={"body": "Fuel, self serve."})).status_code == 201
    assert pilot.email is not None
    digest = hashlib.sha256(pilot.email.lower().encode()).hexdigest()
    expected = f"https://gravatar.com/avatar/{digest}?s=96&d=identicon"
    avatars = {
        item["author"]["id"]: item["author"]["avatar_url"]
        for item in (await client.get(URL)).json()["items"]
    }
    assert avatars[str(pilot.user_id)] == expected
    assert avatars[str(visitor.user_id)] is None
    async with pilot.client(app) as http:
        assert (await http.get("/api/v1/users/me")).json()["avatar_url"] == expected
    leaders = (await client.get("/api/v1/leaderboard")).json()
    assert {leader["avatar_url"] for leader in leaders if leader["id"] == str(pilot.user_id)} == {
        expected
    }
    profile = (await client.get(f"/api/v1/users/{pilot.user_id}")).json()
    assert profile["avatar_url"] == expected
