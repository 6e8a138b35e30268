"""GET /api/v1/airports.geojson: the map layer, built once per data change."""

from __future__ import annotations

import gzip
import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from api.core.changes import ChangeKind, last_change, record_changes
from api.core.documents import geojson
from api.models.system import CachedDocument
from api.state import state_of

URL = "/api/v1/airports.geojson"
PLAIN = {"Accept-Encoding": "identity"}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=60, must-revalidate"

SetTags = Callable[..., Awaitable[None]]


async def _features(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    response = await client.get(URL, headers=PLAIN)
    assert response.status_code == 200
    document = response.json()
    assert document["type"] == "FeatureCollection"
    return {feature["properties"]["code"]: feature for feature in document["features"]}


async def _rebuild(app: FastAPI, connection: AsyncConnection) -> None:
    """What a data change does: store a new document, then let the web cache notice it."""
    await geojson.rebuild(connection)
    state_of(app).geojson_cache.checked_at = float("-inf")


async def test_one_feature_per_airport(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    codes = set((await connection.execute(sa.text("SELECT code FROM airports"))).scalars())

    response = await client.get(URL, headers=PLAIN)
    features = response.json()["features"]

    assert response.headers["content-type"] == "application/geo+json"
    assert len(features) == len(codes)
    assert len(codes) > 3000
    assert {feature["properties"]["code"] for feature in features} == codes
    assert all(
        set(feature["properties"]) == {"code", "facility_type", "importance", "tags"}
        for feature in features
    )
    assert len({feature["id"] for feature in features}) == len(features)


async def test_a_feature_is_compact(client: httpx.AsyncClient) -> None:
    pae = (await _features(client))["PAE"]

    assert pae["type"] == "Feature"
    assert pae["id"] == geojson.feature_id("PAE")
    assert pae["geometry"] == {"type": "Point", "coordinates": [-122.282, 47.9063]}
    assert pae["properties"] == {
        "code": "PAE",
        "facility_type": "airport",
        # Public use, a tower, a 9,010 ft runway and (OurAirports says) scheduled service.
        "importance": 5,
        "tags": ["empty", "public"],
    }


async def test_populated_is_present_exactly_when_empty_is_absent(
    app: FastAPI, client: httpx.AsyncClient, connection: AsyncConnection, set_tags: SetTags
) -> None:
    await set_tags("PAE", add=("crew_car",), remove=("empty",))
    await _rebuild(app, connection)

    features = await _features(client)

    assert features["PAE"]["properties"]["tags"] == ["crew_car", "public", "populated"]
    assert features["CYRV"]["properties"]["tags"] == ["empty", "public"]
    for feature in features.values():
        tags = feature["properties"]["tags"]
        assert ("populated" in tags) == ("empty" not in tags)


async def test_gzip_when_the_client_accepts_it(client: httpx.AsyncClient) -> None:
    plain = await client.get(URL, headers=PLAIN)
    async with client.stream("GET", URL, headers={"Accept-Encoding": "gzip"}) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])

    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert raw[:2] == b"\x1f\x8b"
    assert gzip.decompress(raw) == plain.content
    assert "content-encoding" not in plain.headers
    assert plain.content[:1] == b"{"
    assert len(raw) < len(plain.content) / 4


async def test_the_etag_is_strong_and_names_the_content(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    plain = await client.get(URL, headers=PLAIN)
    zipped = await client.get(URL, headers={"Accept-Encoding": "gzip"})
    stored = await connection.scalar(
        sa.text("SELECT etag FROM cached_documents WHERE name = :name"),
        {"name": geojson.DOCUMENT_NAME},
    )

    etag = plain.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert etag == stored
    assert etag == (await geojson.build_document(connection)).etag
    # The gzip representation has its own strong validator, derived from the same content.
    assert zipped.headers["etag"] == etag[:-1] + '-gzip"'
    revalidated = await client.get(
        URL, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["etag"]}
    )
    assert revalidated.status_code == 304


@pytest.mark.parametrize(
    "if_none_match",
    ["{etag}", '"0123", {etag}', '{etag},"4567"', "W/{etag}", "*"],
)
async def test_not_modified_when_the_client_has_the_current_copy(
    client: httpx.AsyncClient, if_none_match: str
) -> None:
    etag = (await client.get(URL)).headers["etag"]

    response = await client.get(URL, headers={"If-None-Match": if_none_match.format(etag=etag)})

    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["cache-control"] == REVALIDATE


async def test_a_stale_copy_is_sent_again(
    app: FastAPI, client: httpx.AsyncClient, connection: AsyncConnection, set_tags: SetTags
) -> None:
    old = (await client.get(URL)).headers["etag"]
    await set_tags("CYRV", remove=("empty",))
    await _rebuild(app, connection)

    response = await client.get(URL, headers={"If-None-Match": old, **PLAIN})

    assert response.status_code == 200
    assert response.headers["etag"] != old
    cyrv = next(
        feature
        for feature in response.json()["features"]
        if feature["properties"]["code"] == "CYRV"
    )
    assert cyrv["properties"]["tags"] == ["public", "populated"]


async def test_cache_control_is_immutable_only_for_the_current_version(
    client: httpx.AsyncClient,
) -> None:
    etag = (await client.get(URL, headers=PLAIN)).headers["etag"]

    current = await client.get(URL, params={"v": etag.strip('"')})
    stale = await client.get(URL, params={"v": "0" * 32})
    unversioned = await client.get(URL)

    assert current.headers["cache-control"] == IMMUTABLE
    assert stale.headers["cache-control"] == REVALIDATE
    assert unversioned.headers["cache-control"] == REVALIDATE


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every call of ``build_document`` made during the test."""
    calls: list[object] = []
    real_build = geojson.build_document

    async def counting_build(source: Any) -> geojson.GeojsonDocument:
        calls.append(source)
        return await real_build(source)

    monkeypatch.setattr(geojson, "build_document", counting_build)
    return calls


async def test_serving_never_rebuilds_the_document(
    app: FastAPI,
    client: httpx.AsyncClient,
    connection: AsyncConnection,
    builds: list[object],
) -> None:
    built_at = sa.text("SELECT built_at FROM cached_documents WHERE name = :name")
    before = await connection.scalar(built_at, {"name": geojson.DOCUMENT_NAME})

    for _ in range(10):
        state_of(app).geojson_cache.checked_at = float("-inf")
        assert (await client.get(URL)).status_code == 200
    for _ in range(10):
        assert (await client.get(URL)).status_code == 200

    assert builds == []
    assert await connection.scalar(built_at, {"name": geojson.DOCUMENT_NAME}) == before


async def test_a_missing_document_is_built_once(
    app: FastAPI,
    client: httpx.AsyncClient,
    connection: AsyncConnection,
    builds: list[object],
) -> None:
    await connection.execute(sa.text("DELETE FROM cached_documents"))

    first = await client.get(URL, headers=PLAIN)
    for _ in range(5):
        state_of(app).geojson_cache.checked_at = float("-inf")
        assert (await client.get(URL, headers=PLAIN)).content == first.content

    assert len(builds) == 1
    stored = await connection.scalar(sa.text("SELECT etag FROM cached_documents"))
    assert stored == first.headers["etag"]
    count = await connection.scalar(sa.text("SELECT count(*) FROM airports"))
    assert len(first.json()["features"]) == count


async def _stored(connection: AsyncConnection) -> tuple[dict[str, Any], int | None]:
    """The stored document's features by code, and the last change it shows."""
    row = (
        await connection.execute(
            sa.select(CachedDocument.body_gzip, CachedDocument.change_id).where(
                CachedDocument.name == geojson.DOCUMENT_NAME
            )
        )
    ).one()
    features = orjson.loads(gzip.decompress(row.body_gzip))["features"]
    return {feature["properties"]["code"]: feature for feature in features}, row.change_id


async def test_the_map_follows_changed_airports_without_a_whole_rebuild(
    connection: AsyncConnection, set_tags: SetTags, builds: list[object]
) -> None:
    await geojson.rebuild(connection)
    before, _ = await _stored(connection)
    assert "closed" not in before["PAE"]["properties"]["tags"]
    builds.clear()

    await set_tags("PAE", add=("closed",))
    await connection.execute(
        sa.text("UPDATE airports SET latitude = 47.5, importance = 5 WHERE code = 'AWO'")
    )
    await record_changes(connection, ChangeKind.TAGS, {"PAE": ["tags"]})
    await record_changes(connection, ChangeKind.ADMIN, {"AWO": ["latitude", "importance"]})
    await record_changes(connection, ChangeKind.EDIT, {"FHR": ["description"]})
    followed = await geojson.follow(connection)

    assert followed is not None
    assert builds == []
    after, change_id = await _stored(connection)
    assert change_id == await last_change(connection)
    assert "closed" in after["PAE"]["properties"]["tags"]
    assert after["AWO"]["geometry"]["coordinates"][1] == 47.5
    assert after["AWO"]["properties"]["importance"] == 5
    assert after["FHR"] == before["FHR"]  # a change the map does not show
    # The patched document is what a whole rebuild gives, feature for feature.
    rebuilt = orjson.loads((await geojson.build_document(connection)).body)["features"]
    assert after == {feature["properties"]["code"]: feature for feature in rebuilt}


async def test_a_deleted_airport_leaves_the_map_and_a_new_one_joins_it(
    connection: AsyncConnection, add_airport: Any, builds: list[object]
) -> None:
    await geojson.rebuild(connection)
    assert "S43" in (await _stored(connection))[0]
    builds.clear()
    # A deletion names the airport first (its change row needs it), then deletes it.
    await record_changes(connection, ChangeKind.AIRPORT_DELETED, {"S43": ["airport"]})
    await connection.execute(sa.text("DELETE FROM airports WHERE code = 'S43'"))
    await add_airport("X99", name="New Strip")
    await record_changes(connection, ChangeKind.AIRPORT_ADDED, {"X99": ["airport"]})

    assert await geojson.follow(connection) is not None
    after, _ = await _stored(connection)
    assert "S43" not in after
    assert after["X99"]["properties"]["code"] == "X99"
    assert builds == []
    # Nothing new since: nothing to do.
    assert await geojson.follow(connection) is None


async def test_the_whole_site_or_a_new_code_rebuilds_the_map_once(
    connection: AsyncConnection, builds: list[object]
) -> None:
    await geojson.rebuild(connection)
    builds.clear()
    await record_changes(connection, ChangeKind.SITE, {None: ["airports_cycle"]})
    assert await geojson.follow(connection) is not None
    assert len(builds) == 1
    await record_changes(connection, ChangeKind.ADMIN, {"PAE": ["code"]})
    await geojson.follow(connection)
    assert len(builds) == 2


def _feature(code: str, importance: int = 0) -> str:
    return orjson.dumps(
        {
            "type": "Feature",
            "id": geojson.feature_id(code),
            "geometry": {"type": "Point", "coordinates": [-122.0, 47.0]},
            "properties": {"code": code, "facility_type": "airport", "importance": importance},
        }
    ).decode()


@pytest.mark.parametrize("changed", [2, geojson.SEARCH_EACH_AT_MOST + 3])
def test_a_patch_replaces_exactly_the_changed_features(changed: int) -> None:
    """Looked for one by one or through an index of the document: the first, the last and
    neighbouring features are replaced or removed, new ones join, and nothing is duplicated."""
    codes = [f"A{number:02}" for number in range(100)]
    stored = geojson._document(
        '{"type":"FeatureCollection","features":[' + ",".join(map(_feature, codes)) + "]}"
    )
    gone = {"A00", "A13", "A99"}
    updated = {"A01", "A12", "A14", "A98"} | {f"A{n:02}" for n in range(15, 15 + changed)}
    features: dict[str, str | None] = dict.fromkeys(gone)
    features |= {code: _feature(code, importance=7) for code in updated}
    features["NEW1"] = _feature("NEW1", importance=3)
    features["NONE"] = None  # deleted before the map ever showed it

    patched = geojson._patched(stored.body_gzip, features)

    listed = orjson.loads(gzip.decompress(patched.body_gzip))["features"]
    assert orjson.loads(patched.body)["features"] == listed
    shown = [feature["properties"]["code"] for feature in listed]
    assert sorted(shown) == sorted([code for code in codes if code not in gone] + ["NEW1"])
    for feature in listed:
        code = feature["properties"]["code"]
        expected = 7 if code in updated else 3 if code == "NEW1" else 0
        assert feature["properties"]["importance"] == expected, code
    assert patched.etag != stored.etag
