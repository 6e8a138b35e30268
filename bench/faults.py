"""The long fault runs (short ones are in `make test`: tests/hardening/test_faults.py and
test_importer_kills.py).

1. The importer killed twenty times at random points of real runs (reading sources, loading,
   activation, fetching and tiling charts, writing tiles): after each kill the active cycles,
   the data, what users wrote and the stored tiles are exactly as before (or, for a kill just
   after the last transaction, the whole new cycle is there); then both runs complete.
2. PostgreSQL crashed (immediate stop) and the API killed, ten times each, under eight
   concurrent editors: /health goes 503 and back to 200 without a restart, and no
   acknowledged edit is lost.

    python -m bench.faults [--kills 20] [--crashes 10]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench._support import cluster, migrated_database
from tests.hardening.faults import Api, Editors, check_nothing_lost, database, sample_codes
from tests.hardening.importer_kills import Kills

POINTS = (
    ("airports", "fetching and reading sources", 0.15),
    ("airports", "loading", 0.3),  # loading, then activation
    ("charts", "fetching the chart archives", 6.0),  # reading the zip, tiling, writing tiles
)


def importer_kills(count: int) -> None:
    with cluster() as server, tempfile.TemporaryDirectory(prefix="pirep-kills-") as work:
        url = migrated_database(server, "kills")  # alembic runs its own event loop
        asyncio.run(_importer_kills(Kills(url, Path(work)), count))


async def _importer_kills(kills: Kills, count: int) -> None:
    rng = random.Random(2026)
    await kills.prepare()
    outcomes = []
    for number in range(1, count + 1):
        kind, step, window = rng.choice(POINTS)
        outcome = await kills.kill_at(kind, step, rng.uniform(0, window))
        outcomes.append(outcome)
        state = "interrupted, nothing changed" if outcome["interrupted"] else "completed"
        print(
            f"  kill {number:2d}: {kind} run, {outcome['delay']:.2f} s after "
            f"{step!r} (at {outcome['step']!r}): {state}",
            flush=True,
        )
    await kills.complete("airports")
    await kills.complete("charts")
    interrupted = Counter(o["step"] for o in outcomes if o["interrupted"])
    print(
        f"importer: {len(outcomes)} kills, {sum(interrupted.values())} mid-run "
        f"({', '.join(f'{step}: {n}' for step, n in interrupted.most_common())}), "
        f"{len(outcomes) - sum(interrupted.values())} just after the last transaction; "
        "nothing lost or half-written; both runs completed afterwards"
    )


async def database_and_api(crashes: int) -> None:
    async with database() as db:
        with tempfile.TemporaryDirectory(prefix="pirep-faults-api-") as work:
            api = Api(db.url, Path(work))
            api.start()
            editors = Editors(api.url, await sample_codes(db.url))
            load = asyncio.create_task(editors.run())
            down: list[float] = []
            back: list[float] = []
            try:
                for _ in range(crashes):
                    await asyncio.sleep(2)
                    await asyncio.to_thread(db.crash)
                    down.append(await asyncio.to_thread(api.wait_for_health, 503, 15))
                    await asyncio.sleep(1)
                    started = time.monotonic()
                    await asyncio.to_thread(db.start)
                    await asyncio.to_thread(api.wait_for_health, 200, 30)
                    back.append(time.monotonic() - started)
                for _ in range(crashes):
                    await asyncio.sleep(2)
                    await asyncio.to_thread(api.kill)
                    await asyncio.to_thread(api.start)
                await asyncio.sleep(2)
                editors.stopping = True
                await load
            finally:
                api.stop()
            figures = await check_nothing_lost(db.url, editors)
    print(
        f"database and API: {crashes} PostgreSQL crashes (health 503 within "
        f"{max(down):.1f} s, 200 again within {max(back):.1f} s of the restart, no API "
        f"restart) and {crashes} API kills under {len(editors.codes)} editors: "
        f"{figures['acknowledged']} acknowledged edits, all stored "
        f"({figures['versions']} versions); refused meanwhile: {dict(editors.failures)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--crashes", type=int, default=10)
    arguments = parser.parse_args()
    importer_kills(arguments.kills)
    asyncio.run(database_and_api(arguments.crashes))


if __name__ == "__main__":
    main()
