"""The site-wide read-only switch."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

USER = {"email": "pilot@example.com", "password": "correct horse battery"}


async def test_read_only_mode_refuses_writes_but_not_reads_or_signing_in(
    app: FastAPI, client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    assert (await client.post("/api/v1/users", json=USER)).status_code == 202
    await connection.execute(sa.text("UPDATE site_settings SET read_only = true"))

    refused = await client.post("/api/v1/users", json={**USER, "email": "second@example.com"})
    assert refused.status_code == 503
    assert refused.json()["error"] == "ReadOnly"
    assert refused.headers["retry-after"] == "300"
    assert (await client.get("/api/v1/airports/PAE")).status_code == 200
    assert (await client.post("/api/v1/sessions", json=USER)).status_code == 200
    client.cookies.clear()

    await connection.execute(sa.text("UPDATE site_settings SET read_only = false"))
    # Each process looks at the switch again after a short while (here: the next request).
    allowed = await client.post("/api/v1/users", json={**USER, "email": "third@example.com"})
    assert allowed.status_code == 202
