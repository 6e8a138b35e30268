"""End-to-end: the built SPA in a real headless Chromium, against the API served by uvicorn
in its own process, over a real database holding the bundled sample (airports of Washington
and Canada, Paine Field's diagram, a sample sectional tiled into the chart layer, and the
offline packs of its charts)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from sqlalchemy.ext.asyncio import create_async_engine

from api.core.cycles import Product
from api.core.embedded_pg import port_is_free
from api.core.passwords import hash_password
from api.core.settings import PROJECT_ROOT, Settings
from api.exports.offline import build_offline_packs
from tests.api.conftest import (
    PASSWORD,
    Person,
    SampleSources,
    import_sample,
    make_person_in,
)
from tests.local_http import Handler, local_server

FRONTEND = PROJECT_ROOT / "frontend"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Any address but the local servers'.
OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])")
# Screenshots of the main pages, kept as the suite's artefacts.
SCREENSHOTS = PROJECT_ROOT / "build" / "e2e-screenshots"
DESKTOP = {"width": 1280, "height": 800}


@dataclass
class Site:
    url: str
    log: Path
    database_url: str
    admin: Person
    known: Person

    def mails_to(self, address: str) -> str:
        """Everything the server mailed to ``address`` (the log stands in for SMTP)."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(
            block for block in text.split("Mail to ")[1:] if block.startswith(address + " ")
        )

    def link_in_mail(self, address: str, path: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while True:
            found = re.findall(rf"https?://\S+{re.escape(path)}\?token=\S+", self.mails_to(address))
            if found:
                return str(found[-1])
            if time.monotonic() > deadline:
                raise AssertionError(f"No mail to {address} with a {path} link")
            time.sleep(0.2)


def _free_port() -> int:
    for port in range(18_100, 18_400):
        if port_is_free(port):
            return port
    raise RuntimeError("No free port for the end-to-end server")


@pytest.fixture(scope="session")
def spa_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SPA built from the current sources (not whatever frontend/dist holds)."""
    if shutil.which("npm") is None or not (FRONTEND / "node_modules").is_dir():
        pytest.fail("The SPA's dependencies are missing: run `make test`, which installs them.")
    out = tmp_path_factory.mktemp("spa")
    build = subprocess.run(
        ["npm", "run", "-s", "build", "--", "--outDir", str(out), "--emptyOutDir"],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    return out


@dataclass
class Prepared:
    database_url: str
    data_dir: Path
    admin: Person
    known: Person


@pytest.fixture(scope="session")
async def prepared(
    clone_template: Callable[[str], Awaitable[str]], tmp_path_factory: pytest.TempPathFactory
) -> Prepared:
    """A database with the whole bundled sample imported, an admin and a known user."""
    data_dir = tmp_path_factory.mktemp("e2e-data")
    url = await clone_template("pirep_e2e")
    settings = Settings(
        database_url=url, environment="test", data_dir=data_dir, chart_catalogue="sample"
    )
    await import_sample(settings, (Product.AIRPORTS, Product.DIAGRAMS, Product.CHARTS))
    engine = create_async_engine(url)
    # The sample charts' offline packs, as the worker builds them after a charts cycle.
    assert await build_offline_packs(engine, settings) is not None
    async with engine.begin() as connection:
        digest = hash_password(PASSWORD)
        admin = await make_person_in(connection, "admin", "127.0.0.1", digest)
        known = await make_person_in(connection, "known", "127.0.0.1", digest)
    await engine.dispose()
    return Prepared(database_url=url, data_dir=data_dir, admin=admin, known=known)


@contextmanager
def serving(
    prepared: Prepared, spa_build: Path, name: str, settings: dict[str, str]
) -> Iterator[Site]:
    """The app as production runs it: `pirep serve` in its own process, serving the SPA."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = prepared.data_dir / f"{name}.log"
    with local_server(SampleSources) as sources, log.open("w") as output:
        environment = {
            **os.environ,
            "PIREP_DATABASE_URL": prepared.database_url,
            "PIREP_ENVIRONMENT": "test",
            "PIREP_DATA_DIR": str(prepared.data_dir),
            "PIREP_SPA_DIR": str(spa_build),
            "PIREP_PUBLIC_URL": base,
            "PIREP_CHART_CATALOGUE": "sample",
            "PIREP_NASR_BASE_URL": sources,
            "PIREP_OURAIRPORTS_BASE_URL": sources,
            "PIREP_WRITE_LIMIT_PER_MINUTE": "10000",
            "PIREP_READ_LIMIT_PER_MINUTE": "100000",
            "PIREP_CACHE_REVALIDATE_SECONDS": "0",
            **settings,
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_until_healthy(base, server, log)
            yield Site(
                url=base,
                log=log,
                database_url=prepared.database_url,
                admin=prepared.admin,
                known=prepared.known,
            )
        finally:
            server.terminate()
            server.wait(timeout=20)


@pytest.fixture(scope="session")
def site(prepared: Prepared, spa_build: Path) -> Iterator[Site]:
    """The app without a CAPTCHA (the embedded default)."""
    with serving(prepared, spa_build, "server", {}) as running:
        yield running


PASSING_CAPTCHA = "the widget's answer"


class Siteverify(Handler):
    """Answers like Cloudflare's siteverify: success for the stub widget's answer only."""

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        self.send_body(
            json.dumps({"success": form.get("response") == [PASSING_CAPTCHA]}).encode(),
            "application/json",
        )


@pytest.fixture(scope="session")
def captcha_site(prepared: Prepared, spa_build: Path) -> Iterator[Site]:
    """The same data served with the CAPTCHA on, its answers checked by a local siteverify."""
    with local_server(Siteverify) as verify:
        settings = {
            "PIREP_TURNSTILE_SITE_KEY": "test-site-key",
            "PIREP_TURNSTILE_SECRET_KEY": "test-secret",
            "PIREP_TURNSTILE_VERIFY_URL": f"{verify}/siteverify",
        }
        with serving(prepared, spa_build, "captcha-server", settings) as running:
            yield running


def _wait_until_healthy(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError("The server stopped:\n" + log.read_text())
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("The server did not become healthy:\n" + log.read_text())


@pytest.fixture(scope="session")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make test`, which installs it.")
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


Contexts = Callable[..., Awaitable[BrowserContext]]


@pytest.fixture
async def new_context(browser: Browser, site: Site) -> AsyncIterator[Contexts]:
    """Browser contexts (separate cookie jars), optionally signed in as a person; each
    context reports uncaught page errors, which fail the test."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    async def make(
        person: Person | None = None, *, first_visit: bool = False, **options: object
    ) -> BrowserContext:
        context = await browser.new_context(
            base_url=str(options.pop("base_url", site.url)),
            viewport=options.pop("viewport", DESKTOP),  # type: ignore[arg-type]
            **options,  # type: ignore[arg-type]
        )
        context.set_default_timeout(15_000)
        # Never the internet: pictures from elsewhere (contributors' Gravatars) are refused.
        await context.route(OUTSIDE, lambda route: route.abort())
        if person is not None and person.cookies:
            await context.add_cookies(
                [
                    {"name": name, "value": value, "url": site.url}
                    for name, value in person.cookies.items()
                ]
            )
        if not first_visit:  # the first-visit panel is tested on its own
            await context.add_init_script("try { localStorage.setItem('returning', '1') } catch {}")
        context.on("weberror", lambda error: errors.append(str(error.error)))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        await context.close()
    assert errors == [], errors


@pytest.fixture
async def page(new_context: Contexts) -> Page:
    context = await new_context()
    return await context.new_page()


async def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path))
    return path
