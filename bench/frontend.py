"""Benchmark: the map's first render in headless Chromium, and the SPA's bundle sizes.

Loads the full-scale cycle into a throwaway PostgreSQL twice — with Canada (the default) and
with `--countries ALL` — builds the SPA, serves both with uvicorn as `pirep serve` does, and
measures in a fresh browser context each time (nothing cached):

- map: navigation to MapLibre `idle` with every airport marker drawn (the public and private
  tags enabled, so every airport is in the visible layer) at the whole-country view;
- baseline, in the same page load: a plain `fetch` of the same GeoJSON plus `JSON.parse`,
  the least any map of these airports must do.

Then it lists the built chunks with their gzip sizes and adds up what the first page load
needs (index.html's script and module preloads), with and without MapLibre.
"""

from __future__ import annotations

import asyncio
import gzip
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import async_playwright

from api.core.settings import PROJECT_ROOT
from bench._support import (
    CYCLE,
    cluster,
    migrated_database,
    require_data,
    run_measured,
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


async def measure(base: str, label: str) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        maps: list[float] = []
        floors: list[float] = []
        count = 0
        for _ in range(RUNS):
            context = await browser.new_context(viewport={"width": 1280, "height": 800})
            await context.add_init_script("try { localStorage.setItem('returning', '1') } catch {}")
            page = await context.new_page()
            started = time.perf_counter()
            await page.goto(base + MAP_URL)
            await page.wait_for_selector('[data-testid="map"][data-idle="true"]', timeout=120_000)
            maps.append(time.perf_counter() - started)
            geojson = await page.evaluate(
                "fetch('/api/v1/meta').then(r => r.json()).then(m => m.airports_geojson_url)"
            )
            floor_ms, count = await page.evaluate(FLOOR_SCRIPT, geojson)
            floors.append(floor_ms / 1000)
            await context.close()
        await browser.close()
    first, floor = statistics.median(maps), statistics.median(floors)
    print(
        f"{label:<28} {count:>7,} airports  map idle {first:5.2f} s (median of {RUNS}, "
        f"best {min(maps):.2f})  floor {floor:5.2f} s  ratio {first / floor:5.1f}×"
    )


def load(url: str, directory: Path, countries: str) -> None:
    run_measured(
        [sys.executable, "-m", "importer", "run", "--products", "airports",
         "--source-dir", str(directory), "--cycle", CYCLE, "--countries", countries],
        {"PIREP_DATABASE_URL": url},
    )  # fmt: skip


def main() -> None:
    require_data()
    with tempfile.TemporaryDirectory(prefix="pirep-bench-spa-") as spa:
        out = Path(spa)
        build_spa(out)
        with cluster() as server, source_dir() as directory:
            for label, countries in (("US + Canada (default)", "CA"), ("--countries ALL", "ALL")):
                url = migrated_database(server, f"bench_fe_{countries.lower()}")
                load(url, directory, countries)
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
