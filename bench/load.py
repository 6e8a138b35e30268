"""Load and soak: `pirep serve` as production runs it (two uvicorn workers on these two cores,
production settings, the full-scale data set) under a realistic mix from wrk, over loopback.

The mix, per 1,000 requests: 300 map loads that revalidate the GeoJSON (If-None-Match with
the last ETag seen: 304 unless the map changed), 30 full GeoJSON downloads, 370 airport pages,
150 searches, 130 histories, 15 edits (many of them conflicting: 409) and 5 comment posts
(PIREP_LOAD_WRITES=20 per 1,000; the histories take what the writes leave), as 1,024 clients
told apart by X-Forwarded-For (so the rate limits count per client, as behind the load
balancer). Writes use a known user's API
token. An answer of 500 or more, or a socket error, is an error; 304, 409 and 429 are not.

The step tests run three mixes in one run: reads only, the default (PIREP_LOAD_WRITES, 20 per
1,000) and 50 per 1,000, taking turns at each level of connections, and print each one's
sustained throughput against the reads-only mix's. During the mixes with writes a second user
edits one airport four times a second, timed on its own: an edit's p99 under load. When no
level meets the target it says so, and the soak runs at the lowest level's rate.

    python -m bench.load                 # the step tests: throughput at which p99 ≤ 200 ms
    python -m bench.load --soak 1800     # then half that rate for 30 minutes, sampled
    python -m bench.load --soak 1800 --rate 150   # the soak alone, at a given rate

The soak samples every 10 s the API processes' resident memory and PostgreSQL's connections,
prints their curves, checks RSS growth ≤ 5 % and stable connections, and plots
docs/soak.png.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from api.core.settings import PROJECT_ROOT, Settings
from api.dependencies import SESSION_COOKIE
from bench._support import cluster, load_full_scale, migrated_database, require_data, source_dir
from tests.hardening.faults import Api

STEP_SECONDS = int(os.environ.get("PIREP_BENCH_SECONDS", "20"))
WARM_UP_SECONDS = int(os.environ.get("PIREP_LOAD_WARM_UP", "60"))
CONNECTIONS = (2, 4, 8, 16, 32, 64)
# The mixes measured, in writes per 1,000 requests: reads only, the default, and 5 %.
DEFAULT_WRITES = int(os.environ.get("PIREP_LOAD_WRITES", "20"))
MIXES = sorted({0, DEFAULT_WRITES, 50})
P99_TARGET_MS = 200.0
WORKERS = 2
PASSWORD = "a long load-test password"  # noqa: S105 - a throwaway local account
# Production settings, with production's rate limits (counted per X-Forwarded-For client).
PRODUCTION = {
    "PIREP_ENVIRONMENT": "production",
    "PIREP_LOG_FORMAT": "json",
    # Cloudflare's published test keys: production settings require keys.
    "PIREP_TURNSTILE_SITE_KEY": "1x00000000000000000000AA",
    "PIREP_TURNSTILE_SECRET_KEY": "1x0000000000000000000000000000000AA",
    "PIREP_WRITE_LIMIT_PER_MINUTE": str(Settings.model_fields["write_limit_per_minute"].default),
    "PIREP_READ_LIMIT_PER_MINUTE": str(Settings.model_fields["read_limit_per_minute"].default),
}

MIX_SCRIPT = r"""
local codes = {%(codes)s}
local queries = {%(queries)s}
etag = %(etag)s
local token = %(token)s
-- Globals: done() reads each thread's counters with thread:get().
counter = 0
errors5xx = 0
statuses = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000) + #threads)
end

local function client()
  return "10." .. math.random(0, 3) .. "." .. math.random(0, 15) .. "." .. math.random(1, 16)
end

request = function()
  counter = counter + 1
  local pick = math.random(1000)
  local code = codes[math.random(#codes)]
  local headers = {["X-Forwarded-For"] = client(), ["Accept-Encoding"] = "gzip"}
  if pick <= 300 then
    headers["If-None-Match"] = etag
    return wrk.format("GET", "/api/v1/airports.geojson", headers)
  elseif pick <= 330 then
    return wrk.format("GET", "/api/v1/airports.geojson", headers)
  elseif pick <= 700 then
    return wrk.format("GET", "/api/v1/airports/" .. code, headers)
  elseif pick <= 850 then
    local query = queries[math.random(#queries)]
    return wrk.format("GET", "/api/v1/airports/search?q=" .. query, headers)
  elseif pick <= %(reads)s then
    return wrk.format("GET", "/api/v1/airports/" .. code .. "/history", headers)
  end
  headers["Authorization"] = "Bearer " .. token
  headers["Content-Type"] = "application/json"
  if pick <= %(reads)s + (1000 - %(reads)s) * 3 / 4 then
    local body = '{"description": {"text": "Load test note ' .. counter ..
      '", "base": "37a6259cc0c1dae2"}}'
    return wrk.format("PATCH", "/api/v1/airports/" .. code, headers, body)
  end
  return wrk.format("POST", "/api/v1/airports/" .. code .. "/comments", headers,
    '{"body": "Fuel available, self serve (load test ' .. counter .. ')."}')
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  -- A browser keeps the ETag of the map it has: after a change it gets the new one once.
  local tag = headers["etag"] or headers["ETag"]
  if status == 200 and tag and string.find(headers["content-type"] or "", "geo") then
    etag = tag
  end
  if status >= 500 then
    errors5xx = errors5xx + 1
  end
end

%(delay)s

function done(summary, latency, requests)
  local total5xx = 0
  local merged = {}
  for _, thread in ipairs(threads) do
    total5xx = total5xx + thread:get("errors5xx")
    for status, count in pairs(thread:get("statuses")) do
      merged[tostring(status)] = (merged[tostring(status)] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do
    table.insert(parts, '"' .. status .. '": ' .. count)
  end
  io.write("RESULT {" .. '"errors5xx": ' .. total5xx .. ', "socket_errors": ' ..
    (summary.errors.connect + summary.errors.read + summary.errors.write +
     summary.errors.timeout) ..
    ', "requests": ' .. summary.requests .. ', "seconds": ' .. summary.duration / 1e6 ..
    ', "p50_ms": ' .. latency:percentile(50) / 1000 ..
    ', "p99_ms": ' .. latency:percentile(99) / 1000 ..
    ', "statuses": {' .. table.concat(parts, ", ") .. "}}\n")
end
"""

SEARCHES = [
    "PAE",
    "seattle",
    "boeing",
    "spokane",
    "denver",
    "chicago",
    "oshkosh",
    "miami",
    "anchorage",
    "portland",
    "san%20fran",
    "juneau",
    "key%20west",
    "sedona",
    "CYVR",
]


def _lua(items: list[str]) -> str:
    return ", ".join(json.dumps(item) for item in items)


def write_token(base: str, url: str, email: str) -> str:
    """A known user (created in the database) signs in and makes a write token."""
    from sqlalchemy import create_engine, text

    from api.core.passwords import hash_password

    engine = create_engine(url.replace("+asyncpg", "+psycopg"))
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (role, email, password_hash, display_name, confirmed_at) "
                "VALUES ('known', :email, :hash, :name, now()) "
                "ON CONFLICT DO NOTHING"
            ),
            {"hash": hash_password(PASSWORD), "email": email, "name": email.split("@")[0]},
        )
    engine.dispose()
    with httpx.Client(base_url=base, timeout=30) as http:
        login = http.post(
            "/api/v1/sessions", json={"email": email, "password": PASSWORD}
        ).raise_for_status()
        # Sent by hand: the production cookie is Secure, which plain HTTP would not send.
        cookie = f"{SESSION_COOKIE}={login.cookies[SESSION_COOKIE]}"
        made = http.post(
            "/api/v1/users/me/tokens",
            json={"name": "load test", "scopes": ["read", "write"]},
            headers={"Cookie": cookie, "X-CSRF-Token": login.json()["csrf_token"]},
        )
    return str(made.raise_for_status().json()["token"])


def run_wrk(base: str, script: str, connections: int, seconds: int) -> dict[str, object]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        answer = subprocess.run(
            [
                "wrk",
                f"-t{min(2, connections)}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                handle.name,
                base,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=seconds + 120,
        )
    finally:
        os.unlink(handle.name)
    if answer.returncode != 0:
        sys.exit(f"wrk failed: {answer.stderr or answer.stdout}")
    output = answer.stdout
    match = re.search(r"^RESULT (.*)$", output, re.M)
    assert match is not None, output
    result: dict[str, object] = json.loads(match.group(1))
    result["rps"] = float(result["requests"]) / float(result["seconds"])  # type: ignore[arg-type]
    return result


@dataclass
class Step:
    connections: int
    rps: float
    p99_ms: float
    ok: bool


@dataclass
class EditProbe:
    """Edits of one airport by a second known user, one every ``every`` seconds, timed apart
    from the mix (wrk gives one latency for all requests): an edit's own p99 under load."""

    base: str
    token: str
    every: float = 0.25
    latencies: list[float] = field(default_factory=list)
    failures: int = 0

    def run(self, stop: threading.Event) -> None:
        with httpx.Client(
            base_url=self.base, timeout=30, headers={"Authorization": f"Bearer {self.token}"}
        ) as http:
            number = 0
            while not stop.wait(self.every):
                number += 1
                # Its own addresses, so that the write limit (per address) rarely answers.
                client = {"X-Forwarded-For": f"10.200.{number // 250 % 250}.{number % 250 + 1}"}
                try:
                    detail = http.get("/api/v1/airports/PAE", headers=client).json()
                    started = time.perf_counter()
                    answer = http.patch(
                        "/api/v1/airports/PAE",
                        headers=client,
                        json={
                            "description": {
                                "text": f"Probe {number}",
                                "base": detail["field_versions"]["description"],
                            }
                        },
                    )
                except (httpx.HTTPError, KeyError, ValueError):
                    self.failures += 1
                    continue
                if answer.status_code in (200, 409):
                    self.latencies.append((time.perf_counter() - started) * 1000)
                elif answer.status_code != 429:
                    self.failures += 1

    def p99_ms(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


# Where the mix script says how many of 1,000 requests are reads (the rest are writes).
READS = "READS_PER_1000"


def with_writes(script: str, writes: int) -> str:
    """The mix script with ``writes`` writes per 1,000 requests."""
    return script.replace(READS, str(1000 - writes))


def step(base: str, mix: str, writes: int, connections: int, probe_token: str) -> Step:
    """One level of connections of the mix ``mix`` (``writes`` per 1,000), printed as a row."""
    probe = EditProbe(base, probe_token)
    stop = threading.Event()
    prober = threading.Thread(target=probe.run, args=(stop,), daemon=True)
    if writes:
        prober.start()
    result = run_wrk(base, mix, connections, STEP_SECONDS)
    stop.set()
    if writes:
        prober.join()
    ok = (
        result["p99_ms"] <= P99_TARGET_MS  # type: ignore[operator]
        and result["errors5xx"] == 0
        and result["socket_errors"] == 0
        and probe.failures == 0
    )
    edit = f"{probe.p99_ms():>10.1f}" if writes else f"{'-':>10}"
    print(
        f"{connections:>11}{writes:>8}{result['rps']:>9.0f}{result['p50_ms']:>9.1f}"
        f"{result['p99_ms']:>9.1f}{edit}{result['errors5xx']:>6}{result['socket_errors']:>8}  "
        f"{result['statuses']}{'' if ok else '  (over target)'}",
        flush=True,
    )
    return Step(connections, float(result["rps"]), float(result["p99_ms"]), ok)  # type: ignore[arg-type]


def step_tests(base: str, script: str, probe_token: str) -> dict[int, list[Step]]:
    """Every mix at each level of connections. The mixes take turns at each level, so that
    the ones compared ran within a minute of each other: this machine's speed drifts by a
    fifth from one ten minutes to the next, which mixes run one after the other would take
    for a difference between them."""
    print(
        f"step tests, {', '.join(str(writes) for writes in MIXES)} writes per 1,000 in turn at "
        f"each level: {STEP_SECONDS} s per step, {WORKERS} uvicorn workers, 2 cores shared with "
        "wrk and PostgreSQL"
    )
    print(
        f"{'connections':>11}{'writes':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'edit p99':>10}"
        f"{'5xx':>6}{'socket':>8}  statuses"
    )
    steps: dict[int, list[Step]] = {writes: [] for writes in MIXES}
    for connections in CONNECTIONS:
        for writes in MIXES:
            mix = with_writes(script, writes)
            steps[writes].append(step(base, mix, writes, connections, probe_token))
    return steps


def sustained(steps: list[Step]) -> float:
    """The highest throughput of a level within the target (0 when none is)."""
    return max((step.rps for step in steps if step.ok), default=0.0)


def soak_rate(steps: list[Step]) -> float:
    """Half the sustained throughput; when no level met the target, the lowest level's rate."""
    best = sustained(steps)
    if best:
        return best / 2
    print("no level met the target: the soak runs at the lowest level's rate")
    return steps[0].rps


def soak(
    base: str,
    script: str,
    rate: float,
    seconds: int,
    server: psutil.Process,
    connections_now: Callable[[], int],
) -> None:
    connections = 16
    delay_ms = connections / rate * 1000
    paced = script.replace("-- DELAY --", f"function delay()\n  return {delay_ms:.2f}\nend")
    samples: list[tuple[float, float, int]] = []
    stop = threading.Event()
    started = time.monotonic()

    def sample() -> None:
        while not stop.wait(10):
            processes = [server, *server.children(recursive=True)]
            rss = sum(p.memory_info().rss for p in processes if p.is_running()) / 2**20
            samples.append((time.monotonic() - started, rss, connections_now()))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    result = run_wrk(base, paced, connections, seconds)
    stop.set()
    sampler.join()
    warm = [s for s in samples if s[0] >= 120]  # after two minutes of warm-up
    first = sum(s[1] for s in warm[:12]) / max(1, len(warm[:12]))
    last = sum(s[1] for s in warm[-12:]) / max(1, len(warm[-12:]))
    growth = (last - first) / first * 100 if first else 0.0
    connections_seen = sorted({s[2] for s in samples})
    print(
        f"soak: {seconds / 60:.0f} min at {result['rps']:.0f} req/s (asked {rate:.0f}); "
        f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms; "
        f"5xx {result['errors5xx']}, socket errors {result['socket_errors']}; "
        f"statuses {result['statuses']}"
    )
    print(
        f"  API memory (RSS of {WORKERS} workers + supervisor): {first:.0f} MB after warm-up, "
        f"{last:.0f} MB at the end: {growth:+.1f} % (target ≤ 5 %)"
    )
    print(
        f"  PostgreSQL connections over the run: {connections_seen} (stable: "
        f"{'yes' if max(connections_seen) - min(connections_seen) <= 2 * WORKERS else 'no'})"
    )
    print(
        "  curve (minute: RSS MB, connections): "
        + ", ".join(f"{s[0] / 60:.0f}: {s[1]:.0f}, {s[2]}" for s in samples[::6])
    )
    _plot(samples)


def _plot(samples: list[tuple[float, float, int]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, memory = plt.subplots(figsize=(8, 3.5))
    minutes = [s[0] / 60 for s in samples]
    memory.plot(minutes, [s[1] for s in samples], color="tab:blue", linewidth=2)
    memory.set_xlabel("minutes")
    memory.set_ylabel("API RSS (MB)", color="tab:blue")
    memory.set_ylim(0, max(s[1] for s in samples) * 1.25)
    connections = memory.twinx()
    connections.plot(minutes, [s[2] for s in samples], color="tab:orange", linestyle="--")
    connections.set_ylabel("PostgreSQL connections", color="tab:orange")
    # Twice the most connections: two flat lines of the same height would hide each other.
    connections.set_ylim(0, max(s[2] for s in samples) * 2)
    figure.suptitle("Soak: API memory and database connections")
    figure.tight_layout()
    target = PROJECT_ROOT / "docs" / "soak.png"
    figure.savefig(target, dpi=100)
    print(f"  plot: {target.relative_to(PROJECT_ROOT)}")


def database_connections(url: str) -> int:
    """Connections of the API to its database now."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("+asyncpg", "+psycopg"))
    with engine.connect() as connection:
        count = connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
        )
    engine.dispose()
    return int(count or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--soak", type=int, default=0, help="Soak seconds after the steps.")
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="Soak rate; default: half the sustained throughput of the step test.",
    )
    arguments = parser.parse_args()
    require_data()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    with (
        cluster() as server,
        source_dir() as directory,
        tempfile.TemporaryDirectory(prefix="pirep-load-") as work,
    ):
        url = migrated_database(server, "bench_load")
        load_full_scale(url, directory)
        api = Api(url, Path(work), workers=WORKERS, settings=PRODUCTION)
        api.start()
        base = api.url
        try:
            etag = httpx.get(f"{base}/api/v1/airports.geojson", timeout=30).headers["ETag"]
            codes = _codes(url)
            script = MIX_SCRIPT % {
                "codes": _lua(codes),
                "queries": _lua(SEARCHES),
                "etag": json.dumps(etag),
                "token": json.dumps(write_token(base, url, "load@example.com")),
                "delay": "-- DELAY --",
                "reads": READS,
            }
            # Steady state: a minute of the mix first, so that most airports the writers pick
            # already have pilots' content (a first note changes the map; later ones do not).
            warm = run_wrk(base, with_writes(script, DEFAULT_WRITES), 8, WARM_UP_SECONDS)
            print(
                f"warm-up: {WARM_UP_SECONDS} s at {warm['rps']:.0f} req/s, p99 "
                f"{warm['p99_ms']:.0f} ms (first notes on airports: each changes the map)"
            )
            # With a rate given, the soak alone.
            rate = arguments.rate
            if not rate:
                probe = write_token(base, url, "probe@example.com")
                rate = soak_rate(measure_mixes(base, script, probe))
            if arguments.soak:
                soak(
                    base,
                    with_writes(script, DEFAULT_WRITES),
                    rate,
                    arguments.soak,
                    psutil.Process(api.process.pid if api.process else 0),
                    lambda: database_connections(url),
                )
        finally:
            api.stop()


def measure_mixes(base: str, script: str, probe_token: str) -> list[Step]:
    """The step tests of the mixes, and each one's throughput against the reads-only mix's;
    the default mix's steps."""
    mixes = step_tests(base, script, probe_token)
    reads_only = sustained(mixes[0])
    print(f"sustained (p99 ≤ {P99_TARGET_MS:.0f} ms, no error), each mix against the reads-only:")
    for writes, steps in mixes.items():
        at_8 = next(step for step in steps if step.connections == 8)
        best = sustained(steps)
        ratio = f"{best / reads_only:.0%}" if reads_only else "n/a"
        said = f"{best:>6.0f} req/s ({ratio})" if best else "no level within the target: 0 req/s"
        print(f"  {writes:>3} writes per 1,000: {said}; p99 at 8 connections {at_8.p99_ms:.1f} ms")
    return mixes[DEFAULT_WRITES]


def _codes(url: str) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("+asyncpg", "+psycopg"))
    with engine.connect() as connection:
        codes = list(
            connection.scalars(
                text(
                    "SELECT code FROM airports WHERE facility_type = 'airport' ORDER BY md5(code) "
                    "LIMIT 2000"
                )
            )
        )
    engine.dispose()
    return codes


if __name__ == "__main__":
    main()
