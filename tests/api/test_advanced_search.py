"""GET /api/v1/airports: advanced search."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from api.core.geo import METERS_PER_NAUTICAL_MILE, METERS_PER_STATUTE_MILE, haversine_meters

URL = "/api/v1/airports"
PAE = (47.9063, -122.281998)

AddAirport = Callable[..., Awaitable[object]]
SetTags = Callable[..., Awaitable[None]]


async def _search(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get(URL, params={"per_page": 100, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _codes(body: dict[str, Any]) -> set[str]:
    return {result["code"] for result in body["results"]}


def _miles(latitude: float, longitude: float) -> float:
    return haversine_meters(*PAE, latitude, longitude) / METERS_PER_STATUTE_MILE


def _nm(latitude: float, longitude: float) -> float:
    return haversine_meters(*PAE, latitude, longitude) / METERS_PER_NAUTICAL_MILE


async def _open_airports(connection: AsyncConnection) -> list[sa.Row[Any]]:
    sql = """
        SELECT a.code, a.facility_type, a.latitude, a.longitude FROM airports a
        WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE t.airport_id = a.id AND t.name = 'closed')
    """
    return list((await connection.execute(sa.text(sql))).all())


async def _count(connection: AsyncConnection, where: str) -> int:
    sql = f"""
        SELECT count(*) FROM airports a
        WHERE a.facility_type = 'airport' AND ({where})
          AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.airport_id = a.id AND t.name = 'closed')
    """
    return int(await connection.scalar(sa.text(sql)) or 0)


async def test_within_nautical_miles_of_an_airport_sorted_by_distance(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    expected = {
        airport.code
        for airport in await _open_airports(connection)
        if airport.facility_type == "airport" and _nm(airport.latitude, airport.longitude) <= 20
    }

    body = await _search(client, near="PAE", within_nm=20)

    assert body["centre"] == "PAE"
    assert body["total"] == len(body["results"]) == len(expected)
    assert _codes(body) == expected
    assert body["results"][0]["code"] == "PAE"
    assert body["results"][0]["distance_nm"] == 0
    distances = [result["distance_nm"] for result in body["results"]]
    assert distances == sorted(distances)
    for result in body["results"]:
        assert result["distance_nm"] <= 20
        assert result["distance_nm"] == pytest.approx(
            _nm(result["latitude"], result["longitude"]), rel=1e-6, abs=1e-6
        )
        assert result["distance_miles"] == pytest.approx(
            _miles(result["latitude"], result["longitude"]), rel=1e-6, abs=1e-6
        )


async def test_statute_miles_are_still_understood(client: httpx.AsyncClient) -> None:
    # 23.0156 statute miles are 20 nautical miles.
    by_miles = await _search(client, near="PAE", within_miles=23.0156)
    by_nm = await _search(client, near="PAE", within_nm=20)

    assert _codes(by_miles) == _codes(by_nm)


async def test_near_accepts_an_icao_code(client: httpx.AsyncClient) -> None:
    by_icao = await _search(client, near="kpae", within_miles=20)
    by_code = await _search(client, near="PAE", within_miles=20)

    assert by_icao["centre"] == "PAE"
    assert by_icao["results"] == by_code["results"]


async def test_near_without_a_radius_sorts_every_airport_by_distance(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    body = await _search(client, near="CYRV", per_page=30)

    assert body["results"][0]["code"] == "CYRV"
    assert body["total"] == await _count(connection, "true")
    distances = [result["distance_miles"] for result in body["results"]]
    assert distances == sorted(distances)


async def test_within_hours_at_a_cruise_speed(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    # 1 hour at 100 knots is 100 nautical miles.
    expected = sum(
        1
        for airport in await _open_airports(connection)
        if airport.facility_type == "airport" and _nm(airport.latitude, airport.longitude) <= 100
    )

    by_hours = await _search(client, near="PAE", within_hours=1, cruise_knots=100)
    by_nm = await _search(client, near="PAE", within_nm=100)
    statute = await _search(client, near="PAE", within_miles=100)

    assert by_hours["total"] == by_nm["total"] == expected
    assert statute["total"] < expected
    assert max(result["distance_nm"] for result in by_hours["results"]) <= 100


@pytest.mark.parametrize(
    "facility_types", [["heliport"], ["seaplane_base"], ["heliport", "seaplane_base"]]
)
async def test_facility_types(
    client: httpx.AsyncClient, connection: AsyncConnection, facility_types: list[str]
) -> None:
    body = await _search(client, facility_type=facility_types, near="PAE", within_miles=50)

    assert {result["facility_type"] for result in body["results"]} == set(facility_types)
    expected = sum(
        1
        for airport in await _open_airports(connection)
        if airport.facility_type in facility_types
        and _miles(airport.latitude, airport.longitude) <= 50
    )
    assert body["total"] == expected > 0


async def test_only_airports_by_default(client: httpx.AsyncClient) -> None:
    body = await _search(client, near="PAE", within_miles=50)

    assert {result["facility_type"] for result in body["results"]} == {"airport"}


async def test_access(client: httpx.AsyncClient, connection: AsyncConnection) -> None:
    body = await _search(client, access="private")

    assert {result["landing_rights"] for result in body["results"]} == {"private"}
    assert body["total"] == await _count(connection, "a.landing_rights = 'private'") > 0


async def test_min_runway_length(client: httpx.AsyncClient, connection: AsyncConnection) -> None:
    body = await _search(client, min_runway_length_ft=5000)

    assert all(result["longest_runway_ft"] >= 5000 for result in body["results"])
    assert body["total"] == await _count(
        connection,
        "EXISTS (SELECT 1 FROM runways r WHERE r.airport_id = a.id AND r.length_ft >= 5000)",
    )
    assert body["total"] < (await _search(client, min_runway_length_ft=2000))["total"]
    # PAE's longest runway is 9,010 ft.
    at_pae = {"near": "PAE", "within_miles": 1}
    assert _codes(await _search(client, **at_pae, min_runway_length_ft=9010)) == {"PAE"}
    assert _codes(await _search(client, **at_pae, min_runway_length_ft=9011)) == set()


async def test_surface_and_length_apply_to_the_same_runway(
    client: httpx.AsyncClient, add_airport: AddAirport
) -> None:
    # Two fields far from any other, in the plains.
    await add_airport(
        "ZT1",
        latitude=45.0,
        longitude=-100.0,
        runways=(("9/27", 4000, "TURF", False), ("18/36", 2000, "ASPH", True)),
    )
    await add_airport(
        "ZT2", latitude=45.0, longitude=-100.001, runways=(("9/27", 3500, "ASPH", False),)
    )
    here = {"near": "ZT1", "within_miles": 1}

    paved_and_long = await _search(client, **here, min_runway_length_ft=3000, surface="paved")
    long_only = await _search(client, **here, min_runway_length_ft=3000)
    paved_only = await _search(client, **here, surface="paved")
    grass_and_long = await _search(client, **here, min_runway_length_ft=3000, surface="grass")
    lighted_and_long = await _search(client, **here, min_runway_length_ft=3000, lighted="true")
    lighted_only = await _search(client, **here, lighted="true")

    assert _codes(paved_and_long) == {"ZT2"}
    assert _codes(long_only) == {"ZT1", "ZT2"}
    assert _codes(paved_only) == {"ZT1", "ZT2"}
    assert _codes(grass_and_long) == {"ZT1"}
    assert _codes(lighted_and_long) == set()
    assert _codes(lighted_only) == {"ZT1"}


async def test_lighted(client: httpx.AsyncClient, connection: AsyncConnection) -> None:
    body = await _search(client, lighted="true")

    assert body["total"] == await _count(
        connection, "EXISTS (SELECT 1 FROM runways r WHERE r.airport_id = a.id AND r.lighted)"
    )
    assert 0 < body["total"] < await _count(connection, "true")
    at_pae = {"near": "PAE", "within_miles": 1}
    assert _codes(await _search(client, **at_pae, lighted="true")) == {"PAE"}


async def test_max_elevation(client: httpx.AsyncClient, connection: AsyncConnection) -> None:
    body = await _search(client, max_elevation_ft=100)

    assert all(result["elevation_ft"] <= 100 for result in body["results"])
    assert body["total"] == await _count(connection, "a.elevation_ft <= 100") > 0
    assert "PAE" not in _codes(await _search(client, max_elevation_ft=605, near="PAE"))
    assert "PAE" in _codes(await _search(client, max_elevation_ft=606, near="PAE"))


async def test_tags_any_or_all(client: httpx.AsyncClient, set_tags: SetTags) -> None:
    await set_tags("PAE", add=("food",))
    await set_tags("CYRV", add=("camping",))
    await set_tags("S43", add=("food", "camping"))

    any_of = await _search(client, tags=["food", "camping"])
    all_of = await _search(client, tags=["food", "camping"], tags_match="all")
    one = await _search(client, tags="food", tags_match="all")

    assert _codes(any_of) == {"PAE", "CYRV", "S43"}
    assert any_of["total"] == 3
    assert _codes(all_of) == {"S43"}
    assert _codes(one) == {"PAE", "S43"}
    assert all_of["results"][0]["tags"] == ["camping", "empty", "food", "private"]


async def test_the_populated_pseudo_tag(client: httpx.AsyncClient, set_tags: SetTags) -> None:
    # Every sample airport is undocumented until pilots write something.
    assert (await _search(client, tags="populated"))["total"] == 0
    await set_tags("PAE", add=("crew_car",), remove=("empty",))

    populated = await _search(client, tags="populated")
    with_crew_car = await _search(client, tags=["populated", "crew_car"], tags_match="all")
    either = await _search(client, tags=["populated", "camping"])

    assert _codes(populated) == _codes(with_crew_car) == _codes(either) == {"PAE"}


async def test_closed_airports_only_on_request(
    client: httpx.AsyncClient, set_tags: SetTags
) -> None:
    await set_tags("S43", add=("closed",))

    default = await _search(client, near="PAE", within_miles=20)
    with_closed = await _search(client, near="PAE", within_miles=20, include_closed="true")

    assert "S43" not in _codes(default)
    assert "S43" in _codes(with_closed)
    assert with_closed["total"] == default["total"] + 1


async def test_pages(client: httpx.AsyncClient) -> None:
    first = await _search(client, facility_type="heliport", per_page=7)
    second = await _search(client, facility_type="heliport", per_page=7, page=2)
    everything = await _search(client, facility_type="heliport", per_page=100)
    beyond = await _search(client, facility_type="heliport", per_page=100, page=50)

    assert len(first["results"]) == len(second["results"]) == 7
    assert not _codes(first) & _codes(second)
    assert first["total"] == second["total"] == everything["total"] == beyond["total"] > 100
    assert [r["code"] for r in everything["results"][:14]] == [
        r["code"] for r in first["results"] + second["results"]
    ]
    assert beyond["results"] == []
    assert (second["page"], second["per_page"]) == (2, 7)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"per_page": 0}, "per_page"),
        ({"per_page": 101}, "per_page"),
        ({"page": 0}, "page"),
        ({"within_miles": 20}, "near"),
        ({"within_hours": 1, "cruise_knots": 100}, "near"),
        ({"near": "PAE", "within_hours": 1}, "cruise_knots"),
        ({"near": "PAE", "within_hours": 1, "within_miles": 5, "cruise_knots": 90}, "within_hours"),
        ({"near": "PAE", "within_nm": 5, "within_miles": 5}, "within_miles"),
        ({"near": "PAE", "within_nm": 0}, "within_nm"),
        ({"bbox": "-123,47,-122"}, "bbox"),
        ({"bbox": "-123,48,-122,47"}, "bbox"),
        ({"bbox": "-190,47,-122,48"}, "bbox"),
        ({"bbox": "west,47,-122,48"}, "bbox"),
        ({"near": "PAE", "within_miles": 0}, "within_miles"),
        ({"near": "ZZZ9Q", "within_miles": 20}, "near"),
        ({"near": "ZZZ9Q"}, "near"),
        ({"tags": "nope"}, "tags"),
        ({"tags_match": "some"}, "tags_match"),
        ({"bogus": "1"}, "bogus"),
        ({"surface": "concrete"}, "surface.0"),
        ({"facility_type": "spaceport"}, "facility_type.0"),
        ({"access": "members"}, "access.0"),
    ],
)
async def test_invalid_parameters_are_named(
    client: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    response = await client.get(URL, params=params)

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "ValidationFailed"
    assert [item["field"] for item in body["fields"]] == [field]


async def test_near_prefers_an_exact_icao_code(
    client: httpx.AsyncClient, add_airport: AddAirport
) -> None:
    await add_airport("ZQX", latitude=45.0, longitude=-120.0)
    await add_airport("ZQ9", icao_code="KZQX", latitude=46.0, longitude=-121.0)

    body = await _search(client, near="KZQX", within_miles=1)

    assert body["centre"] == "ZQ9"
    assert _codes(body) == {"ZQ9"}


async def test_airports_in_a_box_most_important_first(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    west, south, east, north = -122.6, 47.3, -122.0, 48.0
    inside = {
        airport.code
        for airport in await _open_airports(connection)
        if airport.facility_type == "airport"
        and south <= airport.latitude <= north
        and west <= airport.longitude <= east
    }

    body = await _search(client, bbox=f"{west},{south},{east},{north}")

    assert body["total"] == len(inside) > 10
    first_page = body["results"]
    assert _codes(body) <= inside
    importance = [result["importance"] for result in first_page]
    assert importance == sorted(importance, reverse=True)
    assert first_page[0]["code"] in {"SEA", "BFI", "PAE"}
    assert first_page[0]["distance_nm"] is None


async def test_a_box_across_the_antimeridian(
    client: httpx.AsyncClient, add_airport: AddAirport
) -> None:
    await add_airport("ZE1", name="East of the line", latitude=52.0, longitude=179.5)
    await add_airport("ZW1", name="West of the line", latitude=52.0, longitude=-179.5)
    await add_airport("ZO1", name="Outside", latitude=52.0, longitude=170.0)

    body = await _search(client, bbox="179,51,-179,53")

    assert _codes(body) == {"ZE1", "ZW1"}


async def _event(
    connection: AsyncConnection, code: str, starts_in: timedelta, monthly: bool = False
) -> None:
    starts = datetime.now(UTC) + starts_in
    await connection.execute(
        sa.text(
            "INSERT INTO events (airport_id, name, starts_at, ends_at, data_source, "
            "recurring_cadence, recurring_interval) "
            "SELECT id, 'Fly-in', :starts, :ends, 'user_contributed', "
            ":cadence, :interval "
            "FROM airports WHERE code = :code"
        ),
        {
            "code": code,
            "starts": starts,
            "ends": starts + timedelta(hours=3),
            "cadence": "monthly" if monthly else None,
            "interval": 1 if monthly else None,
        },
    )


async def test_events_within_days(client: httpx.AsyncClient, connection: AsyncConnection) -> None:
    await _event(connection, "PAE", timedelta(days=2))
    await _event(connection, "AWO", timedelta(days=20))
    await _event(connection, "S43", timedelta(days=-1, hours=-2))  # over yesterday
    await _event(connection, "BFI", timedelta(hours=-1))  # going on now
    # Began 80 days ago and repeats monthly: its next time is within a month.
    await _event(connection, "RNT", timedelta(days=-80), monthly=True)

    assert _codes(await _search(client, events_within_days=3)) == {"PAE", "BFI"}
    assert _codes(await _search(client, events_within_days=31)) == {"PAE", "AWO", "BFI", "RNT"}
    refused = await client.get(URL, params={"events_within_days": 0})
    assert refused.status_code == 422
    assert refused.json()["fields"][0]["field"] == "events_within_days"


async def _metar(connection: AsyncConnection, code: str, category: str, minutes_ago: int) -> None:
    await connection.execute(
        sa.text(
            "INSERT INTO weather_reports (airport_id, kind, raw, observed_at, flight_category) "
            "SELECT id, 'metar', 'METAR ' || code, now() - make_interval(mins => :ago), "
            ":category FROM airports WHERE code = :code"
        ),
        {"code": code, "category": category, "ago": minutes_ago},
    )


async def test_flight_category_of_the_latest_metar(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    await _metar(connection, "PAE", "IFR", 50)
    await _metar(connection, "PAE", "VFR", 10)  # PAE is VFR now
    await _metar(connection, "AWO", "IFR", 5)
    await _metar(connection, "BFI", "LIFR", 20)
    await _metar(connection, "RNT", "IFR", 300)  # too old to show

    assert _codes(await _search(client, flight_category="VFR")) == {"PAE"}
    assert _codes(await _search(client, flight_category=["IFR", "LIFR"])) == {"AWO", "BFI"}
    refused = await client.get(URL, params={"flight_category": "SUNNY"})
    assert refused.status_code == 422
