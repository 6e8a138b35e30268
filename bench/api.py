"""Benchmark: API throughput and latency against a bare endpoint in the same server.

Loads the full-scale cycle (with Canada) into a throwaway PostgreSQL, starts uvicorn (one
worker, as `pirep serve` runs it) with the API and a bare FastAPI endpoint that returns a
constant, then drives each endpoint with wrk at a fixed concurrency, in the same run:
detail (rotating airport codes), search (rotating queries), the airports GeoJSON with and
without a matching If-None-Match.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from api.core.embedded_pg import find_free_port
from bench._support import CYCLE, cluster, migrated_database, require_data, run_measured, source_dir

DURATION_SECONDS = int(os.environ.get("PIREP_BENCH_SECONDS", "10"))
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

ROTATE_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = (i %% #paths) + 1
  return wrk.format(%s, paths[i], {%s}, %s)
end
"""


def _lua_list(items: list[str]) -> str:
    return ", ".join(json.dumps(item) for item in items)


def _wrk(
    url: str,
    connections: int,
    paths: list[str],
    headers: dict[str, str],
    method: str = "GET",
    body: str | None = None,
) -> dict[str, float]:
    header_lua = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            ROTATE_SCRIPT
            % (
                _lua_list(paths),
                json.dumps(method),
                header_lua,
                json.dumps(body) if body else "nil",
            )
        )
    args = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{DURATION_SECONDS}s",
        "--latency",
        "-s",
        script.name,
        url,
    ]
    output = subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _latency(output, "50%")
    p99 = _latency(output, "99%")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "errors": float(errors.group(1)) if errors else 0,
    }


def _latency(output: str, percentile: str) -> float:
    match = re.search(rf"{re.escape(percentile)}\s+([\d.]+)(us|ms|s)", output)
    assert match is not None, output
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            sys.exit("The API server exited during start-up.")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    sys.exit("The API server did not start.")


def main() -> None:
    require_data()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    with cluster() as server, source_dir() as directory:
        url = migrated_database(server, "bench_api")
        run_measured(
            [
                sys.executable,
                "-m",
                "importer",
                "run",
                "--source-dir",
                str(directory),
                "--cycle",
                CYCLE,
                "--json",
            ],
            {"PIREP_DATABASE_URL": url},
        )
        port = find_free_port()
        base = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.api_app:create_bench_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env={
                **os.environ,
                "PIREP_DATABASE_URL": url,
                "PIREP_ENVIRONMENT": "production",
                # Cloudflare's published test keys: production settings require keys.
                "PIREP_TURNSTILE_SITE_KEY": "1x00000000000000000000AA",
                "PIREP_TURNSTILE_SECRET_KEY": "1x0000000000000000000000000000000AA",
            },
        )
        try:
            _wait_until_up(base, process)
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
                    "GET /airports.geojson 304",
                    ["/api/v1/airports.geojson"],
                    {"If-None-Match": etag, "Accept-Encoding": "gzip"},
                ),
                (
                    "GET /airports.geojson 200 gzip",
                    ["/api/v1/airports.geojson"],
                    {"Accept-Encoding": "gzip"},
                ),
            ]
            results = {
                connections: [
                    (label, _wrk(base, connections, paths, headers))
                    for label, paths, headers in cases
                ]
                for connections in CONNECTIONS
            }
        finally:
            process.terminate()
            process.wait(timeout=30)
    for connections, table in results.items():
        bare = table[0][1]["rps"]
        print(
            f"API, one uvicorn worker, wrk 1 thread × {connections} connections × "
            f"{DURATION_SECONDS} s per endpoint, full-scale data set"
        )
        print(
            f"{'endpoint':<32}{'req/s':>9}{'% of bare':>11}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        )
        for label, result in table:
            print(
                f"{label:<32}{result['rps']:>9.0f}{result['rps'] / bare:>10.0%}"
                f"{result['p50_ms']:>9.2f}{result['p99_ms']:>9.2f}{result['errors']:>8.0f}"
            )
    print("targets: detail ≥ 40 % of bare; search p99 ≤ 50 ms; geojson 304 ≥ 80 % of bare")


if __name__ == "__main__":
    main()
