"""Airport bounding boxes from OpenStreetMap, against a local server answering as Overpass."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import ClassVar
from urllib.parse import parse_qs

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from api.core.settings import Settings
from api.jobs import bounding_boxes
from tests.jobs.test_worker import sample as sample
from tests.local_http import Handler, local_server

Sample = tuple[Settings, AsyncEngine]


class Overpass(Handler):
    """Answers each query from ``answers`` (by the aeroway pattern asked for), recording them."""

    answers: ClassVar[dict[str, tuple[int, object]]] = {}
    asked: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        query = form["data"][0]
        Overpass.asked.append(query)
        pattern = query.split('aeroway~"', 1)[1].split('"', 1)[0]
        status, body = Overpass.answers.get(pattern, (200, {"elements": []}))
        if status != 200:
            self.send_error(status)
            return
        self.send_body(json.dumps(body).encode(), "application/json")


def nodes(*points: tuple[float, float]) -> dict[str, object]:
    way = {"type": "way", "id": 1, "nodes": list(range(len(points)))}
    return {
        "elements": [way]
        + [{"type": "node", "id": i, "lat": lat, "lon": lon} for i, (lat, lon) in enumerate(points)]
    }


@pytest.fixture
def overpass(sample: Sample) -> Iterator[Callable[..., Settings]]:
    Overpass.answers, Overpass.asked = {}, []
    settings, _ = sample
    with local_server(Overpass) as base:

        def configured(**answers: tuple[int, object]) -> Settings:
            Overpass.answers = {key.replace("_", "|"): value for key, value in answers.items()}
            return settings.model_copy(update={"overpass_url": f"{base}/api/interpreter"})

        yield configured


def kilometres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


@pytest.fixture
async def only_pae(sample: Sample) -> AsyncEngine:
    """Every airport checked already but PAE, which has the outline the import gave it."""
    _, engine = sample
    async with engine.begin() as connection:
        await connection.execute(sa.text("UPDATE airports SET bbox_checked = (code <> 'PAE')"))
    return engine


async def box(engine: AsyncEngine) -> sa.Row[tuple[object, ...]]:
    async with engine.connect() as connection:
        return (
            await connection.execute(
                sa.text(
                    "SELECT bbox_checked, bbox_ne_latitude, bbox_ne_longitude, bbox_sw_latitude,"
                    " bbox_sw_longitude FROM airports WHERE code = 'PAE'"
                )
            )
        ).one()


async def test_the_box_of_the_runways_and_taxiways_is_stored_once(
    overpass: Callable[..., Settings], only_pae: AsyncEngine
) -> None:
    settings = overpass(
        runway_terminal_taxiway_apron_hangar=(200, nodes((47.89, -122.29), (47.93, -122.27)))
    )
    counts = await bounding_boxes.fill_in_bounding_boxes(only_pae, settings)

    assert counts == {"found": 1, "none": 0, "failed": 0}
    assert tuple(await box(only_pae)) == (True, 47.93, -122.27, 47.89, -122.29)
    [query] = Overpass.asked
    assert "(._;>;);out qt;" in query
    # The area asked about: 1.2 km each way from the airport, measured on the sphere.
    south, west, north, east = map(float, query.split("](", 1)[1].split(")", 1)[0].split(","))
    async with only_pae.connect() as connection:
        lat, lon = (
            await connection.execute(
                sa.text("SELECT latitude, longitude FROM airports WHERE code = 'PAE'")
            )
        ).one()
    assert kilometres(south, lon, lat, lon) == pytest.approx(1.2, rel=0.01)
    assert kilometres(lat, lon, north, lon) == pytest.approx(1.2, rel=0.01)
    assert kilometres(lat, west, lat, lon) == pytest.approx(1.2, rel=0.01)
    assert kilometres(lat, lon, lat, east) == pytest.approx(1.2, rel=0.01)
    # Checked once: the next run has nothing to ask.
    assert await bounding_boxes.fill_in_bounding_boxes(only_pae, settings) == {
        "found": 0, "none": 0, "failed": 0,
    }  # fmt: skip
    assert len(Overpass.asked) == 1


async def test_the_aerodrome_outline_is_the_fallback(
    overpass: Callable[..., Settings], only_pae: AsyncEngine
) -> None:
    settings = overpass(aerodrome=(200, nodes((47.88, -122.30), (47.94, -122.26))))
    await bounding_boxes.fill_in_bounding_boxes(only_pae, settings)
    assert tuple(await box(only_pae))[1:] == (47.94, -122.26, 47.88, -122.30)
    assert len(Overpass.asked) == 2


async def test_nothing_in_openstreetmap_is_remembered_as_checked(
    overpass: Callable[..., Settings], only_pae: AsyncEngine
) -> None:
    from_import = tuple(await box(only_pae))[1:]
    assert None not in from_import
    counts = await bounding_boxes.fill_in_bounding_boxes(only_pae, overpass())
    assert counts == {"found": 0, "none": 1, "failed": 0}
    # OpenStreetMap knows nothing better: the outline computed at import stays.
    assert tuple(await box(only_pae)) == (True, *from_import)


async def test_an_unreachable_overpass_leaves_the_airport_for_next_time(
    overpass: Callable[..., Settings],
    only_pae: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("api.jobs.http.BACKOFF_SECONDS", 0.0)
    failing = (503, None)
    settings = overpass(
        runway_terminal_taxiway_apron_hangar=failing, aerodrome=failing, runway_terminal=failing
    )
    from_import = tuple(await box(only_pae))[1:]
    async with httpx.AsyncClient(timeout=5) as client:
        counts = await bounding_boxes.fill_in_bounding_boxes(only_pae, settings, client=client)
    assert counts == {"found": 0, "none": 0, "failed": 1}
    assert tuple(await box(only_pae)) == (False, *from_import)
    assert len(Overpass.asked) == 9  # three queries, three attempts each
