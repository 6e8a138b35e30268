"""Mailed flows through a real local SMTP server: confirmation and password reset."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from api.core.embedded_pg import find_free_port
from api.core.mail import Mailer
from api.state import state_of

EMAIL = "pilot@example.com"
PASSWORD = "correct horse battery"


def text(message: Message) -> str:
    """The decoded body of a plain-text mail."""
    assert isinstance(message, EmailMessage)
    return str(message.get_content())


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def token(self, index: int = -1) -> str:
        body = text(self.messages[index])
        match = re.search(r"token=([\w-]+)", body)
        assert match, body
        return match.group(1)


@pytest.fixture
def inbox(app: FastAPI) -> Iterator[Inbox]:
    handler = Inbox()
    port = find_free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    state_of(app).mailer = Mailer(
        host="127.0.0.1",
        port=port,
        username=None,
        password=None,
        starttls=False,
        sender="Pirep <no-reply@pirep.io>",
    )
    yield handler
    controller.stop()


async def test_registration_mails_a_link_that_confirms_the_address(
    client: httpx.AsyncClient, inbox: Inbox
) -> None:
    response = await client.post("/api/v1/users", json={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 202
    [mail] = inbox.messages
    assert mail["To"] == EMAIL
    assert mail["Subject"] == "Confirm your Pirep account"
    assert "http://localhost:8000/confirm-email?token=" in text(mail)

    confirmed = await client.post("/api/v1/users/confirmation", json={"token": inbox.token()})
    assert confirmed.status_code == 200
    assert confirmed.json()["confirmed"] is True
    again = await client.post("/api/v1/users/confirmation", json={"token": inbox.token()})
    assert again.status_code == 400
    assert again.json()["error"] == "BadRequest"


async def test_a_taken_address_gets_a_notice_not_a_second_account(
    client: httpx.AsyncClient, inbox: Inbox
) -> None:
    await client.post("/api/v1/users", json={"email": EMAIL, "password": PASSWORD})
    second = await client.post(
        "/api/v1/users", json={"email": EMAIL, "password": "another password"}
    )
    assert second.status_code == 202
    assert [mail["Subject"] for mail in inbox.messages] == [
        "Confirm your Pirep account",
        "Someone tried to sign up with your address",
    ]


async def test_a_password_reset_unlocks_and_signs_out_everywhere(
    client: httpx.AsyncClient, inbox: Inbox, connection: AsyncConnection
) -> None:
    await client.post("/api/v1/users", json={"email": EMAIL, "password": PASSWORD})
    login = {"email": EMAIL, "password": PASSWORD}
    assert (await client.post("/api/v1/sessions", json=login)).status_code == 200
    for _ in range(10):
        await client.post("/api/v1/sessions", json={"email": EMAIL, "password": "wrong guess"})
    assert (await client.post("/api/v1/sessions", json=login)).status_code == 401

    unknown = await client.post("/api/v1/users/password-reset", json={"email": "no@example.com"})
    asked = await client.post("/api/v1/users/password-reset", json={"email": EMAIL})
    assert unknown.status_code == asked.status_code == 202
    assert unknown.json() == asked.json()
    assert inbox.messages[-1]["Subject"] == "Set a new Pirep password"
    assert len(inbox.messages) == 2  # confirmation + reset; nothing for the unknown address

    reset = await client.post(
        "/api/v1/users/password", json={"token": inbox.token(), "password": "a fresh password"}
    )
    assert reset.status_code == 204
    # Every session ended, the account is unlocked and takes the new password only.
    assert (await client.get("/api/v1/users/me")).status_code == 401
    assert (await client.post("/api/v1/sessions", json=login)).status_code == 401
    fresh = {"email": EMAIL, "password": "a fresh password"}
    assert (await client.post("/api/v1/sessions", json=fresh)).status_code == 200
    reused = await client.post(
        "/api/v1/users/password", json={"token": inbox.token(), "password": "yet another one"}
    )
    assert reused.status_code == 400


async def test_an_expired_reset_link_is_refused(
    client: httpx.AsyncClient, inbox: Inbox, connection: AsyncConnection
) -> None:
    await client.post("/api/v1/users", json={"email": EMAIL, "password": PASSWORD})
    await client.post("/api/v1/users/password-reset", json={"email": EMAIL})
    await connection.execute(
        sa.text("UPDATE user_tokens SET expires_at = now() - interval '1 minute'")
    )
    response = await client.post(
        "/api/v1/users/password", json={"token": inbox.token(), "password": "a fresh password"}
    )
    assert response.status_code == 400
    assert "expired" in response.json()["detail"]


async def test_an_unconfirmed_account_signs_in_for_three_days_only(
    client: httpx.AsyncClient, inbox: Inbox, connection: AsyncConnection
) -> None:
    await client.post("/api/v1/users", json={"email": EMAIL, "password": PASSWORD})
    login = {"email": EMAIL, "password": PASSWORD}
    assert (await client.post("/api/v1/sessions", json=login)).status_code == 200
    await connection.execute(
        sa.text("UPDATE users SET created_at = now() - interval '4 days' WHERE email = :e"),
        {"e": EMAIL},
    )
    late = await client.post("/api/v1/sessions", json=login)
    assert late.status_code == 403
    assert "Confirm your email address first" in late.json()["detail"]

    resent = await client.post("/api/v1/users/confirmation/resend", json={"email": EMAIL})
    assert resent.status_code == 202
    await client.post("/api/v1/users/confirmation", json={"token": inbox.token()})
    assert (await client.post("/api/v1/sessions", json=login)).status_code == 200


async def test_without_smtp_the_mail_goes_to_the_log(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="api.mail"):
        await client.post("/api/v1/users", json={"email": EMAIL, "password": PASSWORD})
    assert any("confirm-email?token=" in message for message in caplog.messages)


async def test_a_new_address_takes_effect_once_its_link_is_opened(
    client: httpx.AsyncClient, inbox: Inbox
) -> None:
    await client.post("/api/v1/users", json={"email": EMAIL, "password": PASSWORD})
    await client.post("/api/v1/users/confirmation", json={"token": inbox.token()})
    await client.post("/api/v1/users", json={"email": "taken@example.com", "password": PASSWORD})
    login = await client.post("/api/v1/sessions", json={"email": EMAIL, "password": PASSWORD})
    csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
    new = "new-address@example.com"
    sent = len(inbox.messages)

    wrong = await client.patch(
        "/api/v1/users/me", json={"email": new, "current_password": "not it"}, headers=csrf
    )
    assert wrong.status_code == 403
    asked = await client.patch(
        "/api/v1/users/me", json={"email": new, "current_password": PASSWORD}, headers=csrf
    )
    assert asked.status_code == 200, asked.text
    assert (asked.json()["email"], asked.json()["pending_email"]) == (EMAIL, new)
    confirmation, notice = inbox.messages[sent:]
    assert (confirmation["To"], confirmation["Subject"]) == (new, "Confirm your new Pirep address")
    assert (notice["To"], notice["Subject"]) == (EMAIL, "Your Pirep address is being changed")
    assert new in text(notice)
    # Until the link is opened, the old address signs in.
    assert (await client.get("/api/v1/users/me")).json()["email"] == EMAIL

    confirmed = await client.post("/api/v1/users/confirmation", json={"token": inbox.token(-2)})
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["email"], confirmed.json()["pending_email"]) == (new, None)
    assert (
        await client.post("/api/v1/sessions", json={"email": new, "password": PASSWORD})
    ).status_code == 200
    assert (
        await client.post("/api/v1/sessions", json={"email": EMAIL, "password": PASSWORD})
    ).status_code == 401

    # An address another account has: its owner is told, and nothing changes.
    login = await client.post("/api/v1/sessions", json={"email": new, "password": PASSWORD})
    csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
    taken = await client.patch(
        "/api/v1/users/me",
        json={"email": "taken@example.com", "current_password": PASSWORD},
        headers=csrf,
    )
    assert taken.status_code == 200
    assert (taken.json()["email"], taken.json()["pending_email"]) == (new, None)
    assert inbox.messages[-1]["To"] == "taken@example.com"
    assert inbox.messages[-1]["Subject"] == "Someone tried to move a Pirep account to your address"
