"""Security headers on every answer, and a cap on request bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.core.settings import Settings
from api.middleware import CONTENT_SECURITY_POLICY, HSTS


async def test_every_answer_carries_the_security_headers(client: httpx.AsyncClient) -> None:
    for url in ("/health", "/api/v1/airports/PAE", "/api/v1/nothing-here"):
        response = await client.get(url)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        # Local development is plain HTTP: no HSTS there.
        assert "strict-transport-security" not in response.headers


async def test_the_policy_lets_the_captcha_widget_in_only_when_one_is_configured(
    client: httpx.AsyncClient, settings: Settings, engine: AsyncEngine
) -> None:
    plain = (await client.get("/")).headers["content-security-policy"]
    assert "challenges.cloudflare.com" not in plain
    configured = settings.model_copy(
        update={"turnstile_site_key": "site", "turnstile_secret_key": "secret"}
    )
    transport = httpx.ASGITransport(create_app(configured, engine=engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as other:
        policy = (await other.get("/health")).headers["content-security-policy"]
    assert "script-src 'self' https://challenges.cloudflare.com;" in policy
    assert "frame-src 'self' https://challenges.cloudflare.com " in policy
    assert "default-src 'self';" in policy


async def test_the_docs_page_works_offline_under_its_policy(client: httpx.AsyncClient) -> None:
    page = await client.get("/api/v1/docs")
    assert page.status_code == 200
    assert 'src="/api/v1/docs/static/swagger-ui-bundle.js"' in page.text
    assert "cdn." not in page.text
    assert "script-src 'self' 'unsafe-inline'" in page.headers["content-security-policy"]
    script = await client.get("/api/v1/docs/static/swagger-ui-bundle.js")
    assert script.status_code == 200
    assert len(script.content) > 100_000


async def test_production_answers_carry_hsts(settings, engine) -> None:  # type: ignore[no-untyped-def]
    from api.app import create_app

    app = create_app(settings.model_copy(update={"environment": "production"}), engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        response = await http.get("/api/v1/nothing-here")
    assert response.headers["strict-transport-security"] == HSTS


async def test_an_announced_oversized_body_is_refused_before_it_is_read(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/api/v1/sessions",
        content=b"x" * (1 << 20 | 1),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "PayloadTooLarge"


async def test_a_streamed_oversized_body_is_refused(app: FastAPI) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"x" * 100_000

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        response = await http.post(
            "/api/v1/sessions", content=chunks(), headers={"content-type": "application/json"}
        )
    assert response.status_code == 413
    assert response.json()["detail"] == "The request body is larger than 1,048,576 bytes."


async def test_blocked_addresses_are_refused_and_proxies_are_believed_only_when_trusted(
    settings,
    engine,  # type: ignore[no-untyped-def]
) -> None:
    from api.app import create_app

    app = create_app(
        settings.model_copy(
            update={"trusted_proxies": ["127.0.0.0/8"], "blocked_ips": ["198.51.100.0/24"]}
        ),
        engine=engine,
    )
    transport = httpx.ASGITransport(app, client=("127.0.0.1", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        blocked = await http.get("/health", headers={"X-Forwarded-For": "198.51.100.7"})
        allowed = await http.get("/health", headers={"X-Forwarded-For": "203.0.113.5"})
    assert blocked.status_code == 403
    assert blocked.json() == {
        "error": "Forbidden",
        "detail": "Requests from this address are refused.",
    }
    assert allowed.status_code == 200

    # Behind CloudFront, its viewer-address header names the client.
    behind_cdn = create_app(
        settings.model_copy(
            update={
                "trusted_proxies": ["127.0.0.0/8"],
                "blocked_ips": ["198.51.100.0/24"],
                "client_ip_header": "CloudFront-Viewer-Address",
            }
        ),
        engine=engine,
    )
    transport = httpx.ASGITransport(behind_cdn, client=("127.0.0.1", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        edge = "203.0.113.5, 130.176.1.1"
        viewer_blocked = await http.get(
            "/health",
            headers={"X-Forwarded-For": edge, "CloudFront-Viewer-Address": "198.51.100.7:443"},
        )
        viewer_allowed = await http.get(
            "/health",
            headers={"X-Forwarded-For": edge, "CloudFront-Viewer-Address": "203.0.113.5:443"},
        )
    assert (viewer_blocked.status_code, viewer_allowed.status_code) == (403, 200)

    # Not through a trusted proxy: the header is the client's own claim and changes nothing.
    untrusted = httpx.ASGITransport(app, client=("203.0.113.5", 5000))
    async with httpx.AsyncClient(transport=untrusted, base_url="http://t") as http:
        forged = await http.get("/health", headers={"X-Forwarded-For": "10.1.1.1"})
    assert forged.status_code == 200
