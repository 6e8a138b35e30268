"""Read quotas an admin gives API tokens of heavy consumers, counted under the token."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from api.app import create_app
from api.core import ratelimit
from api.core.settings import Settings
from api.state import state_of
from tests.api.conftest import MakePerson, Person


def process(app: FastAPI, settings: Settings) -> FastAPI:
    """A web process like the test's, with a read limit of 3 a minute per address."""
    limited = create_app(
        settings.model_copy(update={"read_limit_per_minute": 3}), engine=state_of(app).engine
    )
    state_of(limited).session_factory = state_of(app).session_factory
    return limited


async def new_token(app: FastAPI, owner: Person) -> tuple[str, str]:
    async with owner.client(app) as http:
        created = await http.post(
            "/api/v1/users/me/tokens", json={"name": "EFB sync", "scopes": ["read"]}
        )
    assert created.status_code == 201, created.text
    return created.json()["id"], created.json()["token"]


async def reads(app: FastAPI, address: str, count: int, token: str | None = None) -> list[int]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx.ASGITransport(app, client=(address, 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as http:
        return [(await http.get("/api/v1/airports/PAE")).status_code for _ in range(count)]


@pytest.fixture(autouse=True)
def one_window(monkeypatch: pytest.MonkeyPatch) -> None:
    # Ten seconds into a window, whenever the test runs.
    monkeypatch.setattr(ratelimit, "clock", lambda: 1_800_000_000.0 + 10)


async def test_an_admin_gives_a_token_its_own_read_quota(
    app: FastAPI, settings: Settings, make_person: MakePerson, connection: AsyncConnection
) -> None:
    site = process(app, settings)
    owner, admin = await make_person("known"), await make_person("admin")
    token_id, token = await new_token(site, owner)

    # Without a quota of its own, a token's reads count under the address, as anyone's.
    assert await reads(site, "203.0.113.40", 2) == [200, 200]
    assert await reads(site, "203.0.113.40", 2, token) == [200, 429]

    async with admin.client(site) as http:
        listed = await http.get(f"/api/v1/admin/users/{owner.user_id}/tokens")
        changed = await http.patch(
            f"/api/v1/admin/tokens/{token_id}", json={"read_limit_per_minute": 5}
        )
    assert listed.status_code == 200
    assert [(entry["id"], entry["read_limit_per_minute"]) for entry in listed.json()] == [
        (token_id, None)
    ]
    assert changed.status_code == 200, changed.text
    assert changed.json()["read_limit_per_minute"] == 5

    # Now they count under the token, up to its quota, from wherever they come.
    transport = httpx.ASGITransport(site, client=("198.51.100.9", 4000))
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=auth) as http:
        first = await http.get("/api/v1/airports/PAE")
        assert first.headers["ratelimit-limit"] == "5"
        assert first.headers["ratelimit-remaining"] == "4"
        assert first.headers["ratelimit-policy"] == "5;w=60"
        assert [(await http.get("/api/v1/changes")).status_code for _ in range(4)] == [200] * 4
        refused = await http.get("/api/v1/airports/PAE")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Too many reads with this API token: at most 5")
    # The address the token was first used from still has its own, spent, count.
    assert await reads(site, "203.0.113.40", 1) == [429]
    await state_of(site).read_limiter.flush(state_of(app).session_factory)
    counted = await connection.scalar(
        sa.text("SELECT count FROM rate_limit_buckets WHERE key = :key"),
        {"key": f"read:token:{token_id}"},
    )
    assert counted == 6

    # The owner sees the quota; taking it back puts the token under the address again.
    async with owner.client(site) as http:
        mine = (await http.get("/api/v1/users/me/tokens")).json()
    assert [entry["read_limit_per_minute"] for entry in mine] == [5]
    async with admin.client(site) as http:
        reset = await http.patch(
            f"/api/v1/admin/tokens/{token_id}", json={"read_limit_per_minute": None}
        )
    assert reset.json()["read_limit_per_minute"] is None
    assert await reads(site, "192.0.2.200", 4, token) == [200, 200, 200, 429]


async def test_another_process_applies_a_new_quota_when_its_lookup_expires(
    app: FastAPI, settings: Settings, make_person: MakePerson
) -> None:
    first, second = process(app, settings), process(app, settings)
    owner, admin = await make_person("known"), await make_person("admin")
    token_id, token = await new_token(first, owner)
    assert await reads(second, "203.0.113.41", 1, token) == [200]  # looked up: no quota
    async with admin.client(first) as http:
        changed = await http.patch(
            f"/api/v1/admin/tokens/{token_id}", json={"read_limit_per_minute": 100}
        )
    assert changed.status_code == 200
    assert await reads(second, "203.0.113.41", 3, token) == [200, 200, 429]  # not yet
    state_of(second).token_quotas.ttl_seconds = 0
    assert await reads(second, "203.0.113.41", 3, token) == [200, 200, 200]


async def test_reads_with_a_bad_token_are_refused_not_counted_as_anonymous(
    app: FastAPI, settings: Settings, make_person: MakePerson
) -> None:
    site = process(app, settings)
    owner = await make_person("known")
    token_id, token = await new_token(site, owner)
    transport = httpx.ASGITransport(site, client=("203.0.113.42", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        for header in ("Bearer pirep_not-a-token", "Basic dXNlcjpwYXNz", "Bearer "):
            refused = await http.get("/api/v1/airports/PAE", headers={"Authorization": header})
            assert refused.status_code == 401, header
            assert refused.json()["error"] == "Unauthorized"
        assert (
            await http.get("/api/v1/airports/PAE", headers={"Authorization": f"Bearer {token}"})
        ).status_code == 200
    # A revoked token is refused at once in the process that revoked it.
    async with owner.client(site) as http:
        assert (await http.delete(f"/api/v1/users/me/tokens/{token_id}")).status_code == 204
    assert await reads(site, "203.0.113.42", 1, token) == [401]


async def test_only_admins_give_quotas_and_only_to_live_tokens(
    app: FastAPI, settings: Settings, make_person: MakePerson
) -> None:
    owner, admin = await make_person("known"), await make_person("admin")
    token_id, _ = await new_token(app, owner)
    async with owner.client(app) as http:
        forbidden = await http.patch(
            f"/api/v1/admin/tokens/{token_id}", json={"read_limit_per_minute": 10_000}
        )
        assert (await http.get(f"/api/v1/admin/users/{owner.user_id}/tokens")).status_code == 403
    assert forbidden.status_code == 403
    async with admin.client(app) as http:
        for body in ({"read_limit_per_minute": 0}, {}, {"read_limit_per_minute": 10, "x": 1}):
            assert (
                await http.patch(f"/api/v1/admin/tokens/{token_id}", json=body)
            ).status_code == 422
        missing = await http.patch(
            "/api/v1/admin/tokens/00000000-0000-4000-8000-000000000000",
            json={"read_limit_per_minute": 10},
        )
        assert missing.status_code == 404
        assert (
            await http.get("/api/v1/admin/users/00000000-0000-4000-8000-000000000000/tokens")
        ).status_code == 404
    async with owner.client(app) as http:
        assert (await http.delete(f"/api/v1/users/me/tokens/{token_id}")).status_code == 204
    async with admin.client(app) as http:
        revoked = await http.patch(
            f"/api/v1/admin/tokens/{token_id}", json={"read_limit_per_minute": 10}
        )
        listed = (await http.get(f"/api/v1/admin/users/{owner.user_id}/tokens")).json()
    assert revoked.status_code == 409
    assert listed[0]["revoked_at"] is not None
