"""Every route with an airport in its path reads the name the same way: the FAA code, the ICAO
code, K + the FAA code, or the id, in any case (one resolver: `airports.repository.named`)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.routing import APIRoute
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.api.conftest import MakePerson

EMPTY_VERSION = "37a6259cc0c1dae2"  # the version of an empty field: md5 of JSON null


def _picture() -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (50, 40), (1, 2, 3)).save(picture, "JPEG")
    return picture.getvalue()


async def test_every_airport_route_takes_the_icao_code_and_the_id(
    app: FastAPI, connection: AsyncConnection, make_person: MakePerson
) -> None:
    airport_id = await connection.scalar(sa.text("SELECT id FROM airports WHERE code = 'PAE'"))
    pilot = await make_person("known")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(tzinfo=None, microsecond=0)
    event = {
        "name": "Fly-in",
        "starts_at": tomorrow.isoformat(),
        "ends_at": (tomorrow + timedelta(hours=2)).isoformat(),
        "timezone": "America/Los_Angeles",
    }
    tried: set[tuple[str, str]] = set()
    async with pilot.client(app) as http:

        async def call(
            method: str, path: str, name: str, ids: dict[str, str] | None = None, **body: object
        ) -> httpx.Response:
            tried.add((method, "/api/v1/airports/" + path))
            url = "/api/v1/airports/" + path.format(code=name, **(ids or {}))
            answer = await http.request(method, url, **body)  # type: ignore[arg-type]
            assert answer.status_code < 300, f"{method} {url}: {answer.text}"
            return answer

        for name in ("KPAE", "kpae", str(airport_id)):
            for path in ("{code}", "{code}/history", "{code}/comments", "{code}/events"):
                await call("GET", path, name)
            await call("GET", "{code}/events.ics", name)
            await call("POST", "{code}/views", name)
            await call("PUT", "{code}/tags/{name}", name, {"name": "camping"})
            await call("DELETE", "{code}/tags/{name}", name, {"name": "camping"})
            await call("POST", "{code}/comments", name, json={"body": "Fuel, self serve."})
        versions = (await call("GET", "{code}", "KPAE")).json()["field_versions"]
        wiki = {"description": {"text": "Call the tower early.", "base": versions["description"]}}
        await call("PATCH", "{code}", "KPAE", json=wiki)
        created = await call("POST", "{code}/events", "kpae", json=event)
        ids = {"event_id": created.json()["id"]}
        renamed = {**event, "name": "Big fly-in"}
        await call("PUT", "{code}/events/{event_id}", "KPAE", ids, json=renamed)
        await call("DELETE", "{code}/events/{event_id}", str(airport_id), ids)
        webcam = {"url": "https://cams.example.com/a.jpg"}
        await call("POST", "{code}/webcams", "KPAE", json=webcam)
        await call("POST", "{code}/photos", "KPAE", files={"file": ("a.jpg", _picture())})
        history = (await call("GET", "{code}/history", "KPAE")).json()
        ids = {"version_id": history["items"][0]["id"]}
        await call("GET", "{code}/versions/{version_id}", "kpae", ids)
        detail = (await call("GET", "{code}", "PAE")).json()
        ids = {"webcam_id": detail["webcams"][0]["id"]}
        await call("DELETE", "{code}/webcams/{webcam_id}", "KPAE", ids)

    # What was done through the other names was done to PAE.
    assert detail["wiki"]["description"]["text"] == "Call the tower early."
    assert len(detail["photos"]) == 1
    # Every route with an airport in its path was tried.
    routes = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute) and "{code}" in route.path
        for method in route.methods
    }
    assert routes - tried == set()


@pytest.mark.parametrize("name", ["KZZZ", "ZZZ", "00000000-0000-0000-0000-000000000000"])
async def test_an_unknown_name_is_404_on_writes_too(
    app: FastAPI, make_person: MakePerson, name: str
) -> None:
    pilot = await make_person("known")
    async with pilot.client(app) as http:
        edited = await http.patch(
            f"/api/v1/airports/{name}",
            json={"description": {"text": "x", "base": EMPTY_VERSION}},
        )
        commented = await http.post(f"/api/v1/airports/{name}/comments", json={"body": "x y z"})
        history = await http.get(f"/api/v1/airports/{name}/history")
    for answer in (edited, commented, history):
        assert answer.status_code == 404, answer.text
        assert answer.json()["error"] == "NotFound"
