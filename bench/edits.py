"""Benchmark: wiki edits under concurrency, and the history of a much-edited airport.

One uvicorn worker serves the API on a throwaway PostgreSQL. Eight clients, each signed in
as a pilot of its own and editing an airport of its own, send edits for PIREP_BENCH_SECONDS:
a real edit (`PATCH /api/v1/airports/{code}`: row lock, version check, version row, action,
points, detail document answered) against the floor, a bare single-row UPDATE through the same
stack (`PATCH /bench/update/{code}`: middleware, authentication, session, commit). Then wrk
reads the history of an airport with 1,000 versions, 20 per page.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from api.core import tokens
from bench._support import BENCH_SECONDS, cluster, migrated_database, uvicorn_server, wrk

CLIENTS = 8
EMPTY_VERSION = "37a6259cc0c1dae2"


async def prepare(url: str) -> list[dict[str, str]]:
    """An airport and a signed-in pilot per client, and an airport with 1,000 versions."""
    engine = create_async_engine(url)
    clients = []
    async with engine.begin() as connection:
        for number in range(CLIENTS + 1):
            await connection.execute(
                sa.text(
                    "INSERT INTO airports (code, name, latitude, longitude, facility_type, "
                    "landing_rights, data_source) VALUES (:code, :name, 47.5, -121.5, "
                    "'airport', 'public', 'user_contributed')"
                ),
                {"code": f"B{number:03d}", "name": f"Bench field {number}"},
            )
        for number in range(CLIENTS):
            user_id = await connection.scalar(
                sa.text(
                    "INSERT INTO users (role, email, confirmed_at) "
                    "VALUES ('known', :email, now()) RETURNING id"
                ),
                {"email": f"bench{number}@example.com"},
            )
            token = tokens.new_token()
            await connection.execute(
                sa.text(
                    "INSERT INTO sessions (user_id, token_hash, expires_at) "
                    "VALUES (:user, :hash, now() + interval '1 day')"
                ),
                {"user": user_id, "hash": tokens.token_hash(token)},
            )
            clients.append(
                {"code": f"B{number:03d}", "cookie": token, "csrf": tokens.csrf_token(token)}
            )
        await connection.execute(
            sa.text(
                "INSERT INTO versions (item_type, item_id, airport_id, event, whodunnit_id, "
                "object_changes, created_at) "
                "SELECT 'airport', a.id, a.id, 'update', NULL, "
                "jsonb_build_object('description', jsonb_build_array(n - 1, n)), "
                "now() - make_interval(mins => n) "
                "FROM airports a, generate_series(1, 1000) n WHERE a.code = :code"
            ),
            {"code": f"B{CLIENTS:03d}"},
        )
    await engine.dispose()
    return clients


async def hammer(base: str, clients: list[dict[str, str]], real: bool) -> dict[str, Any]:
    deadline = time.perf_counter() + BENCH_SECONDS
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def one_client(client: dict[str, str]) -> None:
        version = EMPTY_VERSION
        headers = {"X-CSRF-Token": client["csrf"]}
        async with httpx.AsyncClient(
            base_url=base, cookies={"pirep_session": client["cookie"]}, headers=headers
        ) as http:
            number = 0
            while time.perf_counter() < deadline:
                number += 1
                text = f"Edit {number} by {client['code']}"
                started = time.perf_counter()
                if real:
                    answer = await http.patch(
                        f"/api/v1/airports/{client['code']}",
                        json={"description": {"text": text, "base": version}},
                    )
                    if answer.status_code == 200:
                        version = answer.json()["wiki"]["description"]["version"]
                    elif answer.status_code == 409:
                        version = answer.json()["conflicts"][0]["version"]
                else:
                    answer = await http.patch(
                        f"/bench/update/{client['code']}", json={"text": text}
                    )
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

    await asyncio.gather(*(one_client(client) for client in clients))
    latencies.sort()
    return {
        "rps": len(latencies) / BENCH_SECONDS,
        "p50": statistics.median(latencies),
        "p99": latencies[int(len(latencies) * 0.99)],
        "statuses": statuses,
    }


def main() -> None:
    with cluster() as server:
        url = migrated_database(server, "bench_edits")
        clients = asyncio.run(prepare(url))
        environment = {
            "PIREP_DATABASE_URL": url,
            "PIREP_WRITE_LIMIT_PER_MINUTE": "100000000",
            "PIREP_READ_LIMIT_PER_MINUTE": "100000000",
        }
        with uvicorn_server("bench.api_app:create_bench_app", environment) as base:
            floor = asyncio.run(hammer(base, clients, real=False))
            edits = asyncio.run(hammer(base, clients, real=True))
            history = wrk(
                base,
                8,
                [f"/api/v1/airports/B{CLIENTS:03d}/history?page={page}" for page in range(1, 51)],
                {},
            )
    print(f"Edits, one uvicorn worker, {CLIENTS} concurrent clients × {BENCH_SECONDS} s")
    print(f"{'request':<44}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}  statuses")
    for label, result in (
        ("bare UPDATE of one row (floor)", floor),
        ("PATCH /airports/{code} (version checked)", edits),
    ):
        print(
            f"{label:<44}{result['rps']:>8.0f}{result['p50']:>9.2f}{result['p99']:>9.2f}  "
            f"{result['statuses']}"
        )
    print(f"edit throughput: {edits['rps'] / floor['rps']:.0%} of the floor (target ≥ 30 %)")
    print(
        f"history of an airport with 1,000 versions, 20 per page, wrk 8 connections: "
        f"{history['rps']:.0f} req/s, p50 {history['p50_ms']:.2f} ms, "
        f"p99 {history['p99_ms']:.2f} ms, {history['errors']:.0f} errors (target p99 ≤ 50 ms)"
    )


if __name__ == "__main__":
    main()
