"""Writing without an account: the per-address user and its one-time CAPTCHA check."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from api.core.captcha import TurnstileClient
from api.state import state_of
from tests.api.conftest import PASSING_ANSWER


async def users_of(connection: AsyncConnection, address: str) -> int:
    return int(
        await connection.scalar(
            sa.text("SELECT count(*) FROM users WHERE ip_address = CAST(:ip AS inet)"),
            {"ip": address},
        )
        or 0
    )


async def test_an_anonymous_writer_is_verified_once_per_address(
    app: FastAPI, siteverify: list[dict[str, list[str]]], connection: AsyncConnection
) -> None:
    transport = httpx.ASGITransport(app, client=("198.51.100.8", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        refused = await http.post("/api/v1/users/verification", json={"token": "a bot's try"})
        assert refused.status_code == 403
        accepted = await http.post("/api/v1/users/verification", json={"token": PASSING_ANSWER})
    assert accepted.status_code == 200
    body = accepted.json()
    assert (body["role"], body["verified"], body["email"]) == ("unknown", True, None)
    # One user for the address, whatever the number of attempts.
    assert await users_of(connection, "198.51.100.8") == 1
    assert siteverify[-1]["secret"] == ["test-secret"]
    assert siteverify[-1]["remoteip"] == ["198.51.100.8"]


async def test_an_unreachable_captcha_service_is_a_503(app: FastAPI) -> None:
    state_of(app).captcha = TurnstileClient("secret", "http://127.0.0.1:1/siteverify")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        response = await http.post("/api/v1/users/verification", json={"token": "anything"})
    assert response.status_code == 503
    assert response.json()["detail"] == (
        "The CAPTCHA could not be checked just now; try again in a moment."
    )


async def test_without_captcha_keys_verification_is_switched_off(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/api/v1/users/verification", json={"token": "anything"})
    assert response.status_code == 200
    assert response.json()["verified"] is True


def test_production_settings_refuse_to_start_without_captcha_keys(settings) -> None:  # type: ignore[no-untyped-def]
    from pydantic import ValidationError

    from api.core.settings import Settings

    with pytest.raises(ValidationError, match="PIREP_TURNSTILE_SITE_KEY"):
        Settings(environment="production", database_url=settings.database_url)
    Settings(
        environment="production",
        database_url=settings.database_url,
        turnstile_site_key="site",
        turnstile_secret_key="secret",
    )


async def test_signing_up_needs_the_captcha_when_there_is_one(
    client: httpx.AsyncClient, siteverify: list[dict[str, list[str]]], connection: AsyncConnection
) -> None:
    account = {"email": "newcomer@example.com", "password": "a long enough password"}
    without = await client.post("/api/v1/users", json=account)
    wrong = await client.post("/api/v1/users", json={**account, "captcha_token": "a bot's try"})
    assert (without.status_code, wrong.status_code) == (403, 403)
    assert without.json()["detail"] == "The CAPTCHA answer was not accepted; try again."
    count = "SELECT count(*) FROM users WHERE email = 'newcomer@example.com'"
    assert await connection.scalar(sa.text(count)) == 0

    passed = await client.post("/api/v1/users", json={**account, "captcha_token": PASSING_ANSWER})
    assert passed.status_code == 202
    assert await connection.scalar(sa.text(count)) == 1


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("turnstile_secret_key", "REPLACE_ME"),
        ("turnstile_site_key", "change-me"),
        ("smtp_password", "TODO"),
        ("sentry_dsn", "<sentry dsn>"),
        ("maxmind_license_key", "xxxxxxxx"),
        ("database_url", "postgresql://pirep:REPLACE_ME@db.internal:5432/pirep"),
    ],
)
def test_production_refuses_placeholder_secrets(setting: str, value: str) -> None:
    from pydantic import ValidationError

    from api.core.settings import Settings

    keys = {"turnstile_site_key": "0x4AAAAAAA", "turnstile_secret_key": "0x4AAAAAAB"}
    database = "postgresql://pirep:Zq8wLkP2@db.internal:5432/pirep"
    Settings(environment="production", database_url=database, **keys)  # real values start
    with pytest.raises(ValidationError, match="placeholder"):
        Settings(environment="production", **{"database_url": database, **keys, setting: value})
    # Development takes anything.
    Settings(environment="development", **{"database_url": database, **keys, setting: value})


def test_an_empty_optional_credential_is_off() -> None:
    from api.core.settings import Settings

    keys = {"turnstile_site_key": "0x4AAAAAAA", "turnstile_secret_key": "0x4AAAAAAB"}
    settings = Settings(environment="production", sentry_dsn="", maxmind_license_key=" ", **keys)
    assert (settings.sentry_dsn, settings.maxmind_license_key) == (None, None)
