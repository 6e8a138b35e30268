"""Benchmark: the map's first render in headless Chromium, and the SPA's bundle sizes.

Loads the full-scale cycle into a throwaway PostgreSQL twice — with Canada (the default) and
with `--countries ALL` — builds the SPA, serves both with uvicorn as `pirep serve` does, and
measures in a fresh browser context each time (nothing cached):

- map: navigation to MapLibre `idle` with the airports drawn (every filter group cleared, so
  every airport matches; below zoom 7 the markers thin out by importance) at the whole-country
  view, over the embedded base map; and then until the base map's finer region, which the map
  asks for after that first picture, is drawn too (both on the page's own clock, from the
  navigation to the moment the map says so);
- baselines: a plain `fetch` of the same GeoJSON plus `JSON.parse` in the same page, the
  least any map of these airports must do; the same map with no marker drawn (a filter that
  matches nothing), which sets the markers' own cost apart from the page, the map and the data;
  and the same map without the base map (`?basemap=off`, a plain background), whose difference
  is the base map's cost in the first render (target: at most 15 %).

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

from playwright.async_api import Page, async_playwright

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
MAP_URL = "/?filters_facility_types=&filters_tags=" + VIEW
# The same page and data with a filter no airport of an import matches (a tag only pilots add):
# the airports load but no marker is drawn.
NO_MARKERS_URL = "/?filters_tags=museum" + VIEW
# The same page without the embedded base map.
NO_BASEMAP_URL = "/?filters_facility_types=&filters_tags=&basemap=off" + VIEW
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


async def idle_after(page: Page, url: str) -> tuple[float, float]:
    """Seconds from navigation to MapLibre idle with the airports loaded (the first render),
    and to the base map's finer region drawn as well."""
    await page.goto(url)
    await page.wait_for_selector(SETTLED, timeout=120_000)
    first, settled = await page.evaluate("[window.__firstRender, window.__settled]")
    return first / 1000, settled / 1000


async def measure(base: str, label: str) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        urls = (NO_MARKERS_URL, NO_BASEMAP_URL, MAP_URL)
        times: dict[str, list[float]] = {url: [] for url in urls}
        settled: list[float] = []
        floors: list[float] = []
        count = 0
        for _ in range(RUNS):
            for url in urls:  # a fresh context each: nothing cached
                context = await browser.new_context(viewport={"width": 1280, "height": 800})
                await context.add_init_script(TIMING_SCRIPT)
                page = await context.new_page()
                first, whole = await idle_after(page, base + url)
                times[url].append(first)
                if url == MAP_URL:
                    settled.append(whole)
                    geojson = await page.evaluate(
                        "fetch('/api/v1/meta').then(r => r.json())"
                        ".then(m => m.airports_geojson_url)"
                    )
                    floor_ms, count = await page.evaluate(FLOOR_SCRIPT, geojson)
                    floors.append(floor_ms / 1000)
                await context.close()
        await browser.close()
    maps = times[MAP_URL]
    first, empty = statistics.median(maps), statistics.median(times[NO_MARKERS_URL])
    plain = statistics.median(times[NO_BASEMAP_URL])
    floor = statistics.median(floors)
    print(
        f"{label:<24} {count:>7,} airports  map idle with the airports {first:5.2f} s "
        f"(median of {RUNS}, best {min(maps):.2f}); without markers {empty:5.2f} s "
        f"({first / empty:4.2f}×); GeoJSON fetch + parse {floor:5.2f} s"
    )
    print(
        f"{'':<24} without the base map {plain:5.2f} s: the base map costs "
        f"{(first - plain) / first:+.1%} of the first render (target ≤ 15 %); its finer "
        f"region is drawn {statistics.median(settled):5.2f} s after navigation"
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
