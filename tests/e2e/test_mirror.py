"""The mirror program of docs/api-mirror.md, run as an API consumer would against the running
server: after the first export, after edits, after a re-import and after a revert, its SQLite
file holds what the API serves."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from api.core.cycles import Product
from api.core.settings import PROJECT_ROOT, Settings
from api.exports.build import build_exports
from tests.api.conftest import import_sample
from tests.e2e.conftest import Site
from tests.e2e.test_admin import api, edit_description, version_with

WIKI = ["description", "transient_parking", "fuel_location", "landing_fees", "crew_car",
        "flying_clubs", "wifi"]  # fmt: skip


def mirror_program(directory: Path) -> Path:
    """The program exactly as the documentation shows it."""
    text = (PROJECT_ROOT / "docs" / "api-mirror.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) == 1
    path = directory / "mirror.py"
    path.write_text(blocks[0], encoding="utf-8")
    return path


def run_mirror(program: Path, site: Site, database: Path) -> str:
    finished = subprocess.run(
        [sys.executable, str(program), site.url, str(database)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


def _as_api_shows(airport: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": airport["code"],
        "icao_code": airport["icao_code"],
        "name": airport["official_name"],
        "latitude": airport["latitude"],
        "longitude": airport["longitude"],
        "elevation_ft": airport["elevation_ft"],
        "facility_type": airport["facility_type"],
        "landing_rights": airport["landing_rights"],
        "landing_requirements": airport["landing_requirements"],
        **{field: airport["wiki"][field]["text"] for field in WIKI},
        "tags": ",".join(airport["tags"]) or None,
        "runways": sorted(
            (r["number"], r["length_ft"], r["width_ft"], r["surface"]) for r in airport["runways"]
        ),
        "frequencies": sorted(
            (f["use"], f["frequency_mhz"], f["description"] or "") for f in airport["frequencies"]
        ),
    }


def _as_mirror_has(db: sqlite3.Connection, code: str) -> dict[str, Any] | None:
    db.row_factory = sqlite3.Row
    row = db.execute("SELECT * FROM airports WHERE code = ?", (code,)).fetchone()
    if row is None:
        return None
    runways = db.execute(
        "SELECT number, length_ft, width_ft, surface FROM runways WHERE airport_code = ?", (code,)
    )
    frequencies = db.execute(
        "SELECT use, frequency_mhz, coalesce(description, '') FROM frequencies "
        "WHERE airport_code = ?",
        (code,),
    )
    return {
        **dict(row),
        "runways": sorted(tuple(r) for r in runways),
        "frequencies": sorted(tuple(f) for f in frequencies),
    }


async def assert_mirror_matches(site: Site, database: Path) -> None:
    """Every airport of the API, field by field, and no other."""
    async with api(site) as http:
        features = (await http.get("/api/v1/airports.geojson")).json()["features"]
        codes = sorted(feature["properties"]["code"] for feature in features)
        with sqlite3.connect(database) as db:
            mirrored = [row[0] for row in db.execute("SELECT code FROM airports ORDER BY code")]
            assert mirrored == codes
            for code in codes:
                answer = await http.get(f"/api/v1/airports/{code}")
                assert answer.status_code == 200, code
                assert _as_mirror_has(db, code) == _as_api_shows(answer.json()), code


async def test_the_documented_mirror_keeps_up_with_edits_a_reimport_and_a_revert(
    site: Site, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=site.database_url,
        environment="test",
        data_dir=site.log.parent,
        chart_catalogue="sample",
    )
    engine = create_async_engine(site.database_url)
    try:
        await build_exports(engine, settings)
        program, database = mirror_program(tmp_path), tmp_path / "pirep.sqlite"
        assert "airports, up to date with change" in run_mirror(program, site, database)
        await assert_mirror_matches(site, database)

        # Pilots edit two airports; the mirror catches up from the feed alone.
        await edit_description(site, site.known, "SFF", "Mirror test: fuel by the tower.")
        await edit_description(site, site.known, "YKM", "Mirror test: call ground early.")
        run_mirror(program, site, database)
        await assert_mirror_matches(site, database)

        # A re-import puts back an official value that had drifted.
        async with engine.begin() as connection:
            await connection.execute(
                sa.text("UPDATE airports SET elevation_ft = elevation_ft + 7 WHERE code = 'GEG'")
            )
        await import_sample(settings, (Product.AIRPORTS,))
        run_mirror(program, site, database)
        await assert_mirror_matches(site, database)

        # An administrator reverts an edit.
        change = await version_with(site, "SFF", "Mirror test: fuel by the tower.")
        async with api(site, site.admin) as http:
            reverted = await http.post(f"/api/v1/admin/versions/{change['id']}/revert")
        assert reverted.status_code == 201, reverted.text
        run_mirror(program, site, database)
        await assert_mirror_matches(site, database)
        with sqlite3.connect(database) as db:
            row = db.execute("SELECT description FROM airports WHERE code = 'SFF'").fetchone()
        assert row[0] != "Mirror test: fuel by the tower."
    finally:
        await engine.dispose()
