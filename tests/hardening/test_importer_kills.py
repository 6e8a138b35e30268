"""The importer killed at three points of real runs (loading a new cycle, its activation,
tiling): nothing changes, and the next runs complete. Twenty random kills:
bench/importer_kills.py."""

from __future__ import annotations

from pathlib import Path

from tests.hardening.importer_kills import NEXT_CHART_CYCLE, NEXT_CYCLE, USER_TEXT, Kills
from tests.importer.test_run import query


async def test_a_killed_import_changes_nothing_and_the_next_run_completes(
    fresh_database: str, tmp_path: Path
) -> None:
    kills = Kills(fresh_database, tmp_path)
    await kills.prepare()
    done = [
        await kills.kill_at("airports", "loading", 0.0),
        await kills.kill_at("airports", "fetching and reading sources", 0.1),
        await kills.kill_at("charts", "fetching the chart archives", 1.5),
    ]
    # Each left nothing changed, or (killed just after its last transaction) its whole cycle.
    assert sum(outcome["interrupted"] for outcome in done) >= 2, done

    await kills.complete("airports")
    await kills.complete("charts")
    active = dict(await query(fresh_database, "SELECT product, cycle FROM faa_data_cycles"))
    assert (active["airports"], active["charts"]) == (NEXT_CYCLE, NEXT_CHART_CYCLE)
    renamed = await query(
        fresh_database, "SELECT count(*) FROM airports WHERE name LIKE '%RENAMED'"
    )
    assert renamed == [(20,)]
    # What the user wrote survived the kills and the new cycle.
    assert await query(fresh_database, "SELECT description FROM airports WHERE code = 'PAE'") == [
        (USER_TEXT,)
    ]
