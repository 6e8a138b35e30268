"""Benchmark: the map's first render in headless Chromium, and the SPA's bundle sizes.

Loads the full-scale cycle into a throwaway PostgreSQL twice — with Canada (the default) and
with `--countries ALL` — builds the SPA, serves both with uvicorn as `pirep serve` does, and
measures in a fresh browser context each time (nothing cached):

- map: navigation to MapLibre `idle` with every airport marker drawn (the public and private
  tags enabled, so every airport is in the visible layer) at the whole-country view;
- baselines: a plain `fetch` of the same GeoJSON plus `JSON.parse` in the same page, the
  least any map of these airports must do; and the same map with no marker drawn (no type
  enabled), which sets the markers' own cost apart from the page, the map and the data.

Then it lists the built chunks with their gzip sizes and adds up what the first page load
needs (index.html's script and module preloads), with and without MapLibre.
"""

from __future__ import annotations

import asyncio
import gzip
import re
import statistics
import subprocess
import tempfile
import time
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
MAP_URL = "/?filters_tags=public,private,closed#4/39.83/-98.58"
# The same page and data with no type enabled: the airports load but no marker is drawn.
NO_MARKERS_URL = "/?filters_facility_types=#4/39.83/-98.58"
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
        f"{total_initial_without_maplibre / 1024:.1f} kB (budget 250 kB)"
    )


async def idle_after(page: Page, url: str) -> float:
    """Seconds from navigation to MapLibre idle with the airports loaded."""
    started = time.perf_counter()
    await page.goto(url)
    await page.wait_for_selector('[data-testid="map"][data-idle="true"]', timeout=120_000)
    return time.perf_counter() - started


async def measure(base: str, label: str) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        times: dict[str, list[float]] = {MAP_URL: [], NO_MARKERS_URL: []}
        floors: list[float] = []
        count = 0
        for _ in range(RUNS):
            for url in (NO_MARKERS_URL, MAP_URL):  # a fresh context each: nothing cached
                context = await browser.new_context(viewport={"width": 1280, "height": 800})
                await context.add_init_script(
                    "try { localStorage.setItem('returning', '1') } catch {}"
                )
                page = await context.new_page()
                times[url].append(await idle_after(page, base + url))
                if url == MAP_URL:
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
    floor = statistics.median(floors)
    print(
        f"{label:<24} {count:>7,} airports  map idle with every marker {first:5.2f} s "
        f"(median of {RUNS}, best {min(maps):.2f}); without markers {empty:5.2f} s "
        f"({first / empty:4.2f}×); GeoJSON fetch + parse {floor:5.2f} s"
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
