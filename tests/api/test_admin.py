"""The admin API: meters, review queues, users and airports, read-only mode, rankings."""

from __future__ import annotations

import io
import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncConnection

from api.dependencies import SESSION_COOKIE
from api.models.community import Action, Comment, Pageview, Version
from tests.api.conftest import PASSWORD, AddAirport, MakePerson, Person

ADMIN = "/api/v1/admin"


@pytest.fixture
async def admin(make_person: MakePerson) -> Person:
    return await make_person("admin")


async def as_person(
    app: FastAPI, person: Person, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    async with person.client(app) as http:
        return await http.request(method, path, **kwargs)


async def scalar(connection: AsyncConnection, sql: str, **params: Any) -> Any:
    return await connection.scalar(sa.text(sql), params)


async def test_the_dashboard_counts_what_is_in_the_database(
    app: FastAPI,
    admin: Person,
    make_person: MakePerson,
    add_airport: AddAirport,
    connection: AsyncConnection,
) -> None:
    reader = await make_person("known")
    airport_id = await add_airport("X01")
    pae = await scalar(connection, "SELECT id FROM airports WHERE code = 'PAE'")
    for user_id, age in ((reader.user_id, "1 day"), (admin.user_id, "1 day"), (None, "40 days")):
        await connection.execute(
            sa.insert(Pageview).values(
                airport_id=pae,
                user_id=user_id,
                created_at=sa.func.now() - sa.text(f"interval '{age}'"),
            )
        )
    await connection.execute(
        sa.insert(Comment).values(airport_id=airport_id, user_id=reader.user_id, body="Hi")
    )

    response = await as_person(app, admin, "GET", f"{ADMIN}/dashboard")
    assert response.status_code == 200
    body = response.json()
    total = await scalar(connection, "SELECT count(*) FROM airports")
    empty = await scalar(connection, "SELECT count(*) FROM tags WHERE name = 'empty'")
    assert body["airports"] == total
    assert body["contributed_airports"] == total - empty
    assert body["pageviews_30_days"] == 1  # the admin's view and the old one do not count
    assert body["cycles"] == {"airports": "2024-12-26"}
    assert body["read_only"] is False
    # The reader is a new known user waiting for review; so are X01 and its comment.
    assert body["queues"] == {"versions": 0, "users": 1, "airports": 1, "comments": 1}
    assert body["active_import"] is None


async def test_read_only_mode_is_switched_by_admins_who_keep_working(
    app: FastAPI, admin: Person, make_person: MakePerson
) -> None:
    pilot = await make_person("known")
    on = await as_person(app, admin, "PUT", f"{ADMIN}/read-only", json={"read_only": True})
    assert on.json() == {"read_only": True}

    refused = await as_person(app, pilot, "PATCH", "/api/v1/users/me", json={"timezone": "UTC"})
    assert refused.status_code == 503
    assert refused.json()["error"] == "ReadOnly"
    assert refused.headers["retry-after"] == "300"
    dashboard = await as_person(app, admin, "GET", f"{ADMIN}/dashboard")
    assert dashboard.json()["read_only"] is True
    login = {"email": admin.email, "password": PASSWORD}
    signed_in = await as_person(app, admin, "POST", "/api/v1/sessions", json=login)
    assert signed_in.status_code == 200
    # Signing in ends the session the browser held and starts another.
    admin.cookies = {SESSION_COOKIE: signed_in.cookies[SESSION_COOKIE]}
    admin.headers = {**admin.headers, "X-CSRF-Token": signed_in.json()["csrf_token"]}

    off = await as_person(app, admin, "PUT", f"{ADMIN}/read-only", json={"read_only": False})
    assert off.json() == {"read_only": False}
    allowed = await as_person(app, pilot, "PATCH", "/api/v1/users/me", json={"timezone": "UTC"})
    assert allowed.status_code == 200


async def test_approving_empties_the_review_queues(
    app: FastAPI,
    admin: Person,
    make_person: MakePerson,
    add_airport: AddAirport,
    connection: AsyncConnection,
) -> None:
    author = await make_person("unknown-verified")
    airport_id = await add_airport("X02")
    version_id = await scalar(
        connection,
        "INSERT INTO versions (item_type, item_id, airport_id, event, whodunnit_id,"
        " object_changes) VALUES ('airport', :a, :a, 'update', :u,"
        ' \'{"description": [null, "Grass strip"]}\') RETURNING id',
        a=airport_id,
        u=author.user_id,
    )
    comment_id = await scalar(
        connection,
        "INSERT INTO comments (airport_id, user_id, body) VALUES (:a, :u, 'Bring cash')"
        " RETURNING id",
        a=airport_id,
        u=author.user_id,
    )

    queue = await as_person(app, admin, "GET", f"{ADMIN}/versions?unreviewed=true")
    assert queue.json()["total"] == 1
    for query, found in (("x02", 1), ("PAE", 0)):
        searched = await as_person(app, admin, "GET", f"{ADMIN}/versions?q={query}")
        assert searched.json()["total"] == found, query
    item = queue.json()["items"][0]
    assert item["airport_code"] == "X02"
    assert item["object_changes"] == {"description": [None, "Grass strip"]}
    assert item["author"]["ip_address"] == author.address
    assert item["author"]["role"] == "unknown"

    approvals = [
        ("PATCH", f"{ADMIN}/versions/{version_id}", {"reviewed": True}),
        ("PATCH", f"{ADMIN}/comments/{comment_id}", {"reviewed": True}),
        ("PATCH", f"{ADMIN}/airports/{airport_id}", {"reviewed": True}),
        ("PATCH", f"{ADMIN}/users/{admin.user_id}", {"reviewed": True}),
    ]
    for method, path, body in approvals:
        response = await as_person(app, admin, method, path, json=body)
        assert response.status_code == 200, response.text
        assert response.json()["reviewed_at"] is not None
    for queue_name in ("versions", "comments", "users"):
        page = await as_person(app, admin, "GET", f"{ADMIN}/{queue_name}?unreviewed=true")
        assert page.json()["total"] == 0, queue_name
    airports = await as_person(app, admin, "GET", f"{ADMIN}/airports?unreviewed=true")
    assert airports.json()["total"] == 0
    # Approving can be taken back.
    undo = await as_person(
        app, admin, "PATCH", f"{ADMIN}/versions/{version_id}", json={"reviewed": False}
    )
    assert undo.json()["reviewed_at"] is None
    # Reverting a change reviews it too.
    reverted = await as_person(app, admin, "POST", f"{ADMIN}/versions/{version_id}/revert")
    assert reverted.status_code == 201, reverted.text
    page = await as_person(app, admin, "GET", f"{ADMIN}/versions?unreviewed=true")
    assert page.json()["total"] == 0
    missing = await as_person(
        app, admin, "PATCH", f"{ADMIN}/versions/{uuid.uuid4()}", json={"reviewed": True}
    )
    assert missing.status_code == 404
    assert missing.json()["error"] == "NotFound"


async def test_a_disabled_user_is_signed_out_and_cannot_write(
    app: FastAPI, admin: Person, make_person: MakePerson, connection: AsyncConnection
) -> None:
    pilot = await make_person("known")
    changed = await as_person(
        app, admin, "PATCH", f"{ADMIN}/users/{pilot.user_id}", json={"disabled": True}
    )
    assert changed.status_code == 200
    assert changed.json()["disabled_at"] is not None
    assert (await as_person(app, pilot, "GET", "/api/v1/users/me")).status_code == 401
    sessions = await scalar(
        connection, "SELECT count(*) FROM sessions WHERE user_id = :u", u=pilot.user_id
    )
    assert sessions == 0
    login = {"email": pilot.email, "password": PASSWORD}
    assert (await as_person(app, pilot, "POST", "/api/v1/sessions", json=login)).status_code == 401

    enabled = await as_person(
        app, admin, "PATCH", f"{ADMIN}/users/{pilot.user_id}", json={"disabled": False}
    )
    assert enabled.json()["disabled_at"] is None
    assert (await as_person(app, pilot, "POST", "/api/v1/sessions", json=login)).status_code == 200


async def test_locking_unlocking_promoting_and_deleting_users(
    app: FastAPI, admin: Person, make_person: MakePerson, connection: AsyncConnection
) -> None:
    pilot = await make_person("known")
    path = f"{ADMIN}/users/{pilot.user_id}"
    locked = await as_person(app, admin, "PATCH", path, json={"locked": True})
    assert locked.json()["locked_at"] is not None
    login = {"email": pilot.email, "password": PASSWORD}
    assert (await as_person(app, pilot, "POST", "/api/v1/sessions", json=login)).status_code == 401
    unlocked = await as_person(app, admin, "PATCH", path, json={"locked": False})
    assert (unlocked.json()["locked_at"], unlocked.json()["failed_attempts"]) == (None, 0)

    promoted = await as_person(
        app, admin, "PATCH", path, json={"role": "admin", "display_name": "Goose"}
    )
    assert (promoted.json()["role"], promoted.json()["display_name"]) == ("admin", "Goose")
    # Locking ended the pilot's sessions; signed in again, the new admin sees the dashboard.
    async with pilot.client(app) as http:
        assert (await http.get(f"{ADMIN}/dashboard")).status_code == 401
        signed = await http.post("/api/v1/sessions", json=login)
        http.headers["X-CSRF-Token"] = signed.json()["csrf_token"]
        assert (await http.get(f"{ADMIN}/dashboard")).status_code == 200

    found = await as_person(app, admin, "GET", f"{ADMIN}/users?q=goose")
    assert [user["id"] for user in found.json()["items"]] == [str(pilot.user_id)]

    assert (await as_person(app, admin, "DELETE", path)).status_code == 204
    assert (
        await scalar(connection, "SELECT count(*) FROM users WHERE id = :u", u=pilot.user_id) == 0
    )
    assert (await as_person(app, admin, "GET", path)).status_code == 404


async def test_changes_to_users_that_cannot_be_made(
    app: FastAPI, admin: Person, make_person: MakePerson
) -> None:
    other = await make_person("known")
    anonymous_writer = await make_person("unknown-verified")
    taken = await as_person(
        app, admin, "PATCH", f"{ADMIN}/users/{other.user_id}", json={"email": admin.email}
    )
    assert taken.status_code == 409
    unknown = await as_person(
        app, admin, "PATCH", f"{ADMIN}/users/{anonymous_writer.user_id}", json={"role": "known"}
    )
    assert unknown.status_code == 409
    assert "without an account" in unknown.json()["detail"]
    # An administrator cannot lock themselves out; another administrator can.
    own = f"{ADMIN}/users/{admin.user_id}"
    for change in ({"role": "known"}, {"disabled": True}, {"locked": True}):
        refused = await as_person(app, admin, "PATCH", own, json=change)
        assert refused.status_code == 409, change
    assert (await as_person(app, admin, "DELETE", own)).status_code == 409
    bad = await as_person(app, admin, "PATCH", own, json={"role": "pilot"})
    assert bad.status_code == 422
    # Writers without an account can still be disabled.
    disabled = await as_person(
        app, admin, "PATCH", f"{ADMIN}/users/{anonymous_writer.user_id}", json={"disabled": True}
    )
    assert disabled.status_code == 200
    verify = await as_person(
        app, anonymous_writer, "POST", "/api/v1/users/verification", json={"token": "x"}
    )
    assert verify.status_code == 403


async def test_editing_an_airport_records_it_and_updates_the_map(
    app: FastAPI, client: httpx.AsyncClient, admin: Person, connection: AsyncConnection
) -> None:
    pae = await scalar(connection, "SELECT id FROM airports WHERE code = 'PAE'")
    before = await client.get("/api/v1/airports.geojson")
    await client.get("/api/v1/airports/PAE")  # now in this process's cache

    response = await as_person(
        app,
        admin,
        "PATCH",
        f"{ADMIN}/airports/{pae}",
        json={"name": "Paine Field", "latitude": 47.91, "elevation_ft": 610, "locked": True},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["latitude"], body["elevation_ft"]) == ("Paine Field", 47.91, 610)
    assert body["locked_at"] is not None
    assert (body["revisions"], body["contributors"]) == (1, 1)

    version = (
        await connection.execute(
            sa.select(Version.object_changes, Version.whodunnit_id, Version.reviewed_at).where(
                Version.airport_id == pae
            )
        )
    ).one()
    assert version.object_changes["name"][1] == "Paine Field"
    assert version.object_changes["elevation_ft"][1] == 610
    assert version.whodunnit_id == admin.user_id
    assert version.reviewed_at is not None  # an admin's change needs no review

    detail = (await client.get("/api/v1/airports/PAE")).json()
    assert detail["name"] == "Paine Field"
    after = await client.get("/api/v1/airports.geojson")
    assert after.headers["etag"] != before.headers["etag"]
    feature = next(f for f in after.json()["features"] if f["properties"]["code"] == "PAE")
    assert feature["geometry"]["coordinates"][1] == 47.91


async def test_airport_changes_that_cannot_be_made(
    app: FastAPI, admin: Person, add_airport: AddAirport, connection: AsyncConnection
) -> None:
    pae = await scalar(connection, "SELECT id FROM airports WHERE code = 'PAE'")
    taken = await as_person(app, admin, "PATCH", f"{ADMIN}/airports/{pae}", json={"code": "BFI"})
    assert taken.status_code == 409
    nameless = await as_person(app, admin, "PATCH", f"{ADMIN}/airports/{pae}", json={"name": None})
    assert nameless.status_code == 409
    official = await as_person(app, admin, "DELETE", f"{ADMIN}/airports/{pae}")
    assert official.status_code == 409
    assert "lock it instead" in official.json()["detail"]
    far = await as_person(app, admin, "PATCH", f"{ADMIN}/airports/{pae}", json={"latitude": 91})
    assert far.status_code == 422

    fuelless = await as_person(
        app, admin, "PATCH", f"{ADMIN}/airports/{pae}", json={"fuel_types": None}
    )
    assert fuelless.status_code == 200, fuelless.text
    assert fuelless.json()["fuel_types"] == []

    # Its tags, runways and the rest go with it (the database cascades).
    added = await add_airport("X03", tags=("food",), runways=(("09/27", 2000, "TURF", False),))
    assert (await as_person(app, admin, "DELETE", f"{ADMIN}/airports/{added}")).status_code == 204
    assert await scalar(connection, "SELECT count(*) FROM airports WHERE code = 'X03'") == 0
    assert await scalar(connection, "SELECT count(*) FROM tags WHERE airport_id IS NULL") == 0
    geojson = await as_person(app, admin, "GET", "/api/v1/airports.geojson")
    assert "X03" not in {f["properties"]["code"] for f in geojson.json()["features"]}


async def test_comments_are_edited_and_deleted(
    app: FastAPI,
    admin: Person,
    make_person: MakePerson,
    add_airport: AddAirport,
    connection: AsyncConnection,
) -> None:
    author = await make_person("known")
    airport_id = await add_airport("X04")
    comment_id = await scalar(
        connection,
        "INSERT INTO comments (airport_id, user_id, body) VALUES (:a, :u, 'Spam spam')"
        " RETURNING id",
        a=airport_id,
        u=author.user_id,
    )
    listed = await as_person(app, admin, "GET", f"{ADMIN}/comments?q=spam")
    assert [c["id"] for c in listed.json()["items"]] == [str(comment_id)]
    edited = await as_person(
        app, admin, "PATCH", f"{ADMIN}/comments/{comment_id}", json={"body": "Call ahead."}
    )
    assert edited.json()["body"] == "Call ahead."
    assert (
        await as_person(app, admin, "DELETE", f"{ADMIN}/comments/{comment_id}")
    ).status_code == 204
    assert (
        await scalar(connection, "SELECT count(*) FROM comments WHERE id = :c", c=comment_id) == 0
    )


async def test_activity_rankings_and_analytics(
    app: FastAPI, admin: Person, make_person: MakePerson, connection: AsyncConnection
) -> None:
    busy, quiet = await make_person("known"), await make_person("known")
    await connection.execute(
        sa.text("UPDATE users SET display_name = 'Busy' WHERE id = :u"), {"u": busy.user_id}
    )
    codes = ("PAE", "BFI", "SEA")
    ids = {
        code: await scalar(connection, "SELECT id FROM airports WHERE code = :c", c=code)
        for code in codes
    }
    # BFI read 3 times (once long ago), PAE twice; SEA edited 3 times by Busy, PAE once by quiet.
    views = [("BFI", "1 hour"), ("BFI", "2 hours"), ("BFI", "90 days"), ("PAE", "1 hour")]
    views.append(("PAE", "3 hours"))
    for code, age in views:
        await connection.execute(
            sa.insert(Pageview).values(
                airport_id=ids[code],
                user_id=busy.user_id,
                ip_address="192.0.2.200",
                browser="Firefox",
                created_at=sa.func.now() - sa.text(f"interval '{age}'"),
            )
        )
    for user, code in ((busy, "SEA"), (busy, "SEA"), (busy, "SEA"), (quiet, "PAE")):
        await connection.execute(
            sa.insert(Action).values(
                type="airport_edited", user_id=user.user_id, airport_id=ids[code]
            )
        )

    activity = (await as_person(app, admin, "GET", f"{ADMIN}/activity")).json()
    all_time, recent = activity["all_time"], activity["last_30_days"]
    assert [(r["label"], r["count"]) for r in all_time["most_read_airports"]] == [
        ("BFI", 3),
        ("PAE", 2),
    ]
    assert [(r["label"], r["count"]) for r in recent["most_read_airports"]] == [
        ("BFI", 2),
        ("PAE", 2),
    ]
    assert [(r["label"], r["count"]) for r in all_time["most_edited_airports"]] == [
        ("SEA", 3),
        ("PAE", 1),
    ]
    assert all_time["most_active_users"][0]["label"] == "Busy"

    per_airport = await as_person(app, admin, "GET", f"{ADMIN}/airports/{ids['BFI']}/analytics")
    assert per_airport.json()["total"] == 3
    assert per_airport.json()["items"][0]["browser"] == "Firefox"
    per_user = await as_person(
        app, admin, "GET", f"{ADMIN}/users/{busy.user_id}/analytics?per_page=2&page=2"
    )
    assert (per_user.json()["total"], len(per_user.json()["items"])) == (5, 2)
    actions = await as_person(app, admin, "GET", f"{ADMIN}/users/{busy.user_id}/activity")
    assert [a["airport_code"] for a in actions.json()["items"]] == ["SEA"] * 3


async def test_admins_delete_photos_and_webcams(
    app: FastAPI, client: httpx.AsyncClient, admin: Person, make_person: MakePerson
) -> None:
    pilot = await make_person("known")
    picture = io.BytesIO()
    Image.new("RGB", (50, 40), (1, 2, 3)).save(picture, "JPEG")
    async with pilot.client(app) as http:
        upload = await http.post(
            "/api/v1/airports/PAE/photos", files={"file": ("a.jpg", picture.getvalue())}
        )
        added = await http.post(
            "/api/v1/airports/PAE/webcams", json={"url": "https://cams.example.com/spam.jpg"}
        )
    assert (upload.status_code, added.status_code) == (201, 204)
    detail = (await client.get("/api/v1/airports/PAE")).json()
    [webcam] = detail["webcams"]
    photo_id = upload.json()["id"]
    async with admin.client(app) as http:
        assert (await http.delete(f"{ADMIN}/photos/{photo_id}")).status_code == 204
        assert (await http.delete(f"{ADMIN}/webcams/{webcam['id']}")).status_code == 204
        assert (await http.delete(f"{ADMIN}/photos/{photo_id}")).status_code == 404
    after = (await client.get("/api/v1/airports/PAE")).json()
    assert (after["photos"], after["webcams"]) == ([], [])
    assert "webcam" not in after["tags"]


async def test_a_pilot_learns_nothing_of_user_ids_from_admin_routes(
    app: FastAPI, make_person: MakePerson
) -> None:
    pilot = await make_person("known")
    other = await make_person("known")
    for user_id in (other.user_id, uuid.uuid4()):  # one that exists, one that does not
        changed = await as_person(
            app, pilot, "PATCH", f"{ADMIN}/users/{user_id}", json={"disabled": True}
        )
        deleted = await as_person(app, pilot, "DELETE", f"{ADMIN}/users/{user_id}")
        assert (changed.status_code, deleted.status_code) == (403, 403)
