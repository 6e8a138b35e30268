"""Photos from Google Places for airports without any, against a local server answering as
the Places API (New) and Google's image host: asked for by a visit, fetched by the job,
shown with their authors, never asked for by crawlers or without a key."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any, ClassVar

import httpx
import pytest
import sqlalchemy as sa
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.core.settings import Settings
from api.jobs import external_photos
from api.jobs.http import SourceError
from tests.jobs.test_worker import sample as sample
from tests.local_http import Handler, local_server

Sample = tuple[Settings, AsyncEngine]
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
KEY = "test-google-key"
PAE = (47.9063, -122.2815)


def _jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 140, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


class Places(Handler):
    """Answers searchText with ``places``, a photo's media with its image's address, and the
    image itself; ``refuse`` answers every request 403 (a bad key)."""

    places: ClassVar[list[dict[str, Any]]] = []
    refuse: ClassVar[bool] = False
    searches: ClassVar[list[tuple[dict[str, str], dict[str, Any]]]] = []
    image_requests: ClassVar[list[dict[str, str]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Places.searches.append(({k.lower(): v for k, v in self.headers.items()}, body))
        if Places.refuse:
            self.send_error(403)
            return
        self.send_body(json.dumps({"places": Places.places}).encode(), "application/json")

    def do_GET(self) -> None:
        host = f"http://{self.headers['Host']}"
        if Places.refuse:
            self.send_error(403)
        elif self.path.startswith("/v1/places/") and "/media?" in self.path:
            reference = self.path.split("/photos/")[1].split("/media")[0]
            answer = {"name": self.path.split("?")[0][4:], "photoUri": f"{host}/img/{reference}"}
            self.send_body(json.dumps(answer).encode(), "application/json")
        elif self.path == "/img/not-an-image":
            Places.image_requests.append({k.lower(): v for k, v in self.headers.items()})
            self.send_body(b"<html>Nope</html>", "text/html")
        elif self.path.startswith("/img/"):
            Places.image_requests.append({k.lower(): v for k, v in self.headers.items()})
            self.send_body(_jpeg(1600, 1000), "image/jpeg")
        else:
            self.send_error(404)


def place(latitude: float, longitude: float, *references: str) -> dict[str, Any]:
    return {
        "id": "ChIJpae",
        "location": {"latitude": latitude, "longitude": longitude},
        "photos": [
            {
                "name": f"places/ChIJpae/photos/{reference}",
                "widthPx": 4032,
                "heightPx": 3024,
                "authorAttributions": [
                    {
                        "displayName": f"Author of {reference}",
                        "uri": f"https://maps.google.com/maps/contrib/{reference}",
                        "photoUri": "https://lh3.googleusercontent.com/a/x",
                    }
                ],
            }
            for reference in references
        ],
    }


@pytest.fixture
def google(sample: Sample) -> Iterator[Settings]:
    Places.places, Places.refuse, Places.searches, Places.image_requests = [], False, [], []
    settings, _ = sample
    with local_server(Places) as base:
        yield settings.model_copy(update={"google_api_key": KEY, "google_places_url": base})


async def _visit(
    settings: Settings, engine: AsyncEngine, code: str, agent: str, address: str
) -> int:
    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app, client=(address, 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        answer = await http.post(f"/api/v1/airports/{code}/views", headers={"User-Agent": agent})
    return answer.status_code


async def _detail(settings: Settings, engine: AsyncEngine, code: str) -> dict[str, Any]:
    app = create_app(settings, engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        answer = await http.get(f"/api/v1/airports/{code}")
    assert answer.status_code == 200
    detail: dict[str, Any] = answer.json()
    return detail


async def _lookups(engine: AsyncEngine) -> dict[str, tuple[bool, int | None, bool]]:
    """Per airport code: whether looked up, what was found, whether the last attempt failed."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            sa.text(
                "SELECT a.code, l.looked_up_at IS NOT NULL AS looked, l.found, "
                "l.failed_at IS NOT NULL AS failed "
                "FROM external_photo_lookups l JOIN airports a ON a.id = l.airport_id"
            )
        )
        return {row.code: (row.looked, row.found, row.failed) for row in rows}


async def _execute(engine: AsyncEngine, sql: str) -> None:
    async with engine.begin() as connection:
        await connection.execute(sa.text(sql))


async def test_a_visit_asks_and_the_job_stores_photos_with_their_authors(
    sample: Sample, google: Settings
) -> None:
    _, engine = sample
    Places.places = [place(*PAE, "one", "not-an-image", "two")]
    assert await _visit(google, engine, "PAE", FIREFOX, "198.51.100.1") == 204
    assert await _lookups(engine) == {"PAE": (False, None, False)}

    counts = await external_photos.cache_external_photos(engine, google)

    assert counts == {"with_photos": 1, "without": 0, "failed": 0}
    headers, body = Places.searches[0]
    assert headers["x-goog-api-key"] == KEY
    assert "places.photos" in headers["x-goog-fieldmask"]
    assert body["textQuery"] == "PAE - Seattle Paine Field International Airport"
    assert body["locationBias"]["circle"]["radius"] == 2000.0
    # Google's image host is never sent the key.
    assert Places.image_requests
    assert all("x-goog-api-key" not in request for request in Places.image_requests)

    photos = (await _detail(google, engine, "PAE"))["photos"]
    # The page that is not an image is skipped; the others are fitted like a pilot's photo.
    assert [photo["source"] for photo in photos] == ["external", "external"]
    assert [photo["attributions"] for photo in photos] == [
        [{"name": "Author of one", "url": "https://maps.google.com/maps/contrib/one"}],
        [{"name": "Author of two", "url": "https://maps.google.com/maps/contrib/two"}],
    ]
    assert (photos[0]["width"], photos[0]["height"]) == (1500, 938)
    for photo in photos:
        stored = google.storage_root / photo["url"].split("/assets/", 1)[1]
        assert stored.read_bytes()[:3] == b"\xff\xd8\xff"
    assert await _lookups(engine) == {"PAE": (True, 2, False)}
    async with engine.connect() as connection:
        change = (
            await connection.execute(
                sa.text("SELECT kind, airport_code, fields FROM data_changes ORDER BY id DESC")
            )
        ).first()
    assert change is not None
    assert tuple(change) == ("photo", "PAE", ["photos"])

    # The airport has photos now: another visitor's visit asks for nothing, and the next run
    # asks Google nothing.
    assert await _visit(google, engine, "PAE", FIREFOX, "198.51.100.2") == 204
    assert await external_photos.cache_external_photos(engine, google) == {
        "with_photos": 0,
        "without": 0,
        "failed": 0,
    }
    assert len(Places.searches) == 1


async def test_crawlers_airports_with_photos_and_servers_without_a_key_ask_nothing(
    sample: Sample, google: Settings
) -> None:
    settings, engine = sample
    assert await _visit(google, engine, "PAE", GOOGLEBOT, "198.51.100.3") == 204
    assert await _visit(settings, engine, "BFI", FIREFOX, "198.51.100.4") == 204  # no key
    await _execute(
        engine,
        "INSERT INTO photos (airport_id, source, storage_key, content_type, size_bytes, "
        "width, height) SELECT id, 'contributed', 'photos/x.jpg', 'image/jpeg', 1, 1, 1 "
        "FROM airports WHERE code = 'SEA'",
    )
    assert await _visit(google, engine, "SEA", FIREFOX, "198.51.100.5") == 204
    assert await _lookups(engine) == {}
    # The job does nothing without a key, even with a lookup due.
    assert await _visit(google, engine, "RNT", FIREFOX, "198.51.100.6") == 204
    assert await external_photos.cache_external_photos(engine, settings) == {
        "with_photos": 0,
        "without": 0,
        "failed": 0,
    }
    assert Places.searches == []


async def test_a_place_too_far_away_gives_no_photo_and_is_asked_again_after_30_days(
    sample: Sample, google: Settings
) -> None:
    _, engine = sample
    Places.places = [place(PAE[0] + 0.05, PAE[1], "far")]  # 5.6 km north
    await _visit(google, engine, "PAE", FIREFOX, "198.51.100.7")
    assert (await external_photos.cache_external_photos(engine, google))["without"] == 1
    assert await _lookups(engine) == {"PAE": (True, 0, False)}
    assert (await _detail(google, engine, "PAE"))["photos"] == []

    await _visit(google, engine, "PAE", FIREFOX, "198.51.100.8")
    await external_photos.cache_external_photos(engine, google)
    assert len(Places.searches) == 1  # not asked again so soon

    await _execute(
        engine,
        "UPDATE external_photo_lookups SET looked_up_at = now() - interval '31 days', "
        "requested_at = now() - interval '31 days'",
    )
    Places.places = [place(*PAE, "near")]
    await _visit(google, engine, "PAE", FIREFOX, "198.51.100.9")
    assert (await external_photos.cache_external_photos(engine, google))["with_photos"] == 1
    assert len(Places.searches) == 2


async def test_a_refused_key_stores_nothing_and_is_tried_again_an_hour_later(
    sample: Sample, google: Settings
) -> None:
    _, engine = sample
    Places.places, Places.refuse = [place(*PAE, "one")], True
    await _visit(google, engine, "PAE", FIREFOX, "198.51.100.10")
    assert (await external_photos.cache_external_photos(engine, google))["failed"] == 1
    assert await _lookups(engine) == {"PAE": (False, None, True)}
    assert (await _detail(google, engine, "PAE"))["photos"] == []

    # Within the hour the job leaves it alone; after it, it asks again.
    Places.refuse = False
    await external_photos.cache_external_photos(engine, google)
    assert len(Places.searches) == 1
    await _execute(
        engine, "UPDATE external_photo_lookups SET failed_at = now() - interval '61 minutes'"
    )
    assert (await external_photos.cache_external_photos(engine, google))["with_photos"] == 1
    assert await _lookups(engine) == {"PAE": (True, 1, False)}


async def test_an_admin_deleting_a_google_photo_is_not_undone(
    sample: Sample, google: Settings
) -> None:
    _, engine = sample
    Places.places = [place(*PAE, "one")]
    await _visit(google, engine, "PAE", FIREFOX, "198.51.100.11")
    await external_photos.cache_external_photos(engine, google)
    await _execute(engine, "DELETE FROM photos")
    await _execute(
        engine, "UPDATE external_photo_lookups SET requested_at = now() - interval '31 days'"
    )
    await _visit(google, engine, "PAE", FIREFOX, "198.51.100.12")
    await external_photos.cache_external_photos(engine, google)
    assert len(Places.searches) == 1
    assert (await _detail(google, engine, "PAE"))["photos"] == []


@pytest.mark.parametrize(
    "answer",
    [
        [],
        {"places": {"id": "x"}},
        {"places": [{"id": "x"}]},
        {"places": [{"location": {"latitude": "north", "longitude": 0}}]},
    ],
)
def test_an_answer_not_shaped_like_googles_is_a_source_error(answer: object) -> None:
    with pytest.raises(SourceError):
        external_photos.nearby_photos(answer, *PAE)


@pytest.mark.parametrize(
    ("name", "asked"),
    [
        (
            "SEATTLE PAINE FIELD INTERNATIONAL AIRPORT",
            "PAE - Seattle Paine Field International Airport",
        ),
        ("HARVEY FIELD", "PAE - Harvey Field Airport"),
    ],
)
def test_google_is_asked_for_the_airport_by_code_and_name(name: str, asked: str) -> None:
    assert external_photos.search_text("PAE", name) == asked


def test_only_web_links_of_authors_are_kept() -> None:
    found_place = place(*PAE, "one")
    author = found_place["photos"][0]["authorAttributions"][0]
    author["uri"] = "javascript:alert(1)"
    found_place["photos"].append({"name": "places/ChIJpae/photos/two", "authorAttributions": [{}]})
    found = external_photos.nearby_photos({"places": [found_place]}, *PAE)
    assert [photo.attributions for photo in found] == [[{"name": "Author of one"}], []]
    assert external_photos.nearby_photos({}, *PAE) == []
