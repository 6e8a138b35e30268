"""Loading cycles into the database: official columns only, user content preserved, diffs reported.

Most tests run inside the rolled-back test transaction, where ``now()`` never moves: to see
whether a load moved an ``updated_at``, they first set every ``updated_at`` to a day long ago.
"""

from __future__ import annotations

import copy
import dataclasses
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from api.models.airports import WIKI_FIELDS
from api.models.enums import (
    AirportStatus,
    DataSource,
    FacilityType,
    FacilityUse,
    OwnershipType,
)
from importer.load.airports import LoadScope, ShrinkRefused, apply, check_shrink
from importer.load.report import LoadReport
from importer.load.staging import stage
from importer.parse.nasr import parse_nasr_archive
from importer.parse.ourairports import parse_ourairports
from importer.parse.records import (
    AirportRecord,
    FrequencyRecord,
    RemarkRecord,
    RunwayEndRecord,
    RunwayRecord,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CYCLE_1, CYCLE_2, CYCLE_3 = date(2024, 12, 26), date(2025, 1, 23), date(2025, 2, 20)
LONG_AGO = datetime.fromisoformat("2001-02-03T04:05:06+00:00")
FAA_ONLY = LoadScope(frozenset({DataSource.FAA}), None)
BOTH = LoadScope(frozenset({DataSource.FAA, DataSource.OUR_AIRPORTS}), frozenset({"CA"}))

_PAE = parse_nasr_archive(FIXTURES / "airport_data.zip").airports["PAE"]
_CYRV = parse_ourairports(FIXTURES / "our_airports", frozenset({"CA"})).airports["CYRV"]


def pae(**changes: Any) -> AirportRecord:
    """PAE as the FAA sample gives it (a fresh copy), with ``changes``."""
    return dataclasses.replace(copy.deepcopy(_PAE), **changes)


def cyrv(**changes: Any) -> AirportRecord:
    return dataclasses.replace(copy.deepcopy(_CYRV), **changes)


def airport(code: str, **changes: Any) -> AirportRecord:
    """A small FAA airport with one runway."""
    record = AirportRecord(
        code=code,
        icao_code=None,
        name=f"{code} FIELD",
        facility_type=FacilityType.AIRPORT,
        facility_use=FacilityUse.PUBLIC,
        ownership_type=OwnershipType.PUBLIC,
        status=AirportStatus.OPERATIONAL,
        latitude=47.5,
        longitude=-121.5,
        elevation_ft=500,
        city="SOMEWHERE",
        state="WA",
        country="US",
        city_distance_nm=2.0,
        sectional="SEATTLE",
        fuel_types=[],
        activation_date=None,
        tower_type="NON-ATCT",
        landing_fee=None,
        data_source=DataSource.FAA,
        source_id=f"{code}.*A",
        runways=[RunwayRecord("18/36", 2500, 60, "TURF", None, None, False)],
    )
    return dataclasses.replace(record, **changes)


def our_airport(code: str, country: str, **changes: Any) -> AirportRecord:
    return airport(
        code,
        data_source=DataSource.OUR_AIRPORTS,
        country=country,
        facility_use=None,
        ownership_type=None,
        status=None,
        source_id=code,
        **changes,
    )


async def load(
    connection: AsyncConnection,
    records: list[AirportRecord],
    cycle: date,
    scope: LoadScope = FAA_ONLY,
    max_closed_fraction: float = 0.02,
) -> LoadReport:
    await stage(connection, records)
    await check_shrink(connection, scope, max_closed_fraction)
    return await apply(connection, cycle, scope)


async def scalar(connection: AsyncConnection, sql: str, **params: Any) -> Any:
    return (await connection.execute(sa.text(sql), params)).scalar()


async def tags(connection: AsyncConnection, code: str) -> set[str]:
    result = await connection.execute(
        sa.text(
            "SELECT t.name FROM tags t JOIN airports a ON a.id = t.airport_id WHERE a.code = :c"
        ),
        {"c": code},
    )
    return set(result.scalars())


async def row(connection: AsyncConnection, code: str) -> dict[str, Any]:
    result = await connection.execute(
        sa.text("SELECT * FROM airports WHERE code = :c"), {"c": code}
    )
    return dict(result.mappings().one())


async def backdate(connection: AsyncConnection) -> None:
    await connection.execute(sa.text("UPDATE airports SET updated_at = :t"), {"t": LONG_AGO})


async def updated_codes(connection: AsyncConnection) -> list[str]:
    """Airports whose ``updated_at`` moved since ``backdate``."""
    result = await connection.execute(
        sa.text("SELECT code FROM airports WHERE updated_at <> :t ORDER BY code"), {"t": LONG_AGO}
    )
    return list(result.scalars())


async def snapshot(connection: AsyncConnection) -> dict[str, list[Any]]:
    """Every row of the airport tables, for before/after comparisons."""
    tables = {
        "airports": "SELECT to_jsonb(a) FROM airports a ORDER BY code",
        "runways": "SELECT to_jsonb(r) FROM runways r ORDER BY id",
        "runway_ends": "SELECT to_jsonb(e) FROM runway_ends e ORDER BY id",
        "remarks": "SELECT to_jsonb(m) FROM remarks m ORDER BY id",
        "frequencies": "SELECT to_jsonb(f) FROM frequencies f ORDER BY id",
        "tags": "SELECT to_jsonb(t) FROM tags t ORDER BY id",
    }
    return {
        name: list((await connection.execute(sa.text(sql))).scalars())
        for name, sql in tables.items()
    }


async def child_ids(connection: AsyncConnection, table: str, key: str) -> dict[Any, Any]:
    result = await connection.execute(sa.text(f"SELECT {key}, id FROM {table}"))
    return dict(result.all())


async def test_new_airports_are_created_with_their_tags_and_landing_rights(connection):
    records = [
        pae(),
        airport("PRV1", facility_use=FacilityUse.PRIVATE, ownership_type=OwnershipType.PRIVATE),
    ]

    report = await load(connection, records, CYCLE_1)

    assert sorted(report.new) == ["PAE", "PRV1"]
    assert (report.changed, report.closed, report.reopened, report.skipped_other_source) == (
        [],
        [],
        [],
        [],
    )
    assert report.staged == 2
    assert await tags(connection, "PAE") == {"empty", "public"}
    assert await tags(connection, "PRV1") == {"empty", "private"}
    stored = await row(connection, "PAE")
    assert stored["landing_rights"] == "public"
    assert (await row(connection, "PRV1"))["landing_rights"] == "private"
    assert {key: stored[key] for key in ("name", "icao_code", "elevation_ft", "country")} == {
        "name": "SNOHOMISH COUNTY (PAINE FLD)",
        "icao_code": "KPAE",
        "elevation_ft": 606,
        "country": "US",
    }
    assert (stored["latitude"], stored["longitude"]) == (47.90731805555556, -122.2820938888889)
    assert stored["fuel_types"] == ["100LL", "A"]
    assert stored["activation_date"] == date(1938, 11, 1)
    assert (stored["data_source"], stored["source_id"], stored["source_cycle"]) == (
        "faa",
        "26210.*A",
        CYCLE_1,
    )
    assert (stored["status"], stored["tower_type"], stored["landing_fee"]) == ("O", "ATCT", True)
    assert stored["cover_image"] == "default"
    assert all(stored[name] is None for name in (*WIKI_FIELDS, "landing_requirements"))
    assert (
        await scalar(
            connection,
            "SELECT ST_AsText(location::geometry) FROM airports WHERE code = 'PAE'",
        )
        == "POINT(-122.2820938888889 47.90731805555556)"
    )
    runways = await connection.execute(
        sa.text(
            "SELECT number, length_ft, width_ft, surface, condition, lights, lighted FROM runways"
            " r JOIN airports a ON a.id = r.airport_id WHERE a.code = 'PAE' ORDER BY number"
        )
    )
    assert runways.all() == [
        ("16L/34R", 3004, 75, "ASPH", "GOOD", "MED", True),
        ("16R/34L", 9010, 150, "ASPH-CONC", "GOOD", "HIGH", True),
    ]
    remarks = await connection.execute(
        sa.text(
            "SELECT position, element, text FROM remarks m JOIN airports a ON a.id = m.airport_id"
            " WHERE a.code = 'PAE' ORDER BY position"
        )
    )
    assert remarks.all() == [
        (1, "E111", "ESTABD PRIOR TO 15 MAY 1959."),
        (2, "A110-1", "RWY 16L/34R CLSD BTN 0500-1500Z."),
    ]


async def test_reapplying_the_same_data_changes_nothing(connection):
    records = [pae(), airport("AAA"), airport("BBB"), cyrv()]
    await load(connection, records, CYCLE_1, BOTH)
    await backdate(connection)
    before = await snapshot(connection)

    report = await load(connection, copy.deepcopy(records), CYCLE_2, BOTH)

    assert report.new == report.changed == report.closed == report.reopened == []
    assert report.children_changed == []
    assert report.changed_fields == {}
    assert await updated_codes(connection) == []
    after = await snapshot(connection)
    # Only the cycle that last listed each airport moves.
    assert [a.pop("source_cycle") for a in after["airports"]] == [CYCLE_2.isoformat()] * 4
    assert [a.pop("source_cycle") for a in before["airports"]] == [CYCLE_1.isoformat()] * 4
    assert after == before


async def test_an_unchanged_airport_keeps_updated_at_across_transactions(fresh_database):
    engine = create_async_engine(fresh_database)
    records = [pae(), airport("AAA"), cyrv()]
    try:
        async with engine.begin() as connection:
            await load(connection, records, CYCLE_1, BOTH)
            first = dict(
                (await connection.execute(sa.text("SELECT code, updated_at FROM airports"))).all()
            )
        async with engine.begin() as connection:
            report = await load(
                connection, [pae(), airport("AAA", elevation_ft=501), cyrv()], CYCLE_2, BOTH
            )
            second = dict(
                (await connection.execute(sa.text("SELECT code, updated_at FROM airports"))).all()
            )
            now = await scalar(connection, "SELECT now()")
    finally:
        await engine.dispose()

    assert report.changed == ["AAA"]
    assert second["PAE"] == first["PAE"]
    assert second["CYRV"] == first["CYRV"]
    assert first["AAA"] < second["AAA"] == now


async def test_user_content_survives_a_reimport_with_changed_official_data(connection):
    await load(connection, [pae(), airport("CMT")], CYCLE_1)
    user_id = await scalar(
        connection,
        "INSERT INTO users (role, email, display_name) VALUES ('known', 'p@example.com', 'Pilot')"
        " RETURNING id",
    )
    user_values: dict[str, Any] = {name: f"{name} text by a pilot" for name in WIKI_FIELDS}
    user_values |= {
        "landing_requirements": "Call the FBO first.",
        "landing_rights": "restricted",
        "annotations": '[{"latitude": 47.9, "longitude": -122.28, "label": "Fuel"}]',
        "cover_image": "mountains",
        "timezone": "America/Los_Angeles",
        "bbox_checked": True,
        "bbox_ne_latitude": 47.922902,
    }
    assignments = ", ".join(
        f"{name} = CAST(:{name} AS jsonb)" if name == "annotations" else f"{name} = :{name}"
        for name in user_values
    )
    await connection.execute(
        sa.text(f"UPDATE airports SET {assignments} WHERE code = 'PAE'"), user_values
    )
    # What the API does when pilots add tags and comments.
    for statement in (
        "INSERT INTO tags (airport_id, name) SELECT id, n FROM airports,"
        " unnest(ARRAY['food', 'crew_car']) AS n WHERE code = 'PAE'",
        "DELETE FROM tags WHERE name = 'empty'",
        "INSERT INTO comments (airport_id, user_id, body)"
        " SELECT id, :user_id, 'Great crew car.' FROM airports WHERE code IN ('PAE', 'CMT')",
        "INSERT INTO versions (item_type, item_id, airport_id, event, whodunnit_id,"
        " object_changes) SELECT 'airport', id, id, 'update', :user_id,"
        " '{\"wifi\": [null, \"wifi text by a pilot\"]}' FROM airports WHERE code = 'PAE'",
        "INSERT INTO actions (type, user_id, airport_id, version_id, points)"
        " SELECT 'airport_edited', :user_id, airport_id, id, 100 FROM versions",
        "UPDATE airports SET diagram = '00142AD.png' WHERE code = 'PAE'",
    ):
        await connection.execute(sa.text(statement), {"user_id": user_id})
    user_columns = (*user_values, "featured_photo_id", "locked_at", "reviewed_at")
    before = await row(connection, "PAE")
    changed = pae(
        name="PAINE FIELD",
        elevation_ft=612,
        facility_use=FacilityUse.PRIVATE,
        fuel_types=["100LL"],
        runways=[copy.deepcopy(_PAE.runways[1])],
        remarks=[RemarkRecord("A110-1", "RWY 16L/34R CLSD PERMANENTLY.")],
    )

    report = await load(connection, [changed, airport("CMT")], CYCLE_2)

    assert report.changed == ["PAE"]
    after = await row(connection, "PAE")
    assert {name: after[name] for name in user_columns} == {
        name: before[name] for name in user_columns
    }
    assert after["landing_rights"] == "restricted"
    assert after["annotations"] == [{"latitude": 47.9, "longitude": -122.28, "label": "Fuel"}]
    assert (after["name"], after["elevation_ft"], after["facility_use"], after["fuel_types"]) == (
        "PAINE FIELD",
        612,
        "PR",
        ["100LL"],
    )
    # Documented airports are not marked empty again; the comment counts as content.
    assert await tags(connection, "PAE") == {"public", "food", "crew_car"}
    assert await tags(connection, "CMT") == {"public"}
    assert await scalar(connection, "SELECT count(*) FROM comments") == 2
    # The history and the activity feed are the pilots' too; the diagram is the diagrams
    # product's, not the airports loader's.
    assert await scalar(connection, "SELECT count(*) FROM versions") == 1
    assert await scalar(connection, "SELECT count(*) FROM actions") == 1
    assert after["diagram"] == before["diagram"] == "00142AD.png"


async def test_landing_rights_are_only_set_when_an_airport_is_created(connection):
    await load(
        connection, [airport("AAA"), airport("BBB", facility_use=FacilityUse.PRIVATE)], CYCLE_1
    )

    report = await load(
        connection,
        [airport("AAA", facility_use=FacilityUse.PRIVATE), airport("BBB")],
        CYCLE_2,
    )

    assert sorted(report.changed) == ["AAA", "BBB"]
    assert (await row(connection, "AAA"))["landing_rights"] == "public"
    assert (await row(connection, "BBB"))["landing_rights"] == "private"
    assert await tags(connection, "AAA") == {"empty", "public"}
    assert await tags(connection, "BBB") == {"empty", "private"}


async def test_an_airport_of_another_source_is_left_alone_and_reported(connection):
    await connection.execute(
        sa.text(
            "INSERT INTO airports (code, name, facility_type, latitude, longitude, data_source,"
            " landing_rights, description) VALUES ('PAE', 'My strip', 'airport', 47.1, -122.1,"
            " 'user_contributed', 'restricted', 'Ours.')"
        )
    )
    before = await snapshot(connection)

    report = await load(connection, [pae(), airport("AAA")], CYCLE_1)

    assert report.skipped_other_source == ["PAE"]
    assert report.new == ["AAA"]
    assert report.summary()["skipped_other_source"] == {"count": 1, "sample": ["PAE"]}
    after = await snapshot(connection)
    assert after["airports"][1] == before["airports"][0]
    assert [a["code"] for a in after["airports"]] == ["AAA", "PAE"]
    assert await tags(connection, "PAE") == set()
    assert (
        await scalar(
            connection,
            "SELECT count(*) FROM runways r JOIN airports a ON a.id = r.airport_id"
            " WHERE a.code = 'PAE'",
        )
        == 0
    )

    # Missing from the next cycle, a user's airport is not the importer's to close.
    report = await load(connection, [airport("AAA")], CYCLE_2, max_closed_fraction=1)

    assert report.closed == []
    assert await tags(connection, "PAE") == set()


async def test_an_airport_missing_from_a_cycle_is_closed_and_reopened_when_it_returns(connection):
    await load(connection, [airport("AAA"), airport("BBB")], CYCLE_1)
    await backdate(connection)

    report = await load(connection, [airport("AAA")], CYCLE_2, max_closed_fraction=1)

    assert report.closed == ["BBB"]
    assert await tags(connection, "BBB") == {"closed", "empty", "public"}
    closed = await row(connection, "BBB")
    assert closed["source_cycle"] == CYCLE_1  # the last cycle that listed it
    assert await updated_codes(connection) == []

    report = await load(connection, [airport("AAA")], CYCLE_3, max_closed_fraction=1)
    assert report.closed == []

    report = await load(connection, [airport("AAA"), airport("BBB")], CYCLE_3)

    assert report.reopened == ["BBB"]
    assert report.closed == []
    assert await tags(connection, "BBB") == {"empty", "public"}
    assert (await row(connection, "BBB"))["source_cycle"] == CYCLE_3


@pytest.mark.parametrize(
    "status", [AirportStatus.CLOSED_INDEFINITELY, AirportStatus.CLOSED_PERMANENTLY]
)
async def test_an_airport_the_faa_lists_as_closed_is_closed(connection, status):
    await load(connection, [airport("AAA"), airport("BBB")], CYCLE_1)

    report = await load(connection, [airport("AAA"), airport("BBB", status=status)], CYCLE_2)

    assert report.closed == ["BBB"]
    assert report.changed == ["BBB"]
    assert "closed" in await tags(connection, "BBB")

    report = await load(connection, [airport("AAA"), airport("BBB")], CYCLE_3)

    assert report.reopened == ["BBB"]
    assert "closed" not in await tags(connection, "BBB")


async def test_runways_remarks_and_frequencies_are_replaced_by_the_cycles_set(connection):
    first = pae(
        frequencies=[
            FrequencyRecord("TWR", 120.2, "PAINE TOWER"),
            FrequencyRecord("GND", 121.8, None),
        ]
    )
    first.runways[1].ends = [RunwayEndRecord("16R", 160.0), RunwayEndRecord("34L", 340.0)]
    await load(connection, [first, airport("AAA")], CYCLE_1)
    await backdate(connection)
    runway_ids = await child_ids(connection, "runways", "number")
    end_ids = await child_ids(connection, "runway_ends", "end_id")
    remark_ids = await child_ids(connection, "remarks", "element")
    frequency_ids = await child_ids(connection, "frequencies", "use")

    second = pae(
        runways=[copy.deepcopy(first.runways[1])],
        remarks=[
            RemarkRecord("E111", "ESTABD PRIOR TO 15 MAY 1959."),
            RemarkRecord("A110-1", "RWY 16L/34R CLSD."),
        ],
        frequencies=[
            FrequencyRecord("TWR", 120.2, "PAINE TOWER"),
            FrequencyRecord("ATIS", 128.65, None),
            FrequencyRecord("ATIS", 128.65, None),  # listed twice by the source
        ],
    )
    second.runways[0].ends[1].true_heading = 340.5

    report = await load(connection, [second, airport("AAA")], CYCLE_2)

    assert report.children_changed == ["PAE"]
    assert report.changed == []
    assert await updated_codes(connection) == ["PAE"]
    assert await child_ids(connection, "runways", "number") == {
        "16R/34L": runway_ids["16R/34L"],
        "18/36": runway_ids["18/36"],
    }
    ends = await child_ids(connection, "runway_ends", "end_id")
    assert ends["16R"] == end_ids["16R"]
    assert ends["34L"] != end_ids["34L"]
    assert (
        await scalar(connection, "SELECT true_heading FROM runway_ends WHERE end_id = '34L'")
        == 340.5
    )
    remarks = await child_ids(connection, "remarks", "element")
    assert remarks["E111"] == remark_ids["E111"]
    assert remarks["A110-1"] != remark_ids["A110-1"]
    assert await scalar(connection, "SELECT text FROM remarks WHERE element = 'A110-1'") == (
        "RWY 16L/34R CLSD."
    )
    frequencies = (
        await connection.execute(
            sa.text(
                "SELECT use, frequency_mhz::float8, description, id FROM frequencies ORDER BY use"
            )
        )
    ).all()
    assert [(use, mhz, description) for use, mhz, description, _ in frequencies] == [
        ("ATIS", 128.65, None),
        ("TWR", 120.2, "PAINE TOWER"),
    ]
    assert frequencies[1][3] == frequency_ids["TWR"]


async def test_changed_official_fields_are_reported_with_samples(connection):
    await load(connection, [pae(), airport("AAA"), airport("BBB")], CYCLE_1)
    await backdate(connection)

    report = await load(
        connection,
        [
            pae(name="PAINE FIELD", elevation_ft=612, fuel_types=["100LL"]),
            airport("AAA", elevation_ft=520),
            airport("BBB"),
        ],
        CYCLE_2,
    )

    assert sorted(report.changed) == ["AAA", "PAE"]
    assert report.changed_fields == {
        "elevation_ft": {
            "count": 2,
            "sample": [
                {"code": "AAA", "old": 500, "new": 520},
                {"code": "PAE", "old": 606, "new": 612},
            ],
        },
        "fuel_types": {
            "count": 1,
            "sample": [{"code": "PAE", "old": ["100LL", "A"], "new": ["100LL"]}],
        },
        "name": {
            "count": 1,
            "sample": [
                {"code": "PAE", "old": "SNOHOMISH COUNTY (PAINE FLD)", "new": "PAINE FIELD"}
            ],
        },
    }
    assert await updated_codes(connection) == ["AAA", "PAE"]
    summary = report.summary()
    assert summary["changed"] == {"count": 2, "sample": ["AAA", "PAE"]}
    assert summary["new"] == {"count": 0, "sample": []}


async def test_the_shrink_guard_refuses_to_close_too_many_airports(connection):
    codes = [f"A{number:03d}" for number in range(100)]
    await load(connection, [airport(code) for code in codes], CYCLE_1)
    before = await snapshot(connection)

    with pytest.raises(ShrinkRefused) as caught:
        await load(connection, [airport(code) for code in codes[3:]], CYCLE_2)

    assert caught.value.detail.startswith(
        "Refusing to apply this cycle: 3 of 100 open airports (3.0%) would disappear, more than "
        "the allowed 2.0%."
    )
    assert caught.value.status_code == 422
    assert await snapshot(connection) == before

    report = await load(connection, [airport(code) for code in codes[2:]], CYCLE_2)

    assert report.closed == ["A000", "A001"]
    # Airports already closed do not count again.
    report = await load(
        connection, [airport(code) for code in codes[2:]], CYCLE_3, max_closed_fraction=0
    )
    assert report.closed == []


async def test_ourairports_closures_are_scoped_to_the_imported_countries(connection):
    everywhere = LoadScope(frozenset({DataSource.OUR_AIRPORTS}), None)
    await load(
        connection,
        [cyrv(), our_airport("CZZZ", "CA"), our_airport("MMXX", "MX"), airport("AAA")],
        CYCLE_1,
        LoadScope(frozenset({DataSource.FAA, DataSource.OUR_AIRPORTS}), None),
    )

    report = await load(connection, [cyrv(), airport("AAA")], CYCLE_2, BOTH, max_closed_fraction=1)

    assert report.closed == ["CZZZ"]
    assert "closed" not in await tags(connection, "MMXX")

    # A load of OurAirports alone never closes FAA airports.
    report = await load(connection, [cyrv()], CYCLE_3, everywhere, max_closed_fraction=1)

    assert report.closed == ["MMXX"]
    assert "closed" not in await tags(connection, "AAA")


async def test_an_ourairports_record_is_created_with_unknown_use_and_public_rights(connection):
    report = await load(connection, [cyrv()], CYCLE_1, BOTH)

    assert report.new == ["CYRV"]
    stored = await row(connection, "CYRV")
    assert (stored["data_source"], stored["country"], stored["state"]) == (
        "our_airports",
        "CA",
        "British Columbia",
    )
    assert (stored["facility_use"], stored["ownership_type"]) == (None, None)
    assert stored["landing_rights"] == "public"
    assert await tags(connection, "CYRV") == {"empty", "public"}
    assert (
        await scalar(
            connection,
            "SELECT string_agg(end_id || ':' || displaced_threshold_ft::text, ',' ORDER BY end_id)"
            " FROM runway_ends",
        )
        == "30:300"
    )


async def test_an_import_without_ourairports_countries_closes_none_of_them(connection):
    await load(connection, [cyrv(), airport("AAA")], CYCLE_1, BOTH)
    faa_and_no_country = LoadScope(
        frozenset({DataSource.FAA, DataSource.OUR_AIRPORTS}), frozenset()
    )

    report = await load(connection, [airport("AAA")], CYCLE_2, faa_and_no_country)

    assert report.closed == []
    assert await tags(connection, "CYRV") == {"empty", "public"}


@pytest.mark.parametrize("countries", [frozenset({"CA') OR true --"}), frozenset({"CAN"})])
def test_a_scope_accepts_only_country_codes(countries):
    with pytest.raises(ValueError, match="is not a two-letter country code"):
        LoadScope(frozenset({DataSource.OUR_AIRPORTS}), countries)


async def test_the_data_generation_moves_only_when_data_changed(connection):
    generation = "SELECT data_generation FROM site_settings"
    start = await scalar(connection, generation)
    records = [pae(), airport("AAA")]
    await load(connection, records, CYCLE_1)
    assert await scalar(connection, generation) == start + 1

    # The same cycle again: nothing a reader sees changes.
    await load(connection, copy.deepcopy(records), CYCLE_1)
    assert await scalar(connection, generation) == start + 1

    # A new cycle listing the same data: the airports' source cycle moves.
    await load(connection, copy.deepcopy(records), CYCLE_2)
    assert await scalar(connection, generation) == start + 2

    await load(connection, [pae(name="RENAMED"), airport("AAA")], CYCLE_2)
    assert await scalar(connection, generation) == start + 3


async def changes_since(connection: AsyncConnection, generation: int) -> list[tuple[Any, ...]]:
    result = await connection.execute(
        sa.text(
            "SELECT airport_code, kind, fields FROM data_changes WHERE generation > :g"
            " ORDER BY airport_code, kind"
        ),
        {"g": generation},
    )
    return [tuple(row) for row in result]


async def test_each_airport_the_cycle_changed_is_recorded_with_what_changed(connection):
    generation = "SELECT data_generation FROM site_settings"
    start = await scalar(connection, generation)
    await load(connection, [pae(), airport("AAA"), airport("BBB")], CYCLE_1)
    # New, with their runways and so on, and tagged undocumented.
    assert await changes_since(connection, start) == [
        ("AAA", "import", ["airport", "runways", "tags"]),
        ("BBB", "import", ["airport", "runways", "tags"]),
        ("PAE", "import", ["airport", "remarks", "runways", "tags"]),
    ]

    before = await scalar(connection, generation)
    longer = [RunwayRecord("18/36", 3200, 60, "TURF", None, None, False)]
    renamed = pae(name="RENAMED", elevation_ft=610)
    await load(connection, [renamed, airport("AAA", runways=longer)], CYCLE_2, FAA_ONLY, 0.5)
    # Renamed, a runway longer, one closed, every airport listed by the new cycle.
    assert await changes_since(connection, before) == [
        ("AAA", "import", ["runways", "source_cycle"]),
        ("BBB", "closure", ["tags"]),
        ("PAE", "import", ["elevation_ft", "name", "source_cycle"]),
    ]


SCHEMA_OBJECTS = """
    SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes
    WHERE schemaname = 'public' AND tablename IN
          ('airports', 'tags', 'runways', 'runway_ends', 'remarks', 'frequencies',
           'airport_markers')
    UNION ALL
    SELECT 'constraint ' || conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint
    WHERE conrelid::regclass::text IN
          ('airports', 'tags', 'runways', 'runway_ends', 'remarks', 'frequencies',
           'airport_markers')
    ORDER BY 1
"""


async def test_a_load_into_empty_tables_restores_every_index_and_constraint(connection):
    assert await scalar(connection, "SELECT count(*) FROM airports") == 0
    before = list((await connection.execute(sa.text(SCHEMA_OBJECTS))).scalars())
    assert any("gin_trgm_ops" in line for line in before)
    assert any("FOREIGN KEY (airport_id) REFERENCES airports(id)" in line for line in before)
    assert any("ix_airport_markers_mercator_important" in line for line in before)

    await load(connection, [pae(), airport("AAA"), cyrv()], CYCLE_1, BOTH)

    after = list((await connection.execute(sa.text(SCHEMA_OBJECTS))).scalars())
    assert after == before
    # The map's markers, written whole at the end, are found through their restored index.
    found = await connection.execute(
        sa.text(
            "SELECT code FROM airport_markers WHERE mercator && ST_Transform("
            "ST_MakeEnvelope(-123, 47, -122, 48, 4326), 3857) ORDER BY code"
        )
    )
    assert list(found.scalars()) == ["PAE"]
    # The restored foreign keys hold: a runway of no airport is refused.
    with pytest.raises(sa.exc.IntegrityError, match="fk_runways_airport_id_airports"):
        async with connection.begin_nested():
            await connection.execute(
                sa.text(
                    "INSERT INTO runways (airport_id, number) VALUES (gen_random_uuid(), '1/19')"
                )
            )


async def test_a_cycle_that_lost_its_runways_is_refused(connection):
    codes = [f"R{number:03d}" for number in range(120)]
    await load(connection, [airport(code) for code in codes], CYCLE_1)
    before = await snapshot(connection)

    # The same airports, but the runway table came through empty (a cut-short file).
    with pytest.raises(ShrinkRefused, match="have 120 runways now but would keep only 0"):
        await load(connection, [airport(code, runways=[]) for code in codes], CYCLE_2)
    assert await snapshot(connection) == before

    # A real change of a few runways goes through.
    await backdate(connection)
    changed = [airport(code, runways=[]) if code < "R010" else airport(code) for code in codes]
    report = await load(connection, changed, CYCLE_2)
    assert len(report.children_changed) == 10


async def test_an_airport_listed_again_by_another_source_is_not_closed(connection):
    await load(connection, [our_airport("CZZZ", "CA"), airport("AAA")], CYCLE_1, BOTH)

    # The FAA now lists the same code: the FAA record wins the merge and is left alone (the
    # stored airport belongs to OurAirports), and the airport is still there, so not closed.
    report = await load(connection, [airport("CZZZ"), airport("AAA")], CYCLE_2, BOTH)

    assert report.skipped_other_source == ["CZZZ"]
    assert report.closed == []
    assert "closed" not in await tags(connection, "CZZZ")


TAG_NAMES_AND_TAGS = """
    SELECT a.code, a.tag_names,
           coalesce(array_agg(t.name::text ORDER BY t.name) FILTER (WHERE t.name IS NOT NULL),
                    '{}') AS tags
    FROM airports a LEFT JOIN tags t ON t.airport_id = a.id
    GROUP BY a.code, a.tag_names
    ORDER BY a.code
"""


async def test_each_airport_row_names_its_tags_after_a_first_load_and_the_next(connection):
    """What the map and the exports read of an airport's tags (``airports.tag_names``) are its
    tags: after a first load, whose tag triggers are off, and after the next load."""
    closed = airport("CCC", status=AirportStatus.CLOSED_INDEFINITELY)
    private = airport("PPP", facility_use=FacilityUse.PRIVATE)
    # This transaction's row updates so far (a pooled connection may show earlier ones).
    updated = "SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'airports'"
    updates_before = await scalar(connection, updated)
    await load(connection, [pae(), closed, private, cyrv()], CYCLE_1, BOTH)

    rows = (await connection.execute(sa.text(TAG_NAMES_AND_TAGS))).all()
    assert [(row.code, row.tag_names) for row in rows] == [
        ("CCC", ["closed", "empty", "public"]),
        ("CYRV", ["empty", "public"]),
        ("PAE", ["empty", "public"]),
        ("PPP", ["empty", "private"]),
    ]
    assert all(row.tag_names == row.tags for row in rows)
    # Written with their tag names: the first load rewrote no airport row to add them.
    assert await scalar(connection, updated) == updates_before

    # The next cycle: one airport more, one reopened, a pilot's note on PAE before it.
    await connection.execute(
        sa.text("UPDATE airports SET description = 'Fuel 24/7' WHERE code = 'PAE'")
    )
    await connection.execute(
        sa.text(
            "DELETE FROM tags WHERE name = 'empty' AND airport_id = "
            "(SELECT id FROM airports WHERE code = 'PAE')"
        )
    )
    await backdate(connection)
    await load(connection, [pae(), airport("CCC"), private, cyrv(), airport("NEW")], CYCLE_2, BOTH)

    rows = (await connection.execute(sa.text(TAG_NAMES_AND_TAGS))).all()
    assert {row.code: row.tag_names for row in rows} == {
        "CCC": ["empty", "public"],
        "CYRV": ["empty", "public"],
        "NEW": ["empty", "public"],
        "PAE": ["public"],
        "PPP": ["empty", "private"],
    }
    assert all(row.tag_names == row.tags for row in rows)
