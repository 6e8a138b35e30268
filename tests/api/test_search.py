"""GET /api/v1/airports/search: the map search box."""

from __future__ import annotations

import itertools
import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from api.core.changes import ChangeKind, record_changes
from api.core.geo import METERS_PER_NAUTICAL_MILE, haversine_meters
from api.state import state_of
from tests.api.conftest import MakePerson

URL = "/api/v1/airports/search"

SampleRows = Callable[[str], list[dict[str, str]]]
AddAirport = Callable[..., Awaitable[object]]


async def _search(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get(URL, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _codes(body: dict[str, Any]) -> list[str]:
    return [result["code"] for result in body["results"]]


async def _airports(connection: AsyncConnection) -> list[sa.Row[Any]]:
    sql = (
        "SELECT code, icao_code, name, city, facility_use, importance, latitude, longitude"
        " FROM airports"
    )
    return list((await connection.execute(sa.text(sql))).all())


@pytest.mark.parametrize("query", ["PAE", "pae", "KPAE", "kpae", " PAE "])
async def test_an_exact_code_or_icao_code_comes_first(
    client: httpx.AsyncClient, query: str
) -> None:
    body = await _search(client, q=query)

    first = body["results"][0]
    assert first["code"] == "PAE"
    assert first["label"] == "PAE - Seattle Paine Field International Airport"
    assert first["official_name"] == "SEATTLE PAINE FIELD INTERNATIONAL AIRPORT"
    assert first["icao_code"] == "KPAE"
    assert first["closed"] is False
    assert first["distance_nm"] is None
    assert body["coordinates"] is None
    assert body["query"] == query.strip()


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("paine", "PAE"),
        ("Paine Fi", "PAE"),
        ("revelstoke", "CYRV"),
        ("revelstok", "CYRV"),
        ("Revelstoke Airprt", "CYRV"),
        ("Revelstok Airport", "CYRV"),
    ],
)
async def test_words_prefixes_and_typos_find_the_airport(
    client: httpx.AsyncClient, query: str, code: str
) -> None:
    assert _codes(await _search(client, q=query))[0] == code


async def test_public_airports_come_before_private_ones_even_when_farther(
    client: httpx.AsyncClient, sample_rows: SampleRows
) -> None:
    # Both names contain CHRISTENSEN; the private one is where the pilot is.
    base = {row["ARPT_ID"]: row for row in sample_rows("APT_BASE.csv")}
    assert "CHRISTENSEN" in base["8WA6"]["ARPT_NAME"]
    assert "CHRISTENSEN" in base["91WA"]["ARPT_NAME"]
    assert base["8WA6"]["FACILITY_USE_CODE"] == "PU"
    assert base["91WA"]["FACILITY_USE_CODE"] == "PR"
    here = base["91WA"]

    body = await _search(client, q="christensen", lat=here["LAT_DECIMAL"], lon=here["LONG_DECIMAL"])

    assert _codes(body)[:2] == ["8WA6", "91WA"]
    public, private = body["results"][:2]
    assert (public["facility_use"], private["facility_use"]) == ("PU", "PR")
    assert private["distance_nm"] < 0.01 < public["distance_nm"]


async def test_nearer_airports_come_first_among_equally_important_matches(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    lat, lon = 47.9063, -122.281998
    candidates = [
        airport
        for airport in await _airports(connection)
        if any(
            word.startswith("airport")
            for word in re.findall(r"[a-z0-9]+", f"{airport.code} {airport.name}".lower())
        )
    ]
    ranked = sorted(
        candidates,
        key=lambda a: (-a.importance, haversine_meters(lat, lon, a.latitude, a.longitude)),
    )

    body = await _search(client, q="airport", lat=lat, lon=lon)

    assert _codes(body) == [airport.code for airport in ranked[:10]]
    importance = [result["importance"] for result in body["results"]]
    assert importance == sorted(importance, reverse=True)
    for a, b in itertools.pairwise(body["results"]):
        if a["importance"] == b["importance"]:
            assert a["distance_nm"] <= b["distance_nm"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        # Heliports, seaplane bases and small fields share these names; pilots mean these.
        ("vancouver", "CYVR"),
        ("toronto", "CYYZ"),
        ("seattle", "SEA"),
        ("spokane", "GEG"),
        ("calgary", "CYYC"),
    ],
)
async def test_the_airport_a_pilot_means_comes_first(
    client: httpx.AsyncClient, query: str, code: str
) -> None:
    # From anywhere: the pilot may be far away, and the map's centre must not decide.
    for lat, lon in ((47.9, -122.28), (43.6, -79.6), (25.8, -80.3)):
        body = await _search(client, q=query, lat=lat, lon=lon)
        assert _codes(body)[0] == code, (lat, lon, body["results"][:3])
        assert body["results"][0]["importance"] >= 4


async def test_an_exact_code_beats_a_more_important_name_match(client: httpx.AsyncClient) -> None:
    # W16 is First Air Field (Monroe); no name is a better match than the code typed.
    assert _codes(await _search(client, q="W16"))[0] == "W16"


async def test_at_most_ten_results(client: httpx.AsyncClient) -> None:
    body = await _search(client, q="airport")

    assert len(body["results"]) == 10


async def test_a_closed_airport_comes_after_an_open_one(
    client: httpx.AsyncClient, add_airport: AddAirport
) -> None:
    await add_airport("ZB1", name="Zebulon North", tags=("closed",))
    await add_airport("ZB2", name="Zebulon South")

    body = await _search(client, q="zebulon")

    assert _codes(body) == ["ZB2", "ZB1"]
    assert [result["closed"] for result in body["results"]] == [False, True]


@pytest.mark.parametrize("query", ["47.9, -122.28", "47.9 -122.28", " +47.9,-122.28 "])
async def test_coordinates_answer_the_nearest_airports(
    client: httpx.AsyncClient, connection: AsyncConnection, query: str
) -> None:
    lat, lon = 47.9, -122.28
    airports = await _airports(connection)
    nearest = sorted(airports, key=lambda a: haversine_meters(lat, lon, a.latitude, a.longitude))

    body = await _search(client, q=query)

    assert body["coordinates"] == {"latitude": lat, "longitude": lon}
    assert _codes(body) == [airport.code for airport in nearest[:10]]
    assert _codes(body)[0] == "PAE"
    distances = [result["distance_nm"] for result in body["results"]]
    assert distances == sorted(distances)
    assert len(set(distances)) == len(distances)
    for result in body["results"]:
        expected = haversine_meters(lat, lon, result["latitude"], result["longitude"])
        assert result["distance_nm"] == pytest.approx(expected / METERS_PER_NAUTICAL_MILE, 1e-4)


@pytest.mark.parametrize("query", ["   ", "?!.", " - / "])
async def test_a_query_without_words_finds_nothing(client: httpx.AsyncClient, query: str) -> None:
    body = await _search(client, q=query)

    assert body == {"query": query.strip(), "coordinates": None, "results": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "a" * 101}, "q"),
        ({"q": "paine", "lat": "47.9"}, "lon"),
        ({"q": "paine", "lon": "-122.3"}, "lat"),
        ({"q": "paine", "lat": "100", "lon": "0"}, "lat"),
        ({"q": "paine", "lat": "0", "lon": "-181"}, "lon"),
        ({"q": "paine", "lat": "north", "lon": "0"}, "lat"),
    ],
)
async def test_invalid_parameters_are_named(
    client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    response = await client.get(URL, params=params)

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "ValidationFailed"
    assert [item["field"] for item in body["fields"]] == [field]
    assert body["detail"].startswith(f"{field}: ")


async def test_answers_are_kept_until_airport_data_changes(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson
) -> None:
    state_of(app).search_cache.revalidate_seconds = 3600
    assert _codes(await _search(client, q="zebulon strip")) == []
    assert len(state_of(app).search_cache.entries) == 1
    assert _codes(await _search(client, q="zebulon strip")) == []  # from memory

    pilot = await make_person("known")
    new = {"name": "Zebulon Strip", "latitude": 47.61, "longitude": -120.62}
    async with pilot.client(app) as http:
        assert (await http.post("/api/v1/airports", json=new)).status_code == 201

    # The writer's process looks at the data again at once: the new airport is found.
    assert _codes(await _search(client, q="zebulon strip")) == ["UNM01"]
    # The same words from another point are another answer.
    near = await _search(client, q="zebulon strip", lat=47.61, lon=-120.6)
    assert near["results"][0]["distance_nm"] < 1


async def test_a_change_drops_only_the_answers_that_list_the_airport(
    app: FastAPI, client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    cache = state_of(app).search_cache
    cache.revalidate_seconds = 0
    assert "PAE" in _codes(await _search(client, q="paine"))
    assert "AWO" in _codes(await _search(client, q="arlington"))
    assert len(cache.entries) == 2

    # A wiki edit or a tag of Paine Field: answers listing it go, the others stay.
    await record_changes(connection, ChangeKind.TAGS, {"PAE": ["tags"]})
    await _search(client, q="arlington")
    assert [key.split("\x00")[0] for key in cache.entries] == ["arlington"]

    # A new name may bring any airport into any answer: every answer goes.
    await record_changes(connection, ChangeKind.ADMIN, {"PAE": ["name"]})
    await _search(client, q="paine")
    assert [key.split("\x00")[0] for key in cache.entries] == ["paine"]
