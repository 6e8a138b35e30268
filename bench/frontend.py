"""Benchmark: the map's first render in headless Chromium, and the SPA's bundle sizes.

Loads the full-scale cycle into a throwaway PostgreSQL twice — with Canada (the default) and
with `--countries ALL` — builds the SPA, serves both with uvicorn as `pirep serve` does, and
measures in a fresh browser context each time (nothing cached):

- map: navigation to MapLibre `idle` with the airports drawn (every filter group cleared, so
  every airport matches; zoomed out, the tiles keep the important airports and the map thins
  markers that would overlap) at the whole-country view, over the embedded base map; and then
  until the base map's finer region, which the map asks for after that first picture, is drawn
  too (both on the page's own clock, from the navigation to the moment the map says so);
- the airports drawn from the vector tiles (the SPA's default) and from the whole GeoJSON
  (`?markers=geojson`, what the SPA drew before), each against the same map without airports
  (`?markers=off`), with the bytes the first view downloaded; unthrottled, and under
  Lighthouse's mobile network profile (Chrome DevTools throttling: 150 ms round trip,
  1.6 Mbps down, 750 kbps up);
- baselines: a plain `fetch` of the same GeoJSON plus `JSON.parse` in the same page, and the
  same map without the base map (`?basemap=off`, a plain background), whose difference is the
  base map's cost in the first render (target: at most 15 %).

Then it lists the built chunks and the base map's files with their gzip sizes and adds up what
the first page load needs (index.html's script and module preloads), with and without MapLibre.
"""

from __future__ import annotations

import asyncio
import gzip
import re
import statistics
import subprocess
import tempfile
from pathlib import Path

from playwright.async_api import Browser, Page, Request, async_playwright

from api.core.settings import PROJECT_ROOT
from bench._support import (
    cluster,
    load_full_scale,
    migrated_database,
    require_data,
    source_dir,
    uvicorn_server,
)

RUNS = 5
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEW = "#4/39.83/-98.58"
# Every filter group cleared: every airport matches.
EVERYTHING = "/?filters_facility_types=&filters_tags="
MAP_URL = EVERYTHING + VIEW
GEOJSON_URL = EVERYTHING + "&markers=geojson" + VIEW
# The same page and map without the airports.
NO_MARKERS_URL = EVERYTHING + "&markers=off" + VIEW
# The same page without the embedded base map.
NO_BASEMAP_URL = EVERYTHING + "&basemap=off" + VIEW
# Lighthouse's mobile network profile ("Slow 4G"), as Chrome DevTools applies it.
MOBILE_NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
THROTTLED_RUNS = 3
SETTLED = '[data-testid="map"][data-idle="true"]:not([data-basemap="loading"])'
FLOOR_SCRIPT = """async (url) => {
  const started = performance.now();
  const response = await fetch(url, {cache: "no-store"});
  const document = JSON.parse(await response.text());
  return [performance.now() - started, document.features.length];
}"""


def build_spa(out: Path) -> None:
    subprocess.run(
        ["npm", "run", "-s", "build", "--", "--outDir", str(out), "--emptyOutDir"],
        cwd=PROJECT_ROOT / "frontend",
        check=True,
        capture_output=True,
        timeout=600,
    )


def bundle_report(out: Path) -> None:
    index = (out / "index.html").read_text()
    initial = set(re.findall(r'(?:src|href)="/(static/[^"]+\.js)"', index))
    print("\nBuilt chunks (gzip -9):")
    total_initial = total_initial_without_maplibre = 0
    for path in sorted((out / "static").glob("*.js"), key=lambda p: -p.stat().st_size):
        raw = path.read_bytes()
        packed = len(gzip.compress(raw, 9))
        key = f"static/{path.name}"
        first = key in initial
        if first:
            total_initial += packed
            if not path.name.startswith("maplibre"):
                total_initial_without_maplibre += packed
        if first or packed > 4_000:
            mark = "initial" if first else "lazy"
            print(
                f"  {path.name:<40} {len(raw) / 1024:8.1f} kB  gzip {packed / 1024:7.1f} kB  {mark}"
            )
    css = sum(len(gzip.compress(p.read_bytes(), 9)) for p in (out / "static").glob("*.css"))
    print(f"  CSS, all files                            gzip {css / 1024:7.1f} kB")
    print(
        f"First load JS: {total_initial / 1024:.1f} kB gzip; without MapLibre "
        f"{total_initial_without_maplibre / 1024:.1f} kB (budget 150 kB)"
    )
    print("Base map files (fetched by the map when the view reaches them, cached for a year):")
    for path in sorted((out / "static").glob("basemap-*.json")):
        raw = path.read_bytes()
        print(
            f"  {path.name:<40} {len(raw) / 1024:8.1f} kB  gzip "
            f"{len(gzip.compress(raw, 6)) / 1024:7.1f} kB"
        )


# Records, in the page, when the map first reports the airports drawn (data-idle) and when the
# base map's finer region is drawn too: the page's own clock from navigation, unaffected by
# how late a busy page lets Playwright's polling see it.
TIMING_SCRIPT = """
try { localStorage.setItem('returning', '1') } catch {}
new MutationObserver(() => {
  const map = document.querySelector('[data-testid="map"]');
  if (!map || map.dataset.idle !== 'true') return;
  window.__firstRender ??= performance.now();
  if (map.dataset.basemap !== 'loading') window.__settled ??= performance.now();
}).observe(document, {
  attributes: true, subtree: true, attributeFilter: ['data-idle', 'data-basemap'],
});
"""


async def idle_after(page: Page, url: str) -> tuple[float, float, int]:
    """Seconds from navigation to MapLibre idle with the airports loaded (the first render),
    and to the base map's finer region drawn as well; and the bytes the first render needed
    (every response finished by then, the map's worker's tiles and data included)."""
    finished: list[Request] = []
    page.on("requestfinished", lambda request: finished.append(request))
    await page.goto(url)
    await page.wait_for_function("() => window.__firstRender !== undefined", timeout=300_000)
    needed = list(finished)
    await page.wait_for_selector(SETTLED, timeout=300_000)
    first, settled = await page.evaluate("[window.__firstRender, window.__settled]")
    downloaded = 0
    for request in needed:
        sizes = await request.sizes()
        downloaded += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return first / 1000, settled / 1000, downloaded


async def first_views(
    browser: Browser, base: str, urls: tuple[str, ...], runs: int, throttled: bool
) -> dict[str, list[tuple[float, float, int]]]:
    """Each URL's first view, ``runs`` times, in a fresh context each (nothing cached)."""
    views: dict[str, list[tuple[float, float, int]]] = {url: [] for url in urls}
    for _ in range(runs):
        for url in urls:
            context = await browser.new_context(viewport={"width": 1280, "height": 800})
            await context.add_init_script(TIMING_SCRIPT)
            page = await context.new_page()
            if throttled:
                session = await context.new_cdp_session(page)
                await session.send("Network.enable")
                await session.send("Network.emulateNetworkConditions", MOBILE_NETWORK)
            views[url].append(await idle_after(page, base + url))
            await context.close()
    return views


def median_of(views: list[tuple[float, float, int]], index: int) -> float:
    return statistics.median(view[index] for view in views)


async def measure(base: str, label: str) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        urls = (NO_MARKERS_URL, NO_BASEMAP_URL, MAP_URL, GEOJSON_URL)
        views = await first_views(browser, base, urls, RUNS, throttled=False)
        throttled = await first_views(
            browser, base, (NO_MARKERS_URL, MAP_URL, GEOJSON_URL), THROTTLED_RUNS, throttled=True
        )
        context = await browser.new_context()
        page = await context.new_page()
        await page.goto(base + NO_MARKERS_URL)
        geojson = await page.evaluate(
            "fetch('/api/v1/meta').then(r => r.json()).then(m => m.airports_geojson_url)"
        )
        floors = [(await page.evaluate(FLOOR_SCRIPT, geojson)) for _ in range(RUNS)]
        count = floors[0][1]
        await browser.close()
    floor = statistics.median(ms for ms, _ in floors) / 1000
    print(f"{label}: {count:,} airports; GeoJSON fetch + parse {floor:.2f} s")
    for network, measured, runs in (
        ("unthrottled", views, RUNS),
        ("mobile network", throttled, THROTTLED_RUNS),
    ):
        empty = median_of(measured[NO_MARKERS_URL], 0)
        print(
            f"  {network:<15} map without airports {empty:6.2f} s, "
            f"{median_of(measured[NO_MARKERS_URL], 2) / 1024:7.0f} kB (median of {runs})"
        )
        for source, url in (("vector tiles", MAP_URL), ("GeoJSON", GEOJSON_URL)):
            first, downloaded = median_of(measured[url], 0), median_of(measured[url], 2)
            print(
                f"  {'':<15} with the airports from the {source:<12} {first:6.2f} s "
                f"({first / empty:4.2f}× without), first view {downloaded / 1024:7.0f} kB"
            )
    first, plain = median_of(views[MAP_URL], 0), median_of(views[NO_BASEMAP_URL], 0)
    print(
        f"  without the base map {plain:5.2f} s: the base map costs "
        f"{(first - plain) / first:+.1%} of the first render (target ≤ 15 %); its finer "
        f"region is drawn {median_of(views[MAP_URL], 1):5.2f} s after navigation"
    )
    print(
        "  targets (--countries ALL): with the airports ≤ 1.3× without on the mobile network, "
        "≤ 1.1× unthrottled"
    )


def main() -> None:
    require_data()
    with tempfile.TemporaryDirectory(prefix="pirep-bench-spa-") as spa:
        out = Path(spa)
        build_spa(out)
        with cluster() as server, source_dir() as directory:
            for label, countries in (("US + Canada (default)", "CA"), ("--countries ALL", "ALL")):
                url = migrated_database(server, f"bench_fe_{countries.lower()}")
                load_full_scale(url, directory, countries)
                env = {
                    "PIREP_DATABASE_URL": url,
                    "PIREP_SPA_DIR": str(out),
                    "PIREP_READ_LIMIT_PER_MINUTE": "1000000",
                }
                with uvicorn_server("api.app:create_app", env) as base:
                    asyncio.run(measure(base, label))
        bundle_report(out)


if __name__ == "__main__":
    main()
