"""Facts computed offline while loading: importance, time zone and outline.

The tests run with no network at all (as every test does): the time zones come from the data
tzfpy ships, the outlines from the runways.
"""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from api.core.geo import DEFAULT_OUTLINE_RADIUS_M, OUTLINE_MARGIN_M, haversine_meters
from api.models.enums import FacilityType, FacilityUse
from importer.parse.importance import has_scheduled_service, importance
from importer.parse.records import FrequencyRecord, RunwayEndRecord, RunwayRecord
from tests.importer.test_load import CYCLE_1, CYCLE_2, airport, load, our_airport, pae, row


def test_importance_counts_what_makes_an_airport_one_pilots_mean() -> None:
    big = airport(
        "BIG",
        tower_type="ATCT",
        scheduled_service=True,
        runways=[RunwayRecord("16/34", 9000, 150, "ASPH", None, "HIGH", True)],
    )
    assert importance(big) == 5
    assert importance(airport("SML")) == 2  # public, 2,500 ft of turf
    private = airport("PRV", facility_use=FacilityUse.PRIVATE)
    assert importance(private) == 1
    heliport = airport(
        "HEL", facility_type=FacilityType.HELIPORT, facility_use=FacilityUse.PRIVATE, runways=[]
    )
    assert importance(heliport) == 0


def test_ourairports_size_and_frequencies_stand_for_what_the_faa_says() -> None:
    large = our_airport("CYXX", "CA", size="large", runways=[])
    assert importance(large) == 3  # a field, public (large), scheduled (large)
    towered = our_airport(
        "CYYY", "CA", size="medium", frequencies=[FrequencyRecord("TWR", 118.7, None)]
    )
    assert importance(towered) == 3  # field, public, tower; 2,500 ft
    seaplane = our_airport(
        "CAZ5",
        "CA",
        facility_type=FacilityType.SEAPLANE_BASE,
        scheduled_service=True,
        frequencies=[FrequencyRecord("ATIS", 127.4, None)],
        runways=[],
    )
    assert importance(seaplane) == 2


@pytest.mark.parametrize(
    ("code", "scheduled"),
    [("I A", True), ("II", True), ("III", True), ("IV C", False), ("", False), ("  ", False)],
)
def test_part_139_classes_i_to_iii_mean_scheduled_service(code: str, scheduled: bool) -> None:
    assert has_scheduled_service(code) is scheduled


async def test_new_airports_get_their_time_zone_and_outline(connection: AsyncConnection) -> None:
    ends = [
        RunwayEndRecord("11", latitude=49.20, longitude=-123.20),
        RunwayEndRecord("29", latitude=49.19, longitude=-123.15),
    ]
    records = [
        pae(),
        our_airport(
            "CZZZ",
            "CA",
            latitude=49.195,
            longitude=-123.18,
            runways=[RunwayRecord("11/29", 11500, 200, "ASPH", None, None, True, ends)],
        ),
        airport("NORW", latitude=64.84, longitude=-147.86, runways=[]),
    ]

    report = await load(connection, records, CYCLE_1)

    assert report.counts["facts_computed"] == 3
    assert (await row(connection, "PAE"))["timezone"] == "America/Los_Angeles"
    assert (await row(connection, "CZZZ"))["timezone"] == "America/Vancouver"
    assert (await row(connection, "NORW"))["timezone"] == "America/Anchorage"

    # Runway ends known: their box and a margin.
    box = await row(connection, "CZZZ")
    margin_deg = OUTLINE_MARGIN_M / 111_320
    assert box["bbox_sw_latitude"] == pytest.approx(49.19 - margin_deg)
    assert box["bbox_ne_latitude"] == pytest.approx(49.20 + margin_deg)
    assert box["bbox_sw_longitude"] < -123.20 < -123.15 < box["bbox_ne_longitude"]
    assert box["bbox_checked"] is False  # OpenStreetMap may still refine it

    # Runways without ends (the FAA's APT_RWY alone): half the longest runway and the margin.
    pae_box = await row(connection, "PAE")
    longest_m = max(runway.length_ft or 0 for runway in pae().runways) * 0.3048
    reach = haversine_meters(
        pae_box["latitude"], pae_box["longitude"], pae_box["bbox_ne_latitude"], pae_box["longitude"]
    )
    # (The box's degrees are of a mean earth; haversine's differ by a few tenths of a percent.)
    assert reach == pytest.approx(longest_m / 2 + OUTLINE_MARGIN_M, rel=1e-2)

    # No runway at all: the radius for its type, around the point.
    far = await row(connection, "NORW")
    assert far["bbox_sw_latitude"] < 64.84 < far["bbox_ne_latitude"]
    reach = haversine_meters(64.84, -147.86, 64.84, far["bbox_ne_longitude"])
    assert reach == pytest.approx(DEFAULT_OUTLINE_RADIUS_M, rel=1e-2)


async def test_only_new_or_moved_airports_are_computed(connection: AsyncConnection) -> None:
    await load(connection, [pae(), airport("STAY")], CYCLE_1)
    # What OpenStreetMap found, and a time zone set since: a re-import keeps both.
    await connection.execute(
        sa.text(
            "UPDATE airports SET bbox_checked = true, bbox_ne_latitude = 48.0,"
            " timezone = 'America/Vancouver' WHERE code IN ('PAE', 'STAY')"
        )
    )

    again = await load(connection, [pae(), airport("STAY", name="STAY FIELD RENAMED")], CYCLE_2)
    assert again.counts["facts_computed"] == 0
    for code in ("PAE", "STAY"):
        kept = await row(connection, code)
        assert (kept["timezone"], kept["bbox_ne_latitude"], kept["bbox_checked"]) == (
            "America/Vancouver",
            48.0,
            True,
        )

    # Moved to Idaho: its facts follow, and OpenStreetMap is asked again.
    moved = await load(
        connection, [pae(), airport("STAY", latitude=43.56, longitude=-116.22)], CYCLE_2
    )
    assert moved.counts["facts_computed"] == 1
    stored = await row(connection, "STAY")
    assert stored["timezone"] == "America/Boise"
    assert stored["bbox_checked"] is False
    assert stored["bbox_sw_latitude"] < 43.56 < stored["bbox_ne_latitude"]
    assert (await row(connection, "PAE"))["timezone"] == "America/Vancouver"


async def test_importance_is_stored_and_follows_the_source(connection: AsyncConnection) -> None:
    await load(connection, [pae(), airport("SML")], CYCLE_1)
    # Public use, a tower, Part 139 class I (scheduled service) and a 9,010 ft runway.
    assert (await row(connection, "PAE"))["importance"] == 5
    assert (await row(connection, "SML"))["importance"] == 2

    towered = dataclasses.replace(airport("SML"), tower_type="ATCT")
    report = await load(connection, [pae(), towered], CYCLE_2)

    assert (await row(connection, "SML"))["importance"] == 3
    assert report.changed == ["SML"]
    assert report.changed_fields["importance"]["count"] == 1
