"""A change is only committed when the route asked a policy first."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from api.core import policy
from api.dependencies import RequesterDep, SessionDep
from api.models.system import SiteSettings


def add_routes(app: FastAPI) -> None:
    @app.post("/api/v1/test/unguarded")
    async def unguarded(session: SessionDep) -> dict[str, str]:
        await session.execute(sa.update(SiteSettings).values(read_only=True))
        return {"done": "yes"}

    @app.post("/api/v1/test/guarded")
    async def guarded(session: SessionDep, requester: RequesterDep) -> dict[str, str]:
        policy.site_writable(requester, "test.guarded")
        await session.execute(sa.update(SiteSettings).values(data_generation=42))
        return {"done": "yes"}


async def test_a_route_without_a_policy_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    add_routes(app)
    response = await client.post("/api/v1/test/unguarded")
    assert response.status_code == 500
    assert "consulted no policy" in response.json()["detail"]
    assert await connection.scalar(sa.select(SiteSettings.read_only)) is False

    assert (await client.post("/api/v1/test/guarded")).status_code == 200
    assert await connection.scalar(sa.select(SiteSettings.data_generation)) == 42
