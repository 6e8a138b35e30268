"""Security headers on every answer, and a cap on request bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI

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
