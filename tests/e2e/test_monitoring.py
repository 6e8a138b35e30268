"""The browser's error reports: with a DSN in the settings the SPA loads Sentry's SDK and an
uncaught error reaches Sentry (a local stand-in), the CSP letting the report through."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from playwright.async_api import Browser

from tests.e2e.conftest import Prepared, serving
from tests.local_http import SentryCollector, local_server


async def test_an_uncaught_error_in_the_browser_reaches_sentry(
    browser: Browser, prepared: Prepared, spa_build: Path
) -> None:
    SentryCollector.received = []
    with local_server(SentryCollector) as sentry:
        dsn = f"http://0123456789abcdef@{sentry.removeprefix('http://')}/5"
        with serving(
            prepared, spa_build, "sentry-server", {"PIREP_FRONTEND_SENTRY_DSN": dsn}
        ) as site:
            context = await browser.new_context(base_url=site.url)
            try:
                page = await context.new_page()
                await page.goto("/")
                deadline = time.monotonic() + 30
                while b"the map fell over" not in b"".join(SentryCollector.received):
                    assert time.monotonic() < deadline, "no report reached Sentry"
                    # Thrown again until the SDK (loaded on demand) is there to catch it.
                    await page.evaluate(
                        "setTimeout(() => { throw new Error('the map fell over') }, 0)"
                    )
                    await asyncio.sleep(0.5)
            finally:
                await context.close()
    [event] = [item for item in SentryCollector.items() if item.get("exception")]
    assert event["exception"]["values"][0]["value"] == "the map fell over"
    assert event["request"]["url"].startswith(site.url)
    assert event["platform"] == "javascript"
