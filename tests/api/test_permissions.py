"""Every route that needs a permission × every kind of requester × read-only mode on and off.

The table below must name every route of the app except the public reads: a new route makes
`test_the_table_covers_every_route` fail until its expected answers are written down here.
"""

from __future__ import annotations

import io
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncConnection

from api.app import create_app
from api.core.settings import Settings
from api.core.task_runner import LocalTaskRunner
from api.models.community import Comment, Version
from api.state import state_of
from tests.api.conftest import PASSING_ANSWER, PASSWORD, AddAirport, MakePerson, Person

ROLES = ("anonymous", "unknown-unverified", "unknown-verified", "known", "disabled", "admin")

# Routes anyone may read, with no permission to check.
PUBLIC_READS = {
    ("GET", "/health"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/meta"),
    ("GET", "/api/v1/content-packs"),
    ("GET", "/api/v1/airports.geojson"),
    ("GET", "/api/v1/tiles/airports/{z}/{x}/{y}.mvt"),
    ("GET", "/api/v1/airports"),
    ("GET", "/api/v1/airports/search"),
    ("GET", "/api/v1/airports/{code}"),
    ("GET", "/api/v1/airports/{code}/history"),
    ("GET", "/api/v1/airports/{code}/comments"),
    ("GET", "/api/v1/leaderboard"),
    ("GET", "/api/v1/airports/{code}/events"),
    ("GET", "/api/v1/events"),
    ("GET", "/api/v1/changes"),
    ("GET", "/api/v1/exports"),
    ("GET", "/api/v1/offline-packs"),
    ("GET", "/api/v1/airports/{code}/events.ics"),
    ("GET", "/api/v1/airports/{code}/events/{event_id}.ics"),
    ("GET", "/api/v1/users/{user_id}"),
    ("GET", "/api/v1/airports/{code}/versions/{version_id}"),
    ("GET", "/api/v1/docs"),
    ("GET", "/assets/{key:path}"),
    ("GET", "/robots.txt"),
    ("GET", "/sitemap.xml"),
    ("GET", "/sitemaps/pages.xml"),
    ("GET", "/sitemaps/airports-{number}.xml"),
    ("GET", "/docs/oauth2-redirect"),
}


@dataclass(frozen=True)
class Case:
    """A route, a body to send, and the expected status of each role (read-only off, on)."""

    method: str
    path: str
    body: Callable[[Person, dict[str, Any]], Any] | None
    expected: dict[str, int]
    read_only: dict[str, int] | None = None  # None: the same as `expected`
    files: Callable[[], dict[str, Any]] | None = None  # a multipart upload instead of JSON


def only(**statuses: int) -> dict[str, int]:
    """Statuses by role, ``_`` standing for the dash of role names; missing roles are 401/403."""
    default = {"anonymous": 401, "unknown-unverified": 401, "unknown-verified": 401}
    default |= {"known": 403, "disabled": 403, "admin": 403}
    return default | {role.replace("_", "-"): status for role, status in statuses.items()}


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int) -> dict[str, int]:
    """Allowed to signed-in users who are not disabled."""
    return only(known=status, admin=status)


def write_rule(status: int) -> dict[str, int]:
    """Community content: for the verified (the CAPTCHA is on here) who are not disabled."""
    return only(unknown_verified=status, known=status, admin=status) | {
        "anonymous": 403,
        "unknown-unverified": 403,
    }


def first_only(status: int) -> dict[str, int]:
    """The write rule on an item only the first allowed requester finds (then it is gone)."""
    return write_rule(status) | {"known": 404, "admin": 404}


ADMIN_ONLY = only(admin=200)


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 140, 60)).save(buffer, "PNG")
    return buffer.getvalue()


PHOTO = _photo()
UNIQUE = iter(range(1_000_000))


def fresh_email(person: Person, subjects: dict[str, Any]) -> str:
    return f"new-{next(UNIQUE)}@example.com"


# Each kind of requester edits its own field of PAE (all empty): no edit conflicts another.
FIELD_OF = dict(
    zip(ROLES, ["description", "transient_parking", "fuel_location", "landing_fees", "crew_car",
                "flying_clubs"], strict=True)
)  # fmt: skip
EMPTY_VERSION = "37a6259cc0c1dae2"  # the version of an empty field: md5 of JSON null

CASES = [
    # Community content: the write rule (verified, not disabled, not locked, not read-only).
    Case(
        "PATCH",
        "/api/v1/airports/{code}",
        lambda p, s: {FIELD_OF[p.role]: {"text": f"By {p.role}", "base": EMPTY_VERSION}},
        write_rule(200),
        everyone(503),
    ),
    Case(
        "PUT",
        "/api/v1/airports/{code}/tags/{name}",
        None,
        write_rule(204),
        everyone(503),
    ),
    Case(
        "DELETE",
        "/api/v1/airports/{code}/tags/{name}",
        None,
        # The tag is there for the first one allowed to remove it only.
        first_only(204),
        everyone(503),
    ),
    Case(
        "POST",
        "/api/v1/airports",
        lambda p, s: {"name": f"Strip of {p.role}", "latitude": 46.5, "longitude": -119.5},
        write_rule(201),
        everyone(503),
    ),
    Case(
        "POST",
        "/api/v1/airports/{code}/comments",
        lambda p, s: {"body": f"A comment by {p.role}"},
        write_rule(201),
        everyone(503),
    ),
    Case(
        "PUT",
        "/api/v1/comments/{comment_id}/helpful",
        None,
        write_rule(204),
        everyone(503),
    ),
    Case(
        "PUT",
        "/api/v1/comments/{comment_id}/outdated",
        None,
        write_rule(204),
        everyone(503),
    ),
    Case(
        "DELETE",
        "/api/v1/comments/{comment_id}/outdated",
        None,
        write_rule(204),
        everyone(503),
    ),
    # Counting a visit is not a change: anyone, read-only mode or not.
    Case("POST", "/api/v1/airports/{code}/views", None, everyone(204)),
    Case(
        "POST",
        "/api/v1/airports/{code}/webcams",
        lambda p, s: {"url": f"https://cams.example.com/{p.role}.jpg"},
        write_rule(204),
        everyone(503),
    ),
    Case(
        "DELETE",
        "/api/v1/airports/{code}/webcams/{webcam_id}",
        None,
        # The webcam is there for the first one allowed to remove it only.
        first_only(204),
        everyone(503),
    ),
    Case(
        "POST",
        "/api/v1/airports/{code}/photos",
        None,
        write_rule(201),
        everyone(503),
        files=lambda: {"file": ("ramp.png", PHOTO, "image/png")},
    ),
    Case(
        "POST",
        "/api/v1/airports/{code}/events",
        lambda p, s: {
            "name": f"Fly-in of {p.role}",
            "starts_at": "2030-06-06T08:00:00",
            "ends_at": "2030-06-06T11:00:00",
            "timezone": "America/Los_Angeles",
        },
        write_rule(201),
        everyone(503),
    ),
    Case(
        "PUT",
        "/api/v1/airports/{code}/events/{event_id}",
        lambda p, s: {
            "name": f"Fly-in, as {p.role} has it",
            "starts_at": "2030-06-06T08:00:00",
            "ends_at": "2030-06-06T11:00:00",
            "timezone": "America/Los_Angeles",
        },
        write_rule(200),
        everyone(503),
    ),
    Case(
        "DELETE",
        "/api/v1/airports/{code}/events/{event_id}",
        None,
        # The event is there for the first one allowed to remove it only.
        first_only(204),
        everyone(503),
    ),
    # Accounts
    Case(
        "POST",
        "/api/v1/users",
        lambda p, s: {
            "email": fresh_email(p, s),
            "password": "a long enough password",
            "captcha_token": PASSING_ANSWER,
        },
        everyone(202) | {"known": 403, "disabled": 403, "admin": 403},
        everyone(503),
    ),
    Case(
        "POST",
        "/api/v1/users/confirmation",
        lambda p, s: {"token": "x"},
        everyone(400),
        everyone(503),
    ),
    Case(
        "POST",
        "/api/v1/users/confirmation/resend",
        lambda p, s: {"email": "somebody@example.com"},
        everyone(202),
        everyone(503),
    ),
    Case(
        "POST",
        "/api/v1/users/password-reset",
        lambda p, s: {"email": "somebody@example.com"},
        everyone(202),
        everyone(503),
    ),
    Case(
        "POST",
        "/api/v1/users/password",
        lambda p, s: {"token": "x", "password": "a long enough password"},
        everyone(400),
        everyone(503),
    ),
    Case(
        "POST",
        "/api/v1/sessions",
        lambda p, s: {"email": s["login_email"], "password": PASSWORD},
        everyone(200),
    ),
    Case("DELETE", "/api/v1/sessions/current", None, only(known=204, disabled=204, admin=204)),
    Case("GET", "/api/v1/users/me", None, signed_in(200)),
    Case("GET", "/api/v1/sessions/current", None, signed_in(200)),
    Case(
        "PATCH",
        "/api/v1/users/me",
        lambda p, s: {"timezone": "Europe/Paris"},
        signed_in(200),
        signed_in(503),
    ),
    Case(
        "DELETE",
        "/api/v1/users/me",
        lambda p, s: {"current_password": PASSWORD},
        signed_in(204),
        signed_in(503),
    ),
    Case(
        "POST",
        "/api/v1/users/me/tokens",
        lambda p, s: {"name": "x"},
        signed_in(201),
        signed_in(503),
    ),
    Case("GET", "/api/v1/users/me/tokens", None, signed_in(200)),
    Case("DELETE", "/api/v1/users/me/tokens/{token_id}", None, signed_in(404), signed_in(503)),
    Case(
        "POST",
        "/api/v1/users/verification",
        lambda p, s: {"token": PASSING_ANSWER},
        everyone(200) | {"disabled": 403},
        everyone(503) | {"disabled": 503},
    ),
    # Administration: administrators only, in read-only mode too.
    Case("GET", "/api/v1/admin/dashboard", None, ADMIN_ONLY),
    Case("PUT", "/api/v1/admin/read-only", lambda p, s: {"read_only": s["read_only"]}, ADMIN_ONLY),
    Case("GET", "/api/v1/admin/activity", None, ADMIN_ONLY),
    Case("GET", "/api/v1/admin/versions", None, ADMIN_ONLY),
    Case("POST", "/api/v1/admin/versions/{version_id}/revert", None, only(admin=201)),
    Case(
        "PATCH", "/api/v1/admin/versions/{version_id}", lambda p, s: {"reviewed": True}, ADMIN_ONLY
    ),
    Case("GET", "/api/v1/admin/users", None, ADMIN_ONLY),
    Case("GET", "/api/v1/admin/users/{user_id}", None, ADMIN_ONLY),
    Case("PATCH", "/api/v1/admin/users/{user_id}", lambda p, s: {"reviewed": True}, ADMIN_ONLY),
    Case("DELETE", "/api/v1/admin/users/{user_id}", None, only(admin=204)),
    Case("GET", "/api/v1/admin/users/{user_id}/activity", None, ADMIN_ONLY),
    Case("GET", "/api/v1/admin/users/{user_id}/analytics", None, ADMIN_ONLY),
    Case("GET", "/api/v1/admin/users/{user_id}/tokens", None, ADMIN_ONLY),
    Case(
        "PATCH",
        "/api/v1/admin/tokens/{token_id}",
        lambda p, s: {"read_limit_per_minute": 6000},
        ADMIN_ONLY,
    ),
    Case("GET", "/api/v1/admin/airports", None, ADMIN_ONLY),
    Case("GET", "/api/v1/admin/airports/{airport_id}", None, ADMIN_ONLY),
    Case("PATCH", "/api/v1/admin/airports/{airport_id}", lambda p, s: {"locked": True}, ADMIN_ONLY),
    Case("DELETE", "/api/v1/admin/airports/{airport_id}", None, only(admin=204)),
    Case("GET", "/api/v1/admin/airports/{airport_id}/analytics", None, ADMIN_ONLY),
    Case("GET", "/api/v1/admin/comments", None, ADMIN_ONLY),
    Case(
        "PATCH", "/api/v1/admin/comments/{comment_id}", lambda p, s: {"reviewed": True}, ADMIN_ONLY
    ),
    Case("DELETE", "/api/v1/admin/comments/{comment_id}", None, only(admin=204)),
    Case(
        "POST",
        "/api/v1/admin/importer/runs",
        lambda p, s: {"products": ["airports"], "dry_run": True},
        only(admin=202),
    ),
    Case("GET", "/api/v1/admin/importer/runs", None, ADMIN_ONLY),
    Case("DELETE", "/api/v1/admin/photos/{photo_id}", None, only(admin=204)),
    Case("DELETE", "/api/v1/admin/webcams/{webcam_id}", None, only(admin=204)),
    Case("GET", "/api/v1/admin/importer/runs/{run_id}", None, only(admin=404)),
]


def test_the_table_covers_every_route(settings: Settings) -> None:
    app = create_app(settings)
    routes = {
        (method, route.path)
        for route in iter_route_contexts(app.routes)
        for method in (route.methods or ())
        if method != "HEAD"
    }
    documented = {(case.method, case.path) for case in CASES}
    assert routes - PUBLIC_READS - documented == set(), "routes missing from the table"
    assert documented - routes == set(), "routes in the table that the app does not have"


@pytest.fixture
async def subjects(
    connection: AsyncConnection,
    make_person: MakePerson,
    add_airport: AddAirport,
) -> dict[str, Any]:
    """What the routes act on: a user, a user-added airport, a change and a comment."""
    subject = await make_person("known")
    login = await make_person("known")
    airport_id = await add_airport("X99")
    version_id = (
        await connection.execute(
            sa.insert(Version)
            .values(
                item_type="airport",
                item_id=airport_id,
                airport_id=airport_id,
                event="update",
                whodunnit_id=subject.user_id,
                object_changes={"description": [None, "Nice field"]},
            )
            .returning(Version.id)
        )
    ).scalar_one()
    await connection.execute(
        sa.text(
            "INSERT INTO tags (airport_id, name) "
            "SELECT id, 'camping' FROM airports WHERE code = 'PAE'"
        )
    )
    comment_id = (
        await connection.execute(
            sa.insert(Comment)
            .values(airport_id=airport_id, user_id=subject.user_id, body="Fuel is self-serve.")
            .returning(Comment.id)
        )
    ).scalar_one()
    return {
        "user_id": subject.user_id,
        "login_email": login.email,
        "airport_id": airport_id,
        "version_id": version_id,
        "comment_id": comment_id,
        # The subject's API token: no one but them may revoke it.
        "token_id": await connection.scalar(
            sa.text(
                "INSERT INTO api_tokens (user_id, name, token_hash, scopes)"
                " VALUES (:user_id, 'sync', :hash, ARRAY['read']) RETURNING id"
            ),
            {"user_id": subject.user_id, "hash": uuid.uuid4().bytes * 2},
        ),
        "run_id": uuid.uuid4(),
        "code": "PAE",
        "name": "camping",
        "photo_id": await connection.scalar(
            sa.text(
                "INSERT INTO photos (airport_id, source, storage_key, content_type, size_bytes,"
                " width, height) SELECT id, 'contributed', 'photos/x.jpg', 'image/jpeg', 1, 1, 1"
                " FROM airports WHERE code = 'PAE' RETURNING id"
            )
        ),
        "event_id": await connection.scalar(
            sa.text(
                "INSERT INTO events (airport_id, name, starts_at, ends_at, data_source) "
                "SELECT id, 'Fly-in', now() + interval '1 day', now() + interval '25 hours', "
                "'user_contributed' FROM airports WHERE code = 'PAE' RETURNING id"
            )
        ),
        "webcam_id": await connection.scalar(
            sa.text(
                "INSERT INTO webcams (airport_id, url) SELECT id, 'https://cams.example.com/a.jpg'"
                " FROM airports WHERE code = 'PAE' RETURNING id"
            )
        ),
    }


@pytest.mark.parametrize("read_only", [False, True], ids=["writable", "read-only"])
@pytest.mark.parametrize("case", CASES, ids=[f"{case.method} {case.path}" for case in CASES])
async def test_who_may_use_each_route(
    case: Case,
    read_only: bool,
    app: FastAPI,
    connection: AsyncConnection,
    make_person: MakePerson,
    subjects: dict[str, Any],
    siteverify: list[dict[str, list[str]]],
    tmp_path: Any,
) -> None:
    # Imports started here run a harmless command instead of the importer.
    state_of(app).task_runner = LocalTaskRunner(tmp_path, command_prefix=[sys.executable, "-c", ""])
    await connection.execute(sa.text("UPDATE site_settings SET read_only = :on"), {"on": read_only})
    subjects["read_only"] = read_only
    path = case.path.format(**subjects)
    answers = {}
    for role in ROLES:
        person = await make_person(role)
        async with person.client(app) as http:
            body = case.body(person, subjects) if case.body else None
            files = case.files() if case.files else None
            response = await http.request(case.method, path, json=body, files=files)
        answers[role] = response.status_code
        if response.status_code in (401, 403, 503):
            assert set(response.json()) >= {"error", "detail"}
    expected = case.read_only if read_only and case.read_only else case.expected
    assert answers == expected
