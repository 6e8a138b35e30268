"""The content packs page lists what the monthly job built, and the zips download."""

from __future__ import annotations

import io
import zipfile

import httpx
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import create_async_engine

from api.core.settings import Settings
from api.jobs.content_packs import build_content_packs
from tests.e2e.conftest import Prepared, Site


async def test_the_built_packs_are_listed_and_download(
    page: Page, site: Site, prepared: Prepared
) -> None:
    engine = create_async_engine(prepared.database_url)
    try:
        settings = Settings(
            database_url=prepared.database_url, data_dir=prepared.data_dir, public_url=site.url
        )
        index = await build_content_packs(engine, settings)
    finally:
        await engine.dispose()
    assert len(index) == 6

    await page.goto("/")
    await page.get_by_role("button", name="Menu").click()
    await page.get_by_role("link", name="ForeFlight content packs").click()
    await expect(page.get_by_role("heading", name="Content packs", level=1)).to_be_visible()
    link = page.get_by_role("link", name="Download Pirep - Camping")
    await expect(link).to_be_visible()
    href = await link.get_attribute("href")
    assert href is not None
    async with httpx.AsyncClient(base_url=site.url, timeout=15) as http:
        download = await http.get(href)
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert "pirep_camping/manifest.json" in archive.namelist()
