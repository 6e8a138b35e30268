"""Benchmark: logins, authenticated requests and the rate limiters.

One uvicorn worker serves the API on a throwaway PostgreSQL; wrk drives, in the same run:
logins (argon2 on every one), GET /api/v1/users/me with a session cookie and with an API
token, and the same route anonymously (a 401 that needs no database) as the baseline. The
rate limiters' own cost is measured in-process: one counter update of the write limiter, one
hit of the batched read limiter.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import urllib.request

from sqlalchemy.ext.asyncio import create_async_engine

from api.core import ratelimit
from api.core.db import session_factory
from bench._support import BENCH_SECONDS, cluster, migrated_database, uvicorn_server, wrk

EMAIL, PASSWORD = "bench@example.com", "correct horse battery"


def _post(
    url: str, payload: dict[str, object], headers: dict[str, str] | None = None
) -> tuple[dict[str, object], str]:
    request = urllib.request.Request(  # noqa: S310 - a local server
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        body = response.read()
        return (json.loads(body) if body else {}), response.headers.get("Set-Cookie", "")


async def _limiter_latency(url: str, count: int = 2000) -> tuple[float, float]:
    engine = create_async_engine(url, pool_size=2)
    factory = session_factory(engine)
    timings = []
    for number in range(count):
        started = time.perf_counter()
        await ratelimit.hit(factory, f"write:bench-{number % 50}", 10_000)
        timings.append((time.perf_counter() - started) * 1000)
    await engine.dispose()
    return _p50_p99(timings)


async def _read_limiter_latency(url: str, seconds: float = 3.0) -> tuple[float, float, int]:
    """Airport page reads from 50 addresses as fast as they come: counted in memory, flushed
    to PostgreSQL once a second."""
    engine = create_async_engine(url, pool_size=2)
    factory = session_factory(engine)
    limiter = ratelimit.BatchedLimiter(1_000_000_000)
    timings = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        await limiter.hit(factory, f"read:bench-{len(timings) % 50}")
        timings.append((time.perf_counter() - started) * 1000)
    await engine.dispose()
    return (*_p50_p99(timings), len(timings))


def _p50_p99(timings: list[float]) -> tuple[float, float]:
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.99)]


def main() -> None:
    with cluster() as server:
        url = migrated_database(server, "bench_auth")
        server_env = {"PIREP_DATABASE_URL": url, "PIREP_WRITE_LIMIT_PER_MINUTE": "1000000"}
        with uvicorn_server("api.app:create_app", server_env) as base:
            _post(f"{base}/api/v1/users", {"email": EMAIL, "password": PASSWORD})
            session, cookie = _post(
                f"{base}/api/v1/sessions", {"email": EMAIL, "password": PASSWORD}
            )
            session_cookie = cookie.split(";")[0]
            token, _ = _post(
                f"{base}/api/v1/users/me/tokens",
                {"name": "bench", "scopes": ["read"]},
                {"Cookie": session_cookie, "X-CSRF-Token": str(session["csrf_token"])},
            )
            login_body = json.dumps({"email": EMAIL, "password": PASSWORD})
            results = [
                ("anonymous GET /users/me (401)", wrk(base, 8, ["/api/v1/users/me"], {})),
                (
                    "GET /users/me, session cookie",
                    wrk(base, 8, ["/api/v1/users/me"], {"Cookie": session_cookie}),
                ),
                (
                    "GET /users/me, API token",
                    wrk(
                        base, 8, ["/api/v1/users/me"], {"Authorization": f"Bearer {token['token']}"}
                    ),
                ),
                (
                    "POST /sessions (login)",
                    wrk(
                        base,
                        2,
                        ["/api/v1/sessions"],
                        {"Content-Type": "application/json"},
                        method="POST",
                        body=login_body,
                    ),
                ),
            ]
        limiter_p50, limiter_p99 = asyncio.run(_limiter_latency(url))
        read_p50, read_p99, reads = asyncio.run(_read_limiter_latency(url))
    baseline = results[0][1]["rps"]
    print(f"Authentication, one uvicorn worker, wrk × {BENCH_SECONDS} s per row")
    print(f"{'request':<34}{'req/s':>9}{'% of anonymous':>16}{'p50 ms':>9}{'p99 ms':>9}")
    for label, result in results:
        print(
            f"{label:<34}{result['rps']:>9.0f}{result['rps'] / baseline:>15.0%}"
            f"{result['p50_ms']:>9.2f}{result['p99_ms']:>9.2f}"
        )
    print(
        f"write rate limiter, one counter update: p50 {limiter_p50:.2f} ms, "
        f"p99 {limiter_p99:.2f} ms"
    )
    print(
        f"read rate limiter (batched), one hit: p50 {read_p50 * 1000:.1f} µs, "
        f"p99 {read_p99 * 1000:.1f} µs over {reads:,} hits"
    )
    print("targets: one login ≤ 100 ms of argon2; limiter overhead ≤ 2 ms p50")


if __name__ == "__main__":
    main()
