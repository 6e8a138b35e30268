"""Whole import runs on a database of their own: orchestration, guardrails, run records, CLI."""

from __future__ import annotations

import asyncio
import copy
import gzip
import hashlib
import json
import os
import shutil
import sys
import uuid
import zlib
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from api.core.cycles import Product
from api.core.errors import PirepError
from api.models.enums import ImporterRunStatus
from importer import run as importer_run
from importer.load.airports import ShrinkRefused
from importer.parse.csvfile import DataFileError
from importer.progress import PlainReporter
from importer.run import RunOptions, run_import
from importer.sources.download import CorruptArchive
from tests.importer.conftest import ARCHIVE

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
CYCLE = date(2022, 10, 6)
STATE_QUERIES = {
    "airports": "SELECT count(*), md5(string_agg(to_jsonb(a)::text, '|' ORDER BY code))"
    " FROM airports a",
    "runways": "SELECT count(*), md5(string_agg(to_jsonb(r)::text, '|' ORDER BY id))"
    " FROM runways r",
    "runway_ends": "SELECT count(*), md5(string_agg(to_jsonb(e)::text, '|' ORDER BY id))"
    " FROM runway_ends e",
    "remarks": "SELECT count(*), md5(string_agg(to_jsonb(m)::text, '|' ORDER BY id))"
    " FROM remarks m",
    "frequencies": "SELECT count(*), md5(string_agg(to_jsonb(f)::text, '|' ORDER BY id))"
    " FROM frequencies f",
    "tags": "SELECT count(*), md5(string_agg(to_jsonb(t)::text, '|' ORDER BY id)) FROM tags t",
    "faa_data_cycles": "SELECT count(*), md5(string_agg(to_jsonb(c)::text, '|' ORDER BY product))"
    " FROM faa_data_cycles c",
    "cached_documents": "SELECT count(*), md5(string_agg(to_jsonb(d)::text, '|' ORDER BY name))"
    " FROM cached_documents d",
}


@pytest.fixture
def bad_source_dir(tmp_path: Path, source_dir: Path, pae_tables, nasr_archive):
    """Makes a copy of the sources with a second NASR airport whose latitude is ``latitude``."""

    def make(latitude: str) -> Path:
        tag = zlib.crc32(latitude.encode())
        directory = Path(shutil.copytree(source_dir, tmp_path / f"bad-sources-{tag}"))
        tables = copy.deepcopy(pae_tables)
        base = tables["APT_BASE.csv"]
        base.add(base.rows[0], SITE_NO="99999.", ARPT_ID="TST", LAT_DECIMAL=latitude)
        shutil.copy(nasr_archive(tables, name=f"bad-{tag}.zip"), directory / ARCHIVE)
        return directory

    return make


async def database_state(url: str) -> dict[str, Any]:
    """Row counts and checksums of every table an import writes (run records aside)."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return {
                name: tuple((await connection.execute(sa.text(sql))).one())
                for name, sql in STATE_QUERIES.items()
            }
    finally:
        await engine.dispose()


async def query(url: str, sql: str, **params: Any) -> list[Any]:
    """Run ``sql`` in a transaction of its own; the rows it returns, if any."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(sa.text(sql), params)
            return list(result.all()) if result.returns_rows else []
    finally:
        await engine.dispose()


async def run_record(url: str, run_id: Any) -> dict[str, Any]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(
                sa.text("SELECT * FROM importer_runs WHERE id = :id"), {"id": run_id}
            )
            return dict(result.mappings().one())
    finally:
        await engine.dispose()


async def geojson_features(url: str) -> dict[str, Any]:
    rows = await query(
        url,
        "SELECT body_gzip, content_type, etag FROM cached_documents"
        " WHERE name = 'airports.geojson'",
    )
    body, content_type, etag = rows[0]
    assert content_type == "application/geo+json"
    assert etag == '"' + etag.strip('"') + '"'
    assert len(etag) == 34
    document = orjson.loads(gzip.decompress(body))
    assert document["type"] == "FeatureCollection"
    return {feature["properties"]["code"]: feature for feature in document["features"]}


AIRPORTS = (Product.AIRPORTS,)


def options(source_dir: Path, **values: Any) -> RunOptions:
    defaults = {"source_dir": source_dir, "cycle": CYCLE, "force": True, "products": AIRPORTS}
    return RunOptions(**defaults | values)


async def test_a_forced_import_of_the_original_fixtures(fresh_database, settings_for, source_dir):
    result = await run_import(settings_for(fresh_database), options(source_dir), PlainReporter())

    assert result.status == ImporterRunStatus.SUCCEEDED
    assert result.cycles == {"airports": "2022-10-06"}
    assert result.skipped == {}
    assert result.report["new"] == {"count": 2, "sample": ["CYRV", "PAE"]}
    assert result.report["staged"] == 2
    assert result.counts == {
        "staged_rows": {
            "airports": 2,
            "runways": 3,
            "runway_ends": 2,
            "remarks": 2,
            "frequencies": 0,
        },
        "skipped_rows": {"closed OurAirports airports skipped": 1},
    }
    airports = await query(
        fresh_database,
        "SELECT code, data_source, source_cycle, landing_rights FROM airports ORDER BY code",
    )
    assert airports == [
        ("CYRV", "our_airports", CYCLE, "public"),
        ("PAE", "faa", CYCLE, "public"),
    ]
    assert await query(fresh_database, "SELECT product, cycle, run_id FROM faa_data_cycles") == [
        ("airports", CYCLE, result.run_id)
    ]
    record = await run_record(fresh_database, result.run_id)
    assert record["status"] == "succeeded"
    assert (record["products"], record["force"], record["dry_run"]) == (["airports"], True, False)
    assert record["cycles"] == {"airports": "2022-10-06"}
    assert record["counts"] == result.counts
    assert record["diff"] == result.report
    assert record["diff"]["new"]["count"] == 2
    assert record["error"] is None
    assert record["progress"] == {"step": "finished"}
    assert record["options"] == {
        "source_dir": str(source_dir),
        "cycle": "2022-10-06",
        "countries": ["CA"],
    }
    assert record["started_at"] <= record["finished_at"]


async def test_an_import_of_the_active_cycle_does_nothing_unless_forced(
    fresh_database, settings_for, source_dir
):
    settings = settings_for(fresh_database)
    await run_import(settings, options(source_dir), PlainReporter())
    before = await database_state(fresh_database)
    updated = await query(fresh_database, "SELECT code, updated_at FROM airports ORDER BY code")

    # No cycle given: today's, which is the one already active.
    result = await run_import(
        settings,
        options(source_dir, cycle=None, force=False, today=date(2022, 11, 2)),
        PlainReporter(),
    )

    assert result.status == ImporterRunStatus.SUCCEEDED
    assert result.skipped == {
        "airports": "cycle 2022-10-06 is already active (use --force to import it again)"
    }
    assert (result.cycles, result.report, result.counts) == ({}, {}, {})
    assert await database_state(fresh_database) == before
    record = await run_record(fresh_database, result.run_id)
    assert (record["status"], record["diff"], record["cycles"]) == ("succeeded", {}, {})

    # Forced, the same data is read again and nothing changes.
    result = await run_import(settings, options(source_dir), PlainReporter())

    assert result.report["new"]["count"] == result.report["changed"]["count"] == 0
    assert result.report["children_changed"]["count"] == 0
    assert await query(fresh_database, "SELECT code, updated_at FROM airports ORDER BY code") == (
        updated
    )
    after = await database_state(fresh_database)
    for table in ("airports", "runways", "runway_ends", "remarks", "frequencies", "tags"):
        assert after[table] == before[table], table
    assert await query(fresh_database, "SELECT run_id FROM faa_data_cycles") == [(result.run_id,)]


@pytest.mark.parametrize(
    ("countries", "recorded", "new"),
    [
        (frozenset({"CA"}), ["CA"], ["CYRV", "PAE"]),
        (None, "ALL", ["CYRV", "PAE"]),
        (frozenset(), [], ["PAE"]),
    ],
)
async def test_a_dry_run_writes_nothing_but_records_the_diff(
    fresh_database, settings_for, source_dir, countries, recorded, new
):
    before = await database_state(fresh_database)

    result = await run_import(
        settings_for(fresh_database),
        options(source_dir, dry_run=True, countries=countries),
        PlainReporter(),
    )

    assert result.report["new"] == {"count": len(new), "sample": new}
    assert await database_state(fresh_database) == before
    assert before["airports"][0] == before["faa_data_cycles"][0] == 0
    record = await run_record(fresh_database, result.run_id)
    assert (record["status"], record["dry_run"]) == ("succeeded", True)
    assert record["diff"]["new"] == {"count": len(new), "sample": new}
    assert record["options"]["countries"] == recorded


async def test_a_malformed_row_aborts_the_run_and_leaves_the_database_as_it_was(
    fresh_database, settings_for, source_dir, bad_source_dir
):
    settings = settings_for(fresh_database)
    await run_import(settings, options(source_dir), PlainReporter())
    before = await database_state(fresh_database)

    with pytest.raises(DataFileError) as caught:
        await run_import(settings, options(bad_source_dir("abc")), PlainReporter())

    message = "APT_BASE.csv line 3, column LAT_DECIMAL: 'abc' is not a number."
    assert caught.value.detail == message
    assert await database_state(fresh_database) == before
    runs = await query(
        fresh_database, "SELECT status, error FROM importer_runs ORDER BY created_at"
    )
    assert runs == [("succeeded", None), ("failed", message)]


async def test_a_failure_after_the_load_rolls_everything_back(
    fresh_database, settings_for, source_dir, monkeypatch, pae_tables, nasr_archive
):
    settings = settings_for(fresh_database)
    await run_import(settings, options(source_dir), PlainReporter())
    before = await database_state(fresh_database)
    # A corrected edition of the cycle renames PAE and closes CYRV: real changes to write.
    pae_tables["APT_BASE.csv"].rows[0]["ARPT_NAME"] = "PAINE FIELD"
    (source_dir / "airports.csv").write_text(
        (source_dir / "airports.csv").read_text().replace("medium_airport", "closed")
    )
    shutil.copy(nasr_archive(pae_tables), source_dir / ARCHIVE)

    async def activate_fails(*args: Any) -> None:
        raise OSError("the database server went away")

    monkeypatch.setattr(importer_run, "_activate", activate_fails)

    with pytest.raises(OSError, match="went away"):
        await run_import(settings, options(source_dir, max_closed_fraction=1), PlainReporter())

    assert await database_state(fresh_database) == before
    assert await query(fresh_database, "SELECT name FROM airports WHERE code = 'PAE'") == [
        ("SNOHOMISH COUNTY (PAINE FLD)",)
    ]
    runs = await query(
        fresh_database, "SELECT status, error FROM importer_runs ORDER BY created_at"
    )
    assert runs[-1] == ("failed", "OSError: the database server went away")


async def test_a_cycle_that_loses_too_many_airports_is_refused(
    fresh_database, settings_for, source_dir
):
    settings = settings_for(fresh_database)
    await run_import(settings, options(source_dir), PlainReporter())
    before = await database_state(fresh_database)
    (source_dir / "airports.csv").write_text(
        (source_dir / "airports.csv").read_text().replace("medium_airport", "closed")
    )

    with pytest.raises(ShrinkRefused) as caught:
        await run_import(settings, options(source_dir), PlainReporter())

    message = (
        "Refusing to apply this cycle: 1 of 2 open airports (50.0%) would disappear, more than "
        "the allowed 2.0%."
    )
    assert caught.value.detail.startswith(message)
    assert await database_state(fresh_database) == before
    runs = await query(
        fresh_database, "SELECT status, error FROM importer_runs ORDER BY created_at"
    )
    assert runs[-1][0] == "failed"
    assert runs[-1][1].startswith(message)


async def test_a_truncated_archive_is_a_clear_error(fresh_database, settings_for, source_dir):
    archive = source_dir / ARCHIVE
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])

    with pytest.raises(CorruptArchive) as caught:
        await run_import(settings_for(fresh_database), options(source_dir), PlainReporter())

    assert caught.value.detail == f"{ARCHIVE} is not a complete zip archive (truncated or corrupt)."
    assert (await database_state(fresh_database))["airports"][0] == 0


async def test_the_map_document_is_rebuilt_with_the_populated_pseudo_tag(
    fresh_database, settings_for, source_dir
):
    # A documented airport a pilot added before the import.
    await query(
        fresh_database,
        "INSERT INTO airports (code, name, facility_type, latitude, longitude, data_source,"
        " landing_rights, description) VALUES ('UNM01', 'Back 40', 'airport', 45.123456,"
        " -120.654321, 'user_contributed', 'private', 'Mown grass, call first.')",
    )
    await query(
        fresh_database, "INSERT INTO tags (airport_id, name) SELECT id, 'private' FROM airports"
    )

    await run_import(settings_for(fresh_database), options(source_dir), PlainReporter())

    features = await geojson_features(fresh_database)
    assert sorted(features) == ["CYRV", "PAE", "UNM01"]
    assert features["PAE"] == {
        "type": "Feature",
        "id": int(hashlib.md5(b"PAE", usedforsecurity=False).hexdigest()[:8], 16),
        "geometry": {"type": "Point", "coordinates": [-122.28209, 47.90732]},
        "properties": {
            "code": "PAE",
            "facility_type": "airport",
            "importance": 5,
            "tags": ["empty", "public"],
        },
    }
    assert features["CYRV"]["properties"]["tags"] == ["empty", "public"]
    assert features["UNM01"]["properties"] == {
        "code": "UNM01",
        "facility_type": "airport",
        "importance": 0,
        "tags": ["private", "populated"],
    }

    # Once documented (the API then drops `empty`), PAE is populated in the next build.
    await query(fresh_database, "UPDATE airports SET crew_car = 'Ask the FBO.' WHERE code = 'PAE'")
    await query(
        fresh_database,
        "DELETE FROM tags t USING airports a WHERE a.id = t.airport_id AND a.code = 'PAE'"
        " AND t.name = 'empty'",
    )
    (source_dir / "airports.csv").write_text(
        (source_dir / "airports.csv").read_text().replace("Revelstoke Airport", "Revelstoke")
    )
    await run_import(settings_for(fresh_database), options(source_dir), PlainReporter())

    features = await geojson_features(fresh_database)
    assert features["PAE"]["properties"]["tags"] == ["public", "populated"]
    assert features["CYRV"]["properties"]["tags"] == ["empty", "public"]


async def _cli(source_dir: Path, database_url: str, data_dir: Path) -> tuple[int, str, str]:
    environment = os.environ | {
        "PIREP_DATABASE_URL": database_url,
        "PIREP_DATA_DIR": str(data_dir),
        "PIREP_ENVIRONMENT": "test",
    }
    arguments = ["run", "--source-dir", str(source_dir), "--cycle", CYCLE.isoformat(), "--json"]
    arguments += ["--products", "airports"]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "importer",
        *arguments,
        cwd=ROOT,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


@pytest.fixture
async def another_fresh_database(cluster, clone_template) -> AsyncIterator[str]:
    name = f"pirep_{uuid.uuid4().hex[:12]}"
    yield await clone_template(name)
    await cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_the_command_line(
    fresh_database, another_fresh_database, source_dir, bad_source_dir, tmp_path
):
    """One run that imports and prints a JSON report, one that fails in one clear sentence."""
    good_database, bad_database = fresh_database, another_fresh_database
    # Both at once: most of a run is the interpreter importing its modules.
    (code, stdout, stderr), (bad_code, bad_stdout, bad_stderr) = await asyncio.gather(
        _cli(source_dir, good_database, tmp_path / "data"),
        _cli(bad_source_dir("[/x]"), bad_database, tmp_path / "bad-data"),
    )

    assert code == 0, stderr
    report = json.loads(stdout)
    assert report["status"] == "succeeded"
    assert report["cycles"] == {"airports": "2022-10-06"}
    assert report["report"]["new"] == {"count": 2, "sample": ["CYRV", "PAE"]}
    assert await query(good_database, "SELECT code FROM airports ORDER BY code") == [
        ("CYRV",),
        ("PAE",),
    ]

    assert bad_code == 1
    assert bad_stdout == ""
    assert "Traceback" not in bad_stderr
    # A value that looks like console markup is printed as it is.
    assert bad_stderr.splitlines()[-1] == (
        "Import failed: APT_BASE.csv line 3, column LAT_DECIMAL: '[/x]' is not a number. "
        "The database was not changed."
    )
    assert await query(bad_database, "SELECT count(*) FROM airports") == [(0,)]


async def test_a_cycle_that_is_not_a_cycle_date_is_refused_before_anything_starts(
    fresh_database, settings_for, source_dir
):
    with pytest.raises(
        PirepError,
        match=r"2022-10-07 does not start a data cycle for airports; .* began on 2022-10-06",
    ):
        await run_import(
            settings_for(fresh_database),
            options(source_dir, cycle=date(2022, 10, 7)),
            PlainReporter(),
        )
    assert await query(fresh_database, "SELECT count(*) FROM importer_runs") == [(0,)]


async def test_a_second_import_is_refused_while_one_is_running(
    fresh_database, settings_for, source_dir
):
    [(running,)] = await query(
        fresh_database,
        "INSERT INTO importer_runs (products, status, started_at)"
        " VALUES ('{airports}', 'running', now()) RETURNING id",
    )
    with pytest.raises(PirepError, match=f"Another import is running \\(run {running}"):
        await run_import(settings_for(fresh_database), options(source_dir), PlainReporter())
    assert await query(fresh_database, "SELECT count(*) FROM airports") == [(0,)]

    # A dry run may go ahead: it writes nothing.
    dry = await run_import(
        settings_for(fresh_database), options(source_dir, dry_run=True), PlainReporter()
    )
    assert dry.report["new"]["count"] == 2


async def test_a_run_that_stopped_reporting_long_ago_is_aborted_and_no_longer_blocks(
    fresh_database, settings_for, source_dir
):
    [(dead,)] = await query(
        fresh_database,
        "INSERT INTO importer_runs (products, status, started_at, updated_at)"
        " VALUES ('{airports}', 'running', now() - interval '2 hours',"
        " now() - interval '31 minutes') RETURNING id",
    )
    result = await run_import(settings_for(fresh_database), options(source_dir), PlainReporter())

    assert result.status == ImporterRunStatus.SUCCEEDED
    record = await run_record(fresh_database, dead)
    assert record["status"] == "aborted"
    assert "presumed dead" in record["error"]
    assert record["finished_at"] is not None


async def test_an_older_cycle_than_the_active_one_needs_force(
    fresh_database, settings_for, source_dir
):
    settings = settings_for(fresh_database)
    await run_import(settings, options(source_dir), PlainReporter())
    await query(fresh_database, "UPDATE faa_data_cycles SET cycle = '2022-11-03'")

    with pytest.raises(PirepError, match="older than the active cycle 2022-11-03; use --force"):
        await run_import(settings, options(source_dir, force=False), PlainReporter())
    result = await run_import(settings, options(source_dir, force=True), PlainReporter())
    assert result.cycles == {"airports": "2022-10-06"}


async def test_an_error_in_the_file_read_by_the_helper_process_is_located(
    fresh_database, settings_for, source_dir
):
    airports = source_dir / "airports.csv"
    airports.write_text(airports.read_text().replace("50.962245", "fifty", 1))
    before = await database_state(fresh_database)

    with pytest.raises(DataFileError, match=r"airports\.csv line 2, column latitude_deg: 'fifty'"):
        await run_import(settings_for(fresh_database), options(source_dir), PlainReporter())
    assert await database_state(fresh_database) == before
