"""The built SPA served on the API's port: hashed files, history-API fallback, airport tags."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.app import bind_sessions, create_app
from api.core.changes import ChangeKind, record_changes
from api.core.settings import Settings

INDEX = """<!doctype html>
<html><head>
<title>Pirep</title>
<meta name="description" content="Site description" />
<meta property="og:title" content="Pirep" />
<meta property="og:description" content="Site description" />
</head><body><div id="root"></div><script type="module" src="/static/app-1234.js"></script>
</body></html>"""


@pytest.fixture
async def spa(
    tmp_path: Path, settings: Settings, engine: AsyncEngine, connection: AsyncConnection
) -> AsyncIterator[httpx.AsyncClient]:
    built = tmp_path / "dist"
    (built / "static").mkdir(parents=True)
    (built / "index.html").write_text(INDEX)
    (built / "static" / "app-1234.js").write_text("console.log('pirep')")
    (built / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("not for the web")
    app = create_app(settings.model_copy(update={"spa_dir": built}), engine=engine)
    bind_sessions(app, connection, map_follows=False, join_transaction_mode="create_savepoint")
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.mark.parametrize("path", ["/", "/search", "/admin/importer", "/users/42", "/no/such/page"])
async def test_every_page_address_gets_the_app(spa: httpx.AsyncClient, path: str) -> None:
    response = await spa.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert '<div id="root">' in response.text


async def test_hashed_files_are_cached_for_a_year(spa: httpx.AsyncClient) -> None:
    response = await spa.get("/static/app-1234.js")
    assert response.status_code == 200
    assert response.text == "console.log('pirep')"
    assert "immutable" in response.headers["cache-control"]
    assert (await spa.get("/favicon.svg")).text == "<svg/>"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/static/missing.js", 404),
        ("/static/%2e%2e/%2e%2e/secret.txt", 404),
        # httpx folds the dots away before sending: /secret.txt, not one of the build's files.
        ("/static/../../secret.txt", 404),
    ],
)
async def test_missing_or_outside_files_are_not_served(
    spa: httpx.AsyncClient, path: str, status: int
) -> None:
    response = await spa.get(path)
    assert response.status_code == status
    assert "not for the web" not in response.text


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/assets/tiles/x.txt", "/etc/passwd.png", "/robots.php"]
)
async def test_api_addresses_keep_their_json_errors(spa: httpx.AsyncClient, path: str) -> None:
    response = await spa.get(path)
    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"


async def test_an_airport_page_carries_its_title_description_and_opengraph_tags(
    spa: httpx.AsyncClient,
) -> None:
    response = await spa.get("/airports/KPAE")
    assert response.status_code == 200
    page = response.text
    title = "PAE - Seattle Paine Field International Airport · Pirep"
    assert f"<title>{title}</title>" in page
    assert f'<meta property="og:title" content="{title}"' in page
    assert "Seattle Paine Field International Airport (PAE) in Everett, WA" in page
    assert '<meta property="og:url" content="http://test/airports/KPAE" />' in page
    assert page.count("<title>") == 1


async def test_an_unknown_airport_page_answers_404_with_the_app(spa: httpx.AsyncClient) -> None:
    response = await spa.get("/airports/ZZZZ")
    assert response.status_code == 404
    assert '<div id="root">' in response.text
    assert "<title>Pirep</title>" in response.text


async def test_without_a_build_only_the_api_is_served(
    tmp_path: Path, settings: Settings, engine: AsyncEngine
) -> None:
    app = create_app(settings.model_copy(update={"spa_dir": tmp_path / "none"}), engine=engine)
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/search")
    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"


@pytest.mark.parametrize("path", ["/", "/airports/PAE", "/static/app-1234.js", "/favicon.svg"])
async def test_head_answers_for_the_pages_and_files(spa: httpx.AsyncClient, path: str) -> None:
    got = await spa.get(path)
    head = await spa.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == got.headers["content-length"]
    assert head.headers["content-type"] == got.headers["content-type"]


async def test_a_shared_airport_link_previews_its_photo_or_diagram_and_its_description(
    spa: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    # Without a photo: the airport diagram of the active cycle.
    await connection.execute(
        sa.text(
            "INSERT INTO faa_data_cycles (product, cycle, activated_at, details) "
            "VALUES ('diagrams', '2026-11-27', now(), '{}') ON CONFLICT (product) DO NOTHING"
        )
    )
    await connection.execute(
        sa.text("UPDATE airports SET diagram = '00123AD.png' WHERE code = 'PAE'")
    )
    await record_changes(connection, ChangeKind.ADMIN, {"PAE": ["diagram"]})
    page = (await spa.get("/airports/PAE")).text
    diagram = re.search(r'<meta property="og:image" content="([^"]+)"', page)
    assert diagram is not None
    assert diagram.group(1).startswith("http://test/assets/diagrams/")
    assert diagram.group(1).endswith("/00123AD.png")
    assert '<meta name="twitter:card" content="summary_large_image" />' in page

    # A photo comes first; the pilots' description is the preview's text.
    await connection.execute(
        sa.text(
            "INSERT INTO photos (airport_id, storage_key, content_type, size_bytes, width, height, "
            "source) SELECT id, 'photos/pae/cover.jpg', 'image/jpeg', 1000, 1500, 1000, "
            "'contributed' FROM airports WHERE code = 'PAE'"
        )
    )
    text = "**Busy** Class D: call the tower early. " * 10
    await connection.execute(
        sa.text("UPDATE airports SET description = :text WHERE code = 'PAE'"), {"text": text}
    )
    await record_changes(connection, ChangeKind.EDIT, {"PAE": ["description", "photos"]})
    page = (await spa.get("/airports/PAE")).text
    assert '<meta property="og:image" content="http://test/assets/photos/pae/cover.jpg" />' in page
    description = re.search(r'<meta name="description" content="([^"]+)"', page)
    assert description is not None
    assert description.group(1).startswith(
        "Seattle Paine Field International Airport (PAE): Busy Class D: call the tower early."
    )
    assert len(description.group(1)) <= 250
    assert description.group(1).endswith("…")


async def test_airport_pages_count_against_the_read_limit(
    tmp_path: Path, settings: Settings, engine: AsyncEngine, connection: AsyncConnection
) -> None:
    built = tmp_path / "dist"
    built.mkdir()
    (built / "index.html").write_text(INDEX)
    limited = settings.model_copy(update={"spa_dir": built, "read_limit_per_minute": 3})
    app = create_app(limited, engine=engine)
    bind_sessions(app, connection, map_follows=False, join_transaction_mode="create_savepoint")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as spa:
        answers = [(await spa.get("/airports/PAE")).status_code for _ in range(5)]
        # Other pages are not airport reads.
        assert (await spa.get("/search")).status_code == 200
    assert answers[:3] == [200, 200, 200]
    assert answers[3:] == [429, 429]
