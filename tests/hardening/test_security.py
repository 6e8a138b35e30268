"""The ASVS 4.0.3 level 2 items of docs/security.md that no other test proves: passwords,
session life, CSRF and the bearer header, access to other users' things and to
administration, caching of private answers, CORS."""

from __future__ import annotations

import hashlib
import re
import uuid

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy.ext.asyncio import AsyncConnection

from api.core import tokens
from api.dependencies import CSRF_HEADER, SESSION_COOKIE
from api.state import state_of
from tests.api import conftest as api_tests
from tests.api.conftest import PASSWORD, MakePerson, Person

# The API tests' fixtures: the app on the sample database, people of every role.
api_settings = api_tests.api_settings
sample_database = api_tests.sample_database
engine = api_tests.engine
settings = api_tests.settings
app = api_tests.app
client = api_tests.client
password_hash = api_tests.password_hash
make_person = api_tests.make_person


async def sign_in(app: FastAPI, person: Person, password: str = PASSWORD) -> httpx.Response:
    """Sign ``person`` in through the API from their own browser (cookies kept)."""
    async with person.client(app) as http:
        return await http.post(
            "/api/v1/sessions", json={"email": person.email, "password": password}
        )


def cookie_of(response: httpx.Response) -> str:
    match = re.match(rf"{SESSION_COOKIE}=([^;]+)", response.headers["set-cookie"])
    assert match, response.headers.get("set-cookie")
    return match.group(1)


async def me(app: FastAPI, cookie: str) -> int:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://test", cookies={SESSION_COOKIE: cookie}
    ) as http:
        return (await http.get("/api/v1/users/me")).status_code


# --- V2 authentication ---------------------------------------------------------------------


async def test_passwords_take_12_to_128_characters_of_any_kind_and_are_not_truncated(
    client: httpx.AsyncClient,
) -> None:
    async def register(email: str, password: str) -> int:
        answer = await client.post("/api/v1/users", json={"email": email, "password": password})
        return answer.status_code

    assert await register("eleven@example.com", "x" * 11) == 422
    assert await register("twelve@example.com", "x" * 12) == 202
    assert await register("long@example.com", "y" * 128) == 202
    assert await register("too-long@example.com", "y" * 129) == 422
    unicode = "✈️ piste 34L — très longue 滑走路"
    assert await register("unicode@example.com", unicode) == 202

    async def login(email: str, password: str) -> int:
        answer = await client.post("/api/v1/sessions", json={"email": email, "password": password})
        return answer.status_code

    assert await login("unicode@example.com", unicode) == 200
    assert await login("long@example.com", "y" * 128) == 200
    assert await login("long@example.com", "y" * 127 + "z") == 401  # every character counts
    assert await login("twelve@example.com", "x" * 12 + " ") == 401  # nor trimmed


async def test_passwords_are_stored_as_argon2id_with_at_least_owasp_parameters(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    password = "correct horse battery"
    await client.post("/api/v1/users", json={"email": "hash@example.com", "password": password})
    stored = await connection.scalar(
        sa.text("SELECT password_hash FROM users WHERE email = 'hash@example.com'")
    )
    match = re.fullmatch(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([^$]+)\$([^$]+)", stored)
    assert match, stored
    memory_kib, passes = int(match.group(1)), int(match.group(2))
    assert memory_kib >= 19 * 1024
    assert passes >= 2
    assert len(match.group(4)) >= 16  # base64 of a salt of at least 96 bits
    assert password not in stored


async def test_the_lockout_follows_max_failed_logins_and_answers_like_a_wrong_password(
    app: FastAPI, make_person: MakePerson
) -> None:
    state_of(app).settings = state_of(app).settings.model_copy(update={"max_failed_logins": 3})
    pilot = await make_person("known")
    wrong = [await sign_in(app, pilot, "not the password at all") for _ in range(3)]
    right = await sign_in(app, pilot)
    assert [answer.status_code for answer in wrong] == [401, 401, 401]
    assert right.status_code == 401  # locked now: the right password does not open it
    assert right.json() == wrong[0].json()  # and the answer does not say so


# --- V3 sessions ---------------------------------------------------------------------------


async def test_the_session_cookie_is_secure_httponly_and_samesite_in_production(
    app: FastAPI, make_person: MakePerson
) -> None:
    state_of(app).settings = state_of(app).settings.model_copy(update={"environment": "production"})
    pilot = await make_person("known")
    answer = await sign_in(app, pilot)
    assert answer.status_code == 200, answer.text
    flags = {part.strip().lower() for part in answer.headers["set-cookie"].split(";")[1:]}
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= flags
    assert "max-age=2592000" in flags  # PIREP_SESSION_DAYS, 30 by default
    assert not any(flag.startswith("domain=") for flag in flags)  # this host only


async def test_a_sign_in_makes_a_new_session_and_ends_the_one_the_browser_held(
    app: FastAPI, make_person: MakePerson
) -> None:
    pilot = await make_person("known")
    held = pilot.cookies[SESSION_COOKIE]  # e.g. one planted by someone else (fixation)
    assert await me(app, held) == 200
    answer = await sign_in(app, pilot)
    assert answer.status_code == 200
    fresh = cookie_of(answer)
    assert fresh != held
    assert answer.json()["csrf_token"] != tokens.csrf_token(held)
    assert await me(app, fresh) == 200
    assert await me(app, held) == 401


async def test_session_tokens_carry_256_bits_and_only_their_hash_is_stored(
    app: FastAPI, make_person: MakePerson, connection: AsyncConnection
) -> None:
    pilot = await make_person("known")
    first, second = [cookie_of(await sign_in(app, pilot)) for _ in range(2)]
    assert first != second
    for token in (first, second):
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # 32 random bytes, base64url
        stored = await connection.scalar(
            sa.text("SELECT token_hash FROM sessions WHERE token_hash = :hash"),
            {"hash": hashlib.sha256(token.encode()).digest()},
        )
        assert stored is not None
    found = await connection.scalar(
        sa.text("SELECT count(*) FROM sessions WHERE encode(token_hash, 'escape') LIKE :token"),
        {"token": f"%{first}%"},
    )
    assert found == 0


async def test_signing_out_ends_the_session_on_the_server(
    app: FastAPI, make_person: MakePerson
) -> None:
    pilot = await make_person("known")
    cookie = pilot.cookies[SESSION_COOKIE]
    async with pilot.client(app) as http:
        assert (await http.delete("/api/v1/sessions/current")).status_code == 204
    # The cookie sent again as it was (a copy kept by an attacker) opens nothing.
    assert await me(app, cookie) == 401


async def test_an_expired_session_is_refused(
    app: FastAPI, make_person: MakePerson, connection: AsyncConnection
) -> None:
    pilot = await make_person("known")
    await connection.execute(
        sa.text("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = :u"),
        {"u": pilot.user_id},
    )
    assert await me(app, pilot.cookies[SESSION_COOKIE]) == 401


# --- V4 access control, V13 API ------------------------------------------------------------


async def test_cookie_writes_without_the_csrf_header_are_refused_whatever_their_body(
    app: FastAPI, make_person: MakePerson
) -> None:
    pilot = await make_person("known")
    cookie_only = {SESSION_COOKIE: pilot.cookies[SESSION_COOKIE]}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app, client=(pilot.address, 4000)),
        base_url="http://test",
        cookies=cookie_only,
    ) as browser:
        # What a cross-site form or a "simple" fetch can send: no custom header.
        form = await browser.post("/api/v1/users/me/tokens", data={"name": "stolen"})
        text = await browser.post(
            "/api/v1/users/me/tokens",
            content=b'{"name": "stolen", "scopes": ["write"]}',
            headers={"content-type": "text/plain"},
        )
        # A bearer header that is empty or unknown does not fall back to the cookie.
        empty = await browser.post(
            "/api/v1/users/me/tokens", json={"name": "stolen"}, headers={"authorization": "Bearer "}
        )
        unknown = await browser.post(
            "/api/v1/users/me/tokens",
            json={"name": "stolen"},
            headers={"authorization": "Bearer pirep_forged"},
        )
        # JSON sent as text/plain is not read as JSON, even with the CSRF header.
        plain = await browser.post(
            "/api/v1/users/me/tokens",
            content=b'{"name": "stolen"}',
            headers={"content-type": "text/plain", CSRF_HEADER: pilot.headers[CSRF_HEADER]},
        )
        listed = await browser.get("/api/v1/users/me/tokens")
    assert form.status_code == 403
    assert text.status_code == 403
    assert empty.status_code == 401
    assert unknown.status_code == 401
    assert plain.status_code == 422
    assert listed.json() == []


async def test_another_users_api_token_can_be_neither_seen_nor_revoked(
    app: FastAPI, make_person: MakePerson
) -> None:
    owner, other = await make_person("known"), await make_person("known")
    async with owner.client(app) as http:
        created = await http.post(
            "/api/v1/users/me/tokens", json={"name": "planner", "scopes": ["read", "write"]}
        )
    token_id, token = created.json()["id"], created.json()["token"]
    async with other.client(app) as http:
        revoke = await http.delete(f"/api/v1/users/me/tokens/{token_id}")
        listed = await http.get("/api/v1/users/me/tokens")
    assert revoke.status_code == 404  # the same answer as for a token that does not exist
    assert listed.json() == []
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://test"
    ) as bearer:
        still = await bearer.get("/api/v1/users/me", headers={"authorization": f"Bearer {token}"})
    assert still.status_code == 200
    assert still.json()["id"] == str(owner.user_id)


def admin_routes(app: FastAPI, user_id: uuid.UUID) -> list[tuple[str, str]]:
    """(method, path) of every administration route, its user ids filled in with one that
    exists (so that only the requester can be refused), other parameters with new ids."""
    found = []
    for route in iter_route_contexts(app.routes):
        if route.path.startswith("/api/v1/admin"):
            path = route.path.replace("{user_id}", str(user_id))
            path = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
            found += [(method, path) for method in sorted(route.methods or ())]
    return found


async def test_no_administration_route_answers_anyone_but_an_administrator(
    app: FastAPI, make_person: MakePerson
) -> None:
    target = await make_person("known")
    assert target.user_id is not None
    routes = admin_routes(app, target.user_id)
    assert len(routes) > 20
    wrong = []
    for role, refusal in (("anonymous", 401), ("known", 403), ("disabled", 403)):
        person = await make_person(role)
        async with person.client(app) as http:
            for method, path in routes:
                answer = await http.request(method, path, json={})
                # An unsafe route may find the body invalid before it asks who sends it.
                expected = {refusal} if method == "GET" else {refusal, 422}
                if answer.status_code not in expected or not answer.json()["error"]:
                    wrong.append((role, method, path, answer.status_code))
    assert wrong == []


# --- V8 data protection, V14 configuration -------------------------------------------------


async def test_private_answers_are_not_stored_by_browsers_or_caches(
    app: FastAPI, make_person: MakePerson
) -> None:
    pilot, admin = await make_person("known"), await make_person("admin")
    async with pilot.client(app) as http:
        answers = [
            await http.get("/api/v1/users/me"),
            await http.get("/api/v1/users/me/tokens"),
            await http.get("/api/v1/sessions/current"),
        ]
    answers.append(await sign_in(app, pilot))
    async with admin.client(app) as http:
        answers.append(await http.get("/api/v1/admin/dashboard"))
    for answer in answers:
        assert answer.status_code == 200, answer.request.url
        assert answer.headers["cache-control"] == "no-store", answer.request.url


async def test_other_sites_read_anonymously_and_nothing_more(
    client: httpx.AsyncClient,
) -> None:
    other = {"origin": "https://club.example"}
    # An anonymous read is shared with any site, without credentials.
    simple = await client.get("/api/v1/airports/PAE", headers=other)
    assert simple.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in simple.headers
    assert "ETag" in simple.headers["access-control-expose-headers"]
    readable = await client.options(
        "/api/v1/airports/PAE",
        headers={
            **other,
            "access-control-request-method": "GET",
            "access-control-request-headers": "If-None-Match",
        },
    )
    assert readable.status_code == 204
    assert readable.headers["access-control-allow-origin"] == "*"
    assert readable.headers["access-control-allow-methods"] == "GET, HEAD"
    # Not a request with a cookie or a token, not a write, not the pages of the site.
    refused = [
        await client.get("/api/v1/meta", headers={**other, "cookie": "pirep_session=x"}),
        await client.get("/api/v1/meta", headers={**other, "authorization": "Bearer x"}),
        await client.options(
            "/api/v1/sessions", headers={**other, "access-control-request-method": "POST"}
        ),
        await client.options(
            "/api/v1/meta",
            headers={
                **other,
                "access-control-request-method": "GET",
                "access-control-request-headers": "authorization",
            },
        ),
        await client.get("/airports/PAE", headers=other),
    ]
    for answer in refused:
        assert "access-control-allow-origin" not in answer.headers, answer.request.url
        assert "access-control-allow-credentials" not in answer.headers
    assert [answer.status_code for answer in refused[2:4]] == [405, 405]
