"""robots.txt and the sitemap of every airport page."""

from __future__ import annotations

import httpx
import pytest
from defusedxml import ElementTree as ET
from sqlalchemy.ext.asyncio import AsyncConnection

from api.seo import router as seo

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "http://localhost:8000"


async def test_robots_point_at_the_sitemap_and_keep_private_pages_out(
    client: httpx.AsyncClient,
) -> None:
    robots = await client.get("/robots.txt")
    assert robots.status_code == 200
    assert f"Sitemap: {BASE}/sitemap.xml" in robots.text
    assert "Disallow: /admin" in robots.text
    assert "Disallow: /account" in robots.text


async def test_the_sitemap_lists_every_airport_page(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    index = await client.get("/sitemap.xml")
    assert index.status_code == 200
    assert index.headers["content-type"].startswith("application/xml")
    files = [loc.text for loc in ET.fromstring(index.text).findall("s:sitemap/s:loc", NS)]
    assert files == [f"{BASE}/sitemaps/pages.xml", f"{BASE}/sitemaps/airports-1.xml"]

    urls = ET.fromstring((await client.get("/sitemaps/airports-1.xml")).text)
    locations = [url.findtext("s:loc", namespaces=NS) for url in urls.findall("s:url", NS)]
    total = (await connection.exec_driver_sql("SELECT count(*) FROM airports")).scalar()
    assert len(locations) == total
    assert f"{BASE}/airports/PAE" in locations
    assert all(url.findtext("s:lastmod", namespaces=NS) for url in urls.findall("s:url", NS))

    pages = ET.fromstring((await client.get("/sitemaps/pages.xml")).text)
    assert [url.findtext("s:loc", namespaces=NS) for url in pages.findall("s:url", NS)] == [
        f"{BASE}/",
        f"{BASE}/search",
        f"{BASE}/leaderboard",
        f"{BASE}/about",
    ]
    for missing in ("/sitemaps/airports-2.xml", "/sitemaps/airports-0.xml"):
        answer = await client.get(missing)
        assert answer.status_code == 404
        assert answer.json()["error"] == "NotFound"


async def test_a_large_sitemap_is_split_into_files(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seo, "PER_FILE", 1000)
    index = ET.fromstring((await client.get("/sitemap.xml")).text)
    files = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    assert files[-1] == f"{BASE}/sitemaps/airports-4.xml"  # 3,020 sample airports
    last = ET.fromstring((await client.get("/sitemaps/airports-4.xml")).text)
    assert len(last.findall("s:url", NS)) == 20
