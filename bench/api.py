"""Benchmark: API throughput and latency against a bare endpoint in the same server.

Loads the full-scale cycle (with Canada) into a throwaway PostgreSQL, starts uvicorn (one
worker, as `pirep serve` runs it) with the API and a bare FastAPI endpoint that returns a
constant, then drives each endpoint with wrk at a fixed concurrency, in the same run:
detail (rotating airport codes), search (rotating queries; and, uncached, more distinct
questions than its cache holds), the airports GeoJSON with and
without a matching If-None-Match, pages of 1,000 of the change feed, and the airports' vector
tiles.
"""

from __future__ import annotations

import os
import shutil
import sys
import urllib.request

import morecantile

from api.core.settings import Settings
from api.feed.service import FullPages
from bench._support import (
    BENCH_SECONDS,
    cluster,
    load_full_scale,
    migrated_database,
    require_data,
    source_dir,
    uvicorn_server,
    wrk,
)

SEARCH_CACHE_SIZE = Settings.model_fields["search_cache_size"].default
CONNECTIONS = [int(value) for value in os.environ.get("PIREP_BENCH_CONNECTIONS", "8,16").split(",")]

SEARCH_QUERIES = [
    "PAE",
    "KSEA",
    "seattle",
    "paine",
    "boeing fld",
    "spokane",
    "revelstok",
    "vancouver",
    "denver intl",
    "chicago",
    "oshkosh",
    "miami",
    "anchorage",
    "merrill",
    "portland",
    "san fran",
    "john wayne",
    "cape cod",
    "juneau",
    "key west",
    "sedona",
    "moab",
    "aspen",
    "lake tahoe",
    "catalina",
    "0S9",
    "W16",
    "S43",
    "CYVR",
    "CYYC",
]


def main() -> None:
    require_data()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    with cluster() as server, source_dir() as directory:
        url = migrated_database(server, "bench_api")
        load_full_scale(url, directory)
        server_env = {
            "PIREP_DATABASE_URL": url,
            "PIREP_ENVIRONMENT": "production",
            # Cloudflare's published test keys: production settings require keys.
            "PIREP_TURNSTILE_SITE_KEY": "1x00000000000000000000AA",
            "PIREP_TURNSTILE_SECRET_KEY": "1x0000000000000000000000000000000AA",
            # wrk reads from one address: the limit still counts, it never refuses.
            "PIREP_READ_LIMIT_PER_MINUTE": "1000000000",
            # Every vector tile is cut by PostGIS, none kept by the process.
            "PIREP_TILE_CACHE_BYTES": "0",
        }
        with uvicorn_server("bench.api_app:create_bench_app", server_env) as base:
            with urllib.request.urlopen(f"{base}/api/v1/airports.geojson") as response:  # noqa: S310
                etag = response.headers["ETag"]
            codes = [
                "PAE",
                "KSEA",
                "SEA",
                "BFI",
                "CYVR",
                "CYRV",
                "ORD",
                "DEN",
                "S43",
                "W16",
                "0S9",
                "LAX",
                "JFK",
                "OSH",
                "ANC",
                "MIA",
                "EYW",
                "SFO",
                "PDX",
                "GEG",
            ]
            cases = [
                ("bare FastAPI constant", ["/bench/bare"], {}),
                ("GET /airports/{code}", [f"/api/v1/airports/{c}" for c in codes], {}),
                (
                    "GET /airports/search?q=",
                    [
                        f"/api/v1/airports/search?q={urllib.request.quote(q)}"
                        for q in SEARCH_QUERIES
                    ],
                    {},
                ),
                (
                    # More distinct questions than the search cache holds, asked in turn: each
                    # one has left the cache when it comes again, so every answer is a query.
                    "GET /airports/search uncached",
                    [
                        f"/api/v1/airports/search?q={urllib.request.quote(q)}"
                        f"&lat={25 + (i % 25)}&lon={-125 + (i // 25) * 10}"
                        for q in SEARCH_QUERIES
                        for i in range(SEARCH_CACHE_SIZE // len(SEARCH_QUERIES) + 50)
                    ],
                    {},
                ),
                (
                    "GET /airports.geojson 304",
                    ["/api/v1/airports.geojson"],
                    {"If-None-Match": etag, "Accept-Encoding": "gzip"},
                ),
                (
                    "GET /airports.geojson 200 gzip",
                    ["/api/v1/airports.geojson"],
                    {"Accept-Encoding": "gzip"},
                ),
                (
                    # The change feed as mirrors catching up from the same export read it:
                    # pages of 1,000 over the changes the load recorded (one per airport).
                    "GET /changes, 1,000 a page",
                    [f"/api/v1/changes?after={k * 1000}&limit=1000" for k in range(20)],
                    {"Accept-Encoding": "gzip"},
                ),
                (
                    # Each page at a cursor of its own, more than the process keeps: every
                    # answer is read from the database.
                    "GET /changes uncached",
                    [
                        f"/api/v1/changes?after={k * 7}&limit=1000"
                        for k in range(FullPages.max_entries * 3)
                    ],
                    {"Accept-Encoding": "gzip"},
                ),
                (
                    # Every tile of the contiguous United States at zooms 3 to 9, in turn:
                    # none is kept by the server, each one is cut by PostGIS.
                    "GET /tiles/airports uncached",
                    [
                        f"/api/v1/tiles/airports/{tile.z}/{tile.x}/{tile.y}.mvt"
                        for tile in morecantile.tms.get("WebMercatorQuad").tiles(
                            -125, 25, -67, 49, zooms=list(range(3, 10))
                        )
                    ],
                    {"Accept-Encoding": "gzip"},
                ),
            ]
            results = {
                connections: [
                    (label, wrk(base, connections, paths, headers))
                    for label, paths, headers in cases
                ]
                for connections in CONNECTIONS
            }
    for connections, table in results.items():
        bare = table[0][1]["rps"]
        print(
            f"API, one uvicorn worker, wrk 1 thread × {connections} connections × "
            f"{BENCH_SECONDS} s per endpoint, full-scale data set"
        )
        print(
            f"{'endpoint':<32}{'req/s':>9}{'% of bare':>11}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        )
        for label, result in table:
            print(
                f"{label:<32}{result['rps']:>9.0f}{result['rps'] / bare:>10.0%}"
                f"{result['p50_ms']:>9.2f}{result['p99_ms']:>9.2f}{result['errors']:>8.0f}"
            )
    print(
        "targets: detail ≥ 40 % of bare; search p99 ≤ 30 ms at 16 connections;"
        " geojson 304 ≥ 80 % of bare; a change feed page of 1,000 p99 ≤ 20 ms at 8 connections;"
        " an airports vector tile p99 ≤ 25 ms at 8 connections, uncached"
    )


if __name__ == "__main__":
    main()
