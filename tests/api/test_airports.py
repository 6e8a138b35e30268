"""GET /api/v1/airports/{code}: the airport detail."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import orjson
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from api.airports import service
from api.airports.schemas import AirportDetail
from api.core.documents import detail
from api.models.airports import WIKI_FIELDS

SampleRows = Callable[[str], list[dict[str, str]]]
AddAirport = Callable[..., Awaitable[uuid.UUID]]


def _in_air_band(mhz: float) -> bool:
    return 108.0 <= mhz <= 144.0 or 225.0 <= mhz <= 400.0


async def _detail(client: httpx.AsyncClient, code: str) -> AirportDetail:
    response = await client.get(f"/api/v1/airports/{code}")
    assert response.status_code == 200, response.text
    return AirportDetail.model_validate_json(response.content)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("PAE", "PAE"),
        ("pae", "PAE"),
        ("KPAE", "PAE"),
        ("kpae", "PAE"),
        ("CYRV", "CYRV"),
        ("cyrv", "CYRV"),
    ],
)
async def test_finds_an_airport_by_code_or_icao_code_in_any_case(
    client: httpx.AsyncClient, value: str, code: str
) -> None:
    airport = await _detail(client, value)

    assert airport.code == code


async def test_finds_an_airport_by_its_id(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    airport_id = await connection.scalar(sa.text("SELECT id FROM airports WHERE code = 'PAE'"))

    airport = await _detail(client, str(airport_id))

    assert airport.id == airport_id
    assert airport.code == "PAE"


async def test_detail_of_an_faa_airport_matches_the_sample(
    client: httpx.AsyncClient, sample_rows: SampleRows
) -> None:
    base = next(row for row in sample_rows("APT_BASE.csv") if row["ARPT_ID"] == "PAE")

    airport = await _detail(client, "PAE")

    assert airport.icao_code == base["ICAO_ID"] == "KPAE"
    # The FAA's capitals are kept as published, and given in title case to read.
    assert airport.official_name == base["ARPT_NAME"] == "SEATTLE PAINE FIELD INTERNATIONAL AIRPORT"
    assert airport.name == "Seattle Paine Field International Airport"
    assert airport.official_city == base["CITY"] == "EVERETT"
    assert airport.city == "Everett"
    assert airport.elevation_ft == int(base["ELEV"])
    assert airport.latitude == pytest.approx(float(base["LAT_DECIMAL"]))
    assert airport.longitude == pytest.approx(float(base["LONG_DECIMAL"]))
    assert airport.fuel_types == base["FUEL_TYPES"].split(",")
    assert airport.facility_type == "airport"
    assert airport.facility_use == base["FACILITY_USE_CODE"] == "PU"
    assert airport.data_source == "faa"
    assert airport.authoritative is True
    assert str(airport.source_cycle) == "2024-12-26"
    assert airport.closed is False
    assert airport.locked is False
    assert airport.landing_rights == "public"
    assert airport.tags == ["empty", "public"]
    assert airport.annotations == []
    assert airport.zoom_level == 16


async def test_runways_come_longest_first_as_in_the_sample(
    client: httpx.AsyncClient, sample_rows: SampleRows
) -> None:
    rows = [row for row in sample_rows("APT_RWY.csv") if row["ARPT_ID"] == "PAE"]
    expected = sorted(
        (
            (row["RWY_ID"], int(row["RWY_LEN"]), int(row["RWY_WIDTH"]), row["SURFACE_TYPE_CODE"])
            for row in rows
        ),
        key=lambda runway: -runway[1],
    )

    airport = await _detail(client, "PAE")

    assert len(expected) == 2
    assert [
        (runway.number, runway.length_ft, runway.width_ft, runway.surface)
        for runway in airport.runways
    ] == expected
    assert [runway.lights for runway in airport.runways] == [
        row["RWY_LGT_CODE"] for row in sorted(rows, key=lambda row: -int(row["RWY_LEN"]))
    ]
    assert all(runway.lighted for runway in airport.runways)


async def test_frequencies_of_an_faa_airport_come_from_ourairports(
    client: httpx.AsyncClient, sample_rows: SampleRows
) -> None:
    # The sample NASR archive has no FRQ table: OurAirports' KPAE frequencies stand in.
    rows = [row for row in sample_rows("airport-frequencies.csv") if row["airport_ident"] == "KPAE"]
    expected = sorted(
        (row["type"], float(row["frequency_mhz"]), row["description"])
        for row in rows
        if _in_air_band(float(row["frequency_mhz"]))
    )

    airport = await _detail(client, "PAE")

    assert len(expected) >= 5
    assert [
        (frequency.use, frequency.frequency_mhz, frequency.description)
        for frequency in airport.frequencies
    ] == expected
    assert ("CTAF", 132.95, "CTAF") in expected
    # 34.1 MHz (an operations channel outside the air bands) is left out.
    assert len(rows) == len(expected) + 1


async def test_remarks_keep_the_order_of_the_sample(
    client: httpx.AsyncClient, sample_rows: SampleRows
) -> None:
    rows = sample_rows("APT_RMK.csv")
    counts = {row["ARPT_ID"]: 0 for row in rows}
    for row in rows:
        counts[row["ARPT_ID"]] += 1
    busiest = max(counts, key=lambda code: (counts[code], code))

    for code in ("PAE", busiest):
        expected = [
            (row["LEGACY_ELEMENT_NUMBER"] or row["ELEMENT"], row["REMARK"])
            for row in rows
            if row["ARPT_ID"] == code
        ]
        airport = await _detail(client, code)
        assert [(remark.element, remark.text) for remark in airport.remarks] == expected
    assert counts[busiest] > 1


async def test_wiki_fields_are_empty_on_imported_airports(client: httpx.AsyncClient) -> None:
    airport = await _detail(client, "PAE")

    wiki = airport.wiki.model_dump()
    assert set(wiki) == set(WIKI_FIELDS)
    empty_version = wiki["description"]["version"]
    assert len(empty_version) == 16
    assert all(
        field == {"text": None, "updated_at": None, "version": empty_version, "html": ""}
        for field in wiki.values()
    )
    assert set(airport.field_versions) == {
        *WIKI_FIELDS,
        "landing_requirements",
        "landing_rights",
        "annotations",
        "cover_image",
        "featured_photo_id",
    }


async def test_wiki_fields_show_what_pilots_wrote(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    await connection.execute(
        sa.text("UPDATE airports SET crew_car = 'Ask at the FBO.' WHERE code = 'PAE'")
    )

    airport = await _detail(client, "PAE")

    assert airport.wiki.crew_car.text == "Ask at the FBO."
    assert airport.wiki.description.text is None


async def test_ourairports_airport_has_runway_ends_and_frequencies(
    client: httpx.AsyncClient, sample_rows: SampleRows
) -> None:
    runway = next(row for row in sample_rows("runways.csv") if row["airport_ident"] == "CYRV")
    frequencies = sorted(
        (row["type"], float(row["frequency_mhz"]))
        for row in sample_rows("airport-frequencies.csv")
        if row["airport_ident"] == "CYRV"
    )

    airport = await _detail(client, "CYRV")

    assert airport.data_source == "our_airports"
    assert airport.authoritative is False
    assert airport.country == "CA"
    assert airport.facility_use is None
    assert [(r.number, r.length_ft, r.surface) for r in airport.runways] == [
        (f"{runway['le_ident']}/{runway['he_ident']}", int(runway["length_ft"]), runway["surface"])
    ]
    ends = airport.runways[0].ends
    assert [(end.end_id, end.true_heading) for end in ends] == [
        (runway["le_ident"], float(runway["le_heading_degT"])),
        (runway["he_ident"], float(runway["he_heading_degT"])),
    ]
    assert ends[1].displaced_threshold_ft == int(runway["he_displaced_threshold_ft"])
    assert [(f.use, f.frequency_mhz) for f in airport.frequencies] == frequencies


async def test_a_private_use_airport_has_private_landing_rights(
    client: httpx.AsyncClient, sample_rows: SampleRows
) -> None:
    private = next(
        row
        for row in sample_rows("APT_BASE.csv")
        if row["FACILITY_USE_CODE"] == "PR"
        and row["SITE_TYPE_CODE"] == "A"
        and row["OWNERSHIP_TYPE_CODE"] == "PR"
    )

    airport = await _detail(client, private["ARPT_ID"])

    assert airport.official_name == private["ARPT_NAME"]
    assert airport.name.lower() == private["ARPT_NAME"].lower()
    assert airport.facility_use == "PR"
    assert airport.landing_rights == "private"
    assert "private" in airport.tags
    assert "public" not in airport.tags


async def test_a_user_added_airport_is_not_authoritative(
    client: httpx.AsyncClient, add_airport: AddAirport
) -> None:
    await add_airport("ZU1", name="Zulu Strip", tags=("closed",), country="US", elevation_ft=42)

    airport = await _detail(client, "zu1")

    assert airport.name == "Zulu Strip"
    assert airport.data_source == "user_contributed"
    assert airport.authoritative is False
    assert airport.source_cycle is None
    assert airport.closed is True
    assert airport.tags == ["closed"]
    assert (airport.runways, airport.frequencies, airport.remarks) == ([], [], [])


async def test_an_exact_icao_code_wins_over_a_k_prefixed_faa_code(
    client: httpx.AsyncClient, add_airport: AddAirport
) -> None:
    # "KZQX" is the ICAO code of ZQ9, and also "K" + the FAA code of another airport.
    await add_airport("ZQX")
    await add_airport("ZQ9", icao_code="KZQX")

    assert (await _detail(client, "KZQX")).code == "ZQ9"
    assert (await _detail(client, "ZQX")).code == "ZQX"


async def test_an_unknown_code_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/airports/ZZZ9Q")

    assert response.status_code == 404
    assert response.json() == {
        "error": "NotFound",
        "detail": "No airport has the code, ICAO code or id 'ZZZ9Q'.",
    }


async def test_an_unknown_id_is_not_found(client: httpx.AsyncClient) -> None:
    missing = uuid.UUID(int=1)

    response = await client.get(f"/api/v1/airports/{missing}")

    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"
    assert str(missing) in response.json()["detail"]


async def test_an_over_long_code_is_invalid(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/airports/" + "A" * 65)

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "ValidationFailed"
    assert [field["field"] for field in body["fields"]] == ["code"]
    assert body["detail"].startswith("code: ")


async def test_an_unexpected_error_answers_500_without_a_traceback(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def explode(*args: object) -> bytes:
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(service, "airport_detail", explode)
    # Starlette re-raises after answering 500; the client must see the answer, not the error.
    transport = httpx.ASGITransport(app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/api/v1/airports/PAE")

    assert response.status_code == 500
    assert response.json() == {
        "error": "InternalError",
        "detail": "Something went wrong on our side.",
    }
    assert "Traceback" not in response.text
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/airports/P%00E",
        "/api/v1/airports/search?q=pa%00e",
        "/api/v1/airports?near=P%00E&within_miles=10",
    ],
)
async def test_control_characters_are_refused_not_sent_to_the_database(
    client: httpx.AsyncClient, url: str
) -> None:
    response = await client.get(url)
    assert response.status_code == 422
    assert response.json()["error"] == "ValidationFailed"


async def test_an_exhausted_connection_pool_answers_503(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    async def no_connection(*args: object) -> bytes:
        raise PoolTimeout("QueuePool limit of size 10 overflow 10 reached")

    monkeypatch.setattr(service, "airport_detail", no_connection)
    response = await client.get("/api/v1/airports/PAE")
    assert response.status_code == 503
    assert response.json()["error"] == "ServiceUnavailable"
    assert response.headers["retry-after"] == "5"


async def test_the_detail_has_the_time_zone_outline_and_todays_sun(
    client: httpx.AsyncClient,
) -> None:
    airport = await _detail(client, "PAE")

    assert airport.timezone == "America/Los_Angeles"
    box = airport.bounding_box
    assert box is not None
    assert box.sw_latitude < airport.latitude < box.ne_latitude
    assert box.sw_longitude < airport.longitude < box.ne_longitude
    sun = airport.sun
    assert sun is not None
    assert sun.timezone == "America/Los_Angeles"
    assert sun.date == datetime.now(ZoneInfo("America/Los_Angeles")).date()
    assert sun.sunrise is not None
    assert sun.sunset is not None
    assert sun.civil_dawn is not None
    assert sun.civil_dusk is not None
    assert sun.civil_dawn < sun.sunrise < sun.sunset < sun.civil_dusk
    assert sun.sunrise.astimezone(ZoneInfo("America/Los_Angeles")).date() == sun.date


async def test_a_cached_detail_goes_stale_when_the_airports_day_ends(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    document = await detail.detail_json(connection, "PAE", None, None, "/assets")
    assert document is not None
    # 23:30 in Everett on 5 December: the sun of the 5th, stale at midnight there.
    late = datetime(2026, 12, 6, 7, 30, tzinfo=UTC)

    body, stale_at, _, _ = detail.with_html(document, late)

    assert orjson.loads(body)["sun"]["date"] == "2026-12-05"
    assert stale_at == datetime(2026, 12, 6, 8, 0, tzinfo=UTC).timestamp()


async def test_without_a_time_zone_there_is_no_sun(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    await connection.execute(sa.text("UPDATE airports SET timezone = NULL WHERE code = 'BFI'"))

    airport = await _detail(client, "BFI")

    assert (airport.timezone, airport.sun) == (None, None)
