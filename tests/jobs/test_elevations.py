"""The elevation of airports pilots add without one, from a terrain service (a local server
answering as OpenTopoData): whole feet, never guessed, a failure left for the next run."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from api.core.settings import Settings
from api.jobs import elevations
from tests.jobs.test_worker import sample as sample
from tests.local_http import Handler, local_server

Sample = tuple[Settings, AsyncEngine]


class Terrain(Handler):
    """Answers with the metres of ``heights`` by the point asked ("lat,lon"); 500 for a point
    in ``broken``."""

    heights: ClassVar[dict[str, float | None]] = {}
    broken: ClassVar[set[str]] = set()
    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        point = parse_qs(urlsplit(self.path).query)["locations"][0]
        Terrain.asked.append(point)
        if point in Terrain.broken:
            self.send_error(500)
            return
        answer = {
            "results": [{"elevation": Terrain.heights.get(point), "dataset": "mapzen"}],
            "status": "OK",
        }
        self.send_body(json.dumps(answer).encode(), "application/json")


@pytest.fixture
def terrain(sample: Sample) -> Iterator[Callable[[], Settings]]:
    Terrain.heights, Terrain.broken, Terrain.asked = {}, set(), []
    settings, _ = sample
    with local_server(Terrain) as base:
        url = base + "/v1/mapzen?locations={latitude},{longitude}"
        yield lambda: settings.model_copy(update={"elevation_url": url, "http_retries": 0})


async def _add(engine: AsyncEngine, code: str, latitude: float, elevation: int | None) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            sa.text(
                "INSERT INTO airports (code, name, latitude, longitude, elevation_ft, "
                "facility_type, landing_rights, data_source) "
                "VALUES (:code, 'Farm Strip', :lat, -122.5, :elevation, 'airport', 'private', "
                "'user_contributed')"
            ),
            {"code": code, "lat": latitude, "elevation": elevation},
        )


async def _elevations(engine: AsyncEngine) -> dict[str, int | None]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            sa.text("SELECT code, elevation_ft FROM airports WHERE code LIKE 'UNM%'")
        )
        return {row.code: row.elevation_ft for row in rows}


async def test_user_added_airports_get_their_elevation_from_terrain_data(
    sample: Sample, terrain: Callable[[], Settings]
) -> None:
    _, engine = sample
    await _add(engine, "UNM01", 47.1, None)  # known to the model: 100.4 m
    await _add(engine, "UNM02", 47.2, None)  # at sea: no data
    await _add(engine, "UNM03", 47.3, None)  # the service fails for it
    await _add(engine, "UNM04", 47.4, 1234)  # the pilot gave it: not asked
    Terrain.heights = {"47.1,-122.5": 100.4}
    Terrain.broken = {"47.3,-122.5"}

    counts = await elevations.fill_in_elevations(engine, terrain())

    assert counts == {"found": 1, "none": 1, "failed": 1}
    assert await _elevations(engine) == {"UNM01": 329, "UNM02": None, "UNM03": None, "UNM04": 1234}
    assert "47.4,-122.5" not in Terrain.asked
    async with engine.connect() as connection:
        change = (
            await connection.execute(
                sa.text(
                    "SELECT kind, airport_code, fields FROM data_changes ORDER BY id DESC LIMIT 1"
                )
            )
        ).one()
    assert tuple(change) == ("elevation", "UNM01", ["elevation_ft"])

    # Next run: the service works again for UNM03; UNM01 is not asked again.
    Terrain.broken = set()
    Terrain.heights["47.3,-122.5"] = 12.0
    Terrain.asked = []
    await elevations.fill_in_elevations(engine, terrain())
    assert (await _elevations(engine))["UNM03"] == 39
    assert "47.1,-122.5" not in Terrain.asked


@pytest.mark.parametrize(
    "answer", [{"results": []}, {"error": "Too many requests"}, {"results": [{"elevation": "x"}]}]
)
def test_an_answer_without_an_elevation_is_a_source_error(answer: object) -> None:
    with pytest.raises(elevations.SourceError):
        elevations.elevation_ft(answer)


async def test_an_unreachable_service_leaves_the_elevation_empty(sample: Sample) -> None:
    settings, engine = sample
    unreachable = settings.model_copy(
        update={"elevation_url": "http://127.0.0.1:9/v1?locations={latitude},{longitude}"}
    )
    await _add(engine, "UNM05", 47.5, None)
    counts = await elevations.fill_in_elevations(engine, unreachable)
    assert counts == {"found": 0, "none": 0, "failed": 1}
    assert (await _elevations(engine))["UNM05"] is None
