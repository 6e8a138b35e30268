"""Accounts: registration, sessions with CSRF, lockout, API tokens."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

EMAIL = "pilot@example.com"
PASSWORD = "correct horse battery"
LOGIN_FAILED = (
    "The email or password is wrong, or the account is locked (reset the password to unlock it)."
)


async def register(client: httpx.AsyncClient, email: str = EMAIL, **extra: str) -> httpx.Response:
    return await client.post("/api/v1/users", json={"email": email, "password": PASSWORD, **extra})


async def login(client: httpx.AsyncClient, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/api/v1/sessions", json={"email": EMAIL, "password": password})


async def signed_in(client: httpx.AsyncClient) -> str:
    assert (await register(client, display_name="Maverick")).status_code == 202
    response = await login(client)
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


async def test_a_new_account_signs_in_with_a_session_cookie(client: httpx.AsyncClient) -> None:
    response = await register(client, display_name="Maverick")
    assert response.status_code == 202
    assert "detail" in response.json()

    response = await login(client)
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("pirep_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    body = response.json()
    assert body["user"]["email"] == EMAIL
    assert body["user"]["display_name"] == "Maverick"
    assert body["user"]["role"] == "known"
    assert len(body["csrf_token"]) == 64

    me = await client.get("/api/v1/users/me")
    assert me.status_code == 200
    assert me.json()["email"] == EMAIL


async def test_a_page_reload_gets_the_session_and_its_csrf_token_back(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    nobody = await client.get("/api/v1/sessions/current")
    assert nobody.status_code == 401
    assert nobody.json()["error"] == "Unauthorized"

    csrf = await signed_in(client)
    current = await client.get("/api/v1/sessions/current")
    assert current.status_code == 200
    assert current.json()["csrf_token"] == csrf
    assert current.json()["user"]["email"] == EMAIL

    # An API token is not a browser session: there is no CSRF token to give.
    created = await client.post(
        "/api/v1/users/me/tokens",
        json={"name": "t", "scopes": ["read"]},
        headers={"X-CSRF-Token": csrf},
    )
    bearer = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")
    async with bearer:
        answer = await bearer.get(
            "/api/v1/sessions/current",
            headers={"Authorization": f"Bearer {created.json()['token']}"},
        )
    assert answer.status_code == 401
    assert answer.json()["detail"] == "There is no browser session: sign in."


async def test_registration_does_not_reveal_a_taken_email(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    first = await register(client)
    second = await client.post(
        "/api/v1/users", json={"email": EMAIL.upper(), "password": "another password 1"}
    )
    assert second.status_code == first.status_code == 202
    assert second.json() == first.json()
    count = await connection.scalar(
        sa.text("SELECT count(*) FROM users WHERE lower(email) = :e"), {"e": EMAIL}
    )
    assert count == 1
    assert (await login(client)).status_code == 200


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    client: httpx.AsyncClient,
) -> None:
    await register(client)
    wrong = await login(client, "not the password")
    unknown = await client.post(
        "/api/v1/sessions", json={"email": "nobody@example.com", "password": PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"error": "Unauthorized", "detail": LOGIN_FAILED}
    assert "set-cookie" not in wrong.headers


async def test_ten_failed_logins_lock_the_account(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    await register(client)
    for _ in range(10):
        assert (await login(client, "guessing wrong")).status_code == 401
    locked = await connection.scalar(
        sa.text("SELECT locked_at IS NOT NULL FROM users WHERE email = :e"), {"e": EMAIL}
    )
    assert locked is True
    assert (await login(client)).status_code == 401


async def test_a_successful_login_resets_the_failure_count(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    await register(client)
    for _ in range(3):
        await login(client, "guessing wrong")
    assert (await login(client)).status_code == 200
    failures = await connection.scalar(
        sa.text("SELECT failed_attempts FROM users WHERE email = :e"), {"e": EMAIL}
    )
    assert failures == 0


async def test_cookie_writes_need_the_csrf_token(client: httpx.AsyncClient) -> None:
    csrf = await signed_in(client)

    refused = await client.delete("/api/v1/sessions/current")
    assert refused.status_code == 403
    assert "X-CSRF-Token" in refused.json()["detail"]
    wrong = await client.delete("/api/v1/sessions/current", headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403

    done = await client.delete("/api/v1/sessions/current", headers={"X-CSRF-Token": csrf})
    assert done.status_code == 204
    assert (await client.get("/api/v1/users/me")).status_code == 401


async def test_api_tokens_are_shown_once_scoped_and_revoked_at_once(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    csrf = await signed_in(client)
    created = await client.post(
        "/api/v1/users/me/tokens",
        json={"name": "flight planner", "scopes": ["read"]},
        headers={"X-CSRF-Token": csrf},
    )
    assert created.status_code == 201
    token = created.json()["token"]
    assert token.startswith("pirep_")
    listed = (await client.get("/api/v1/users/me/tokens")).json()
    assert [item["name"] for item in listed] == ["flight planner"]
    assert "token" not in listed[0]

    # A client of its own: no session cookie, only the token.
    bearer = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")
    async with bearer:
        auth = {"Authorization": f"Bearer {token}"}
        me = await bearer.get("/api/v1/users/me", headers=auth)
        assert me.status_code == 200
        assert me.json()["email"] == EMAIL
        # A read-only token may not write, and no token manages tokens.
        write = await bearer.delete("/api/v1/sessions/current", headers=auth)
        assert write.status_code == 403
        assert (await bearer.get("/api/v1/users/me/tokens", headers=auth)).status_code == 403

        revoked = await client.delete(
            f"/api/v1/users/me/tokens/{created.json()['id']}", headers={"X-CSRF-Token": csrf}
        )
        assert revoked.status_code == 204
        after = await bearer.get("/api/v1/users/me", headers=auth)
        assert after.status_code == 401
        assert after.json()["detail"] == "The API token is unknown, expired or revoked."


async def test_malformed_credentials_are_refused_clearly(client: httpx.AsyncClient) -> None:
    short = await client.post("/api/v1/users", json={"email": EMAIL, "password": "short"})
    assert short.status_code == 422
    assert [field["field"] for field in short.json()["fields"]] == ["password"]
    bad_email = await client.post("/api/v1/users", json={"email": "nope", "password": PASSWORD})
    assert [field["field"] for field in bad_email.json()["fields"]] == ["email"]
    basic = await client.get("/api/v1/users/me", headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401
    assert (await client.get("/api/v1/users/me")).status_code == 401


async def test_a_disabled_account_is_refused(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    await signed_in(client)
    await connection.execute(
        sa.text("UPDATE users SET disabled_at = now() WHERE email = :e"), {"e": EMAIL}
    )
    response = await client.get("/api/v1/users/me")
    assert response.status_code == 403
    assert response.json()["detail"] == "This account is disabled."


async def test_a_new_password_signs_out_every_other_session(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    csrf = await signed_in(client)
    other = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")
    async with other:
        assert (await login(other)).status_code == 200
        assert (await other.get("/api/v1/users/me")).status_code == 200

        wrong = await client.patch(
            "/api/v1/users/me",
            json={"current_password": "not it at all", "password": "a brand new password"},
            headers={"X-CSRF-Token": csrf},
        )
        assert wrong.status_code == 403
        assert (await other.get("/api/v1/users/me")).status_code == 200

        changed = await client.patch(
            "/api/v1/users/me",
            json={"current_password": PASSWORD, "password": "a brand new password"},
            headers={"X-CSRF-Token": csrf},
        )
        assert changed.status_code == 200
        assert (await other.get("/api/v1/users/me")).status_code == 401
    assert (await client.get("/api/v1/users/me")).status_code == 200
    assert (await login(client)).status_code == 401
    assert (await login(client, "a brand new password")).status_code == 200


async def test_display_name_and_time_zone(client: httpx.AsyncClient) -> None:
    await register(client, "other@example.com", display_name="Goose")
    csrf = await signed_in(client)
    headers = {"X-CSRF-Token": csrf}

    taken = await client.patch("/api/v1/users/me", json={"display_name": "goose"}, headers=headers)
    assert taken.status_code == 409
    assert taken.json()["error"] == "Conflict"
    bad_zone = await client.patch(
        "/api/v1/users/me", json={"timezone": "Mars/Olympus"}, headers=headers
    )
    assert bad_zone.status_code == 422
    assert bad_zone.json()["fields"][0]["field"] == "timezone"

    done = await client.patch(
        "/api/v1/users/me",
        json={"display_name": "Iceman", "timezone": "America/Los_Angeles"},
        headers=headers,
    )
    assert done.status_code == 200
    assert (done.json()["display_name"], done.json()["timezone"]) == (
        "Iceman",
        "America/Los_Angeles",
    )


async def test_deleting_the_account_needs_the_password(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    csrf = await signed_in(client)
    headers = {"X-CSRF-Token": csrf}
    refused = await client.request(
        "DELETE", "/api/v1/users/me", json={"current_password": "wrong one"}, headers=headers
    )
    assert refused.status_code == 403
    deleted = await client.request(
        "DELETE", "/api/v1/users/me", json={"current_password": PASSWORD}, headers=headers
    )
    assert deleted.status_code == 204
    remaining = await connection.scalar(
        sa.text("SELECT count(*) FROM users WHERE email = :e"), {"e": EMAIL}
    )
    assert remaining == 0
    assert (await client.get("/api/v1/users/me")).status_code == 401
    assert (await login(client)).status_code == 401
