"""Faults under load, short runs (the long ones: `make faults`, bench/faults.py).

- PostgreSQL crashes (immediate stop, no checkpoint) while editors write: /health answers 503
  while it is down and 200 again once it is back, without restarting the API, and every edit
  the API acknowledged is there afterwards, none half-written.
- The API is killed (SIGKILL) while editors write: once started again, the same holds.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.hardening.faults import Api, Editors, check_nothing_lost, database, sample_codes


async def test_a_database_crash_under_load_loses_no_acknowledged_edit(tmp_path: Path) -> None:
    async with database() as db:
        api = Api(db.url, tmp_path)
        api.start()
        try:
            editors = Editors(api.url, await sample_codes(db.url))
            load = asyncio.create_task(editors.run())
            for _ in range(2):
                await asyncio.sleep(2)  # the editors write meanwhile
                before = editors.count
                await asyncio.to_thread(db.crash)
                assert await asyncio.to_thread(api.wait_for_health, 503, 15) < 15
                await asyncio.sleep(1)  # writes fail meanwhile, with the API's error shape
                await asyncio.to_thread(db.start)
                # The API comes back on its own: its pool drops the dead connections.
                await asyncio.to_thread(api.wait_for_health, 200, 30)
                await asyncio.sleep(2)  # the editors write meanwhile
                assert editors.count > before, "no edit succeeded after the restart"
            editors.stopping = True
            await load
        finally:
            api.stop()
        figures = await check_nothing_lost(db.url, editors)
    assert figures["acknowledged"] > 20
    assert any(what.startswith("PATCH 503") or "Error" in what for what in editors.failures)


async def test_a_killed_api_loses_no_acknowledged_edit(tmp_path: Path) -> None:
    async with database() as db:
        api = Api(db.url, tmp_path)
        api.start()
        try:
            editors = Editors(api.url, await sample_codes(db.url))
            load = asyncio.create_task(editors.run())
            for _ in range(3):
                await asyncio.sleep(1.5)
                before = editors.count
                await asyncio.to_thread(api.kill)  # requests in flight are cut
                await asyncio.to_thread(api.start)
                await asyncio.sleep(1.5)
                assert editors.count > before
            editors.stopping = True
            await load
        finally:
            api.stop()
        figures = await check_nothing_lost(db.url, editors)
        # Transactions the kill cut were rolled back by PostgreSQL, not left open.
        open_transactions = await db.scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'"
        )
    assert open_transactions == 0
    assert figures["acknowledged"] > 20
