"""What clients met at the edges of the protocol: HEAD, control characters in text, bodies that
are not JSON."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.api.conftest import MakePerson

EMPTY_VERSION = "37a6259cc0c1dae2"  # the version of an empty field: md5 of JSON null


@pytest.mark.parametrize(
    "url",
    ["/health", "/api/v1/meta", "/api/v1/airports/PAE", "/api/v1/airports.geojson"],
)
async def test_head_answers_wherever_get_does(client: httpx.AsyncClient, url: str) -> None:
    got = await client.get(url)
    head = await client.head(url)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    for name in ("content-type", "content-length", "etag", "cache-control"):
        assert head.headers.get(name) == got.headers.get(name), name


async def test_head_of_nothing_is_404_without_a_body(client: httpx.AsyncClient) -> None:
    head = await client.head("/api/v1/airports/ZZZZZ")
    assert head.status_code == 404
    assert head.content == b""
    assert int(head.headers["content-length"]) > 0  # what a GET would have said


async def test_head_does_not_open_the_writes(client: httpx.AsyncClient) -> None:
    assert (await client.head("/api/v1/sessions")).status_code == 405


def _refused(answer: httpx.Response, field: str) -> None:
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["error"] == "ValidationFailed"
    assert field in [each["field"] for each in body["fields"]], body
    assert "control characters" in body["detail"]


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/users", {"email": "a\u0000@example.com", "password": "x" * 12}, "email"),
        ("/api/v1/users/password-reset", {"email": "\u0000"}, "email"),
        ("/api/v1/users/password", {"token": "t\u0000", "password": "y" * 12}, "token"),
        ("/api/v1/sessions", {"email": "pilot@example.com", "password": "\u0000"}, "password"),
        ("/api/v1/sessions", {"email\u0001": "pilot@example.com"}, "body"),
    ],
)
async def test_nul_in_an_account_field_is_a_clear_422(
    client: httpx.AsyncClient, url: str, body: dict[str, str], field: str
) -> None:
    _refused(await client.post(url, json=body), field)


async def test_control_characters_in_the_query_and_path_are_refused(
    client: httpx.AsyncClient,
) -> None:
    _refused(await client.get("/api/v1/airports/search", params={"q": "pa\u0000e"}), "q")
    _refused(await client.get("/api/v1/airports/PA%00E"), "path")
    _refused(await client.get("/api/v1/airports/search?q=x&bad%07name=1"), "query")


async def test_text_keeps_its_tabs_and_new_lines_but_not_other_controls(
    app: FastAPI, make_person: MakePerson
) -> None:
    pilot = await make_person("known")
    text = "Runway 16:\tlights on 122.8.\r\nCall the tower early."
    async with pilot.client(app) as http:
        refused = await http.patch(
            "/api/v1/airports/PAE",
            json={"description": {"text": "Fuel\u007f", "base": EMPTY_VERSION}},
        )
        saved = await http.patch(
            "/api/v1/airports/PAE", json={"description": {"text": text, "base": EMPTY_VERSION}}
        )
    _refused(refused, "description.text")
    assert saved.status_code == 200, saved.text
    assert saved.json()["wiki"]["description"]["text"] == text


async def test_a_body_that_is_not_json_is_the_bodys_error(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/api/v1/sessions",
        content=b'{"email": "pilot@example.com", "pass',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "ValidationFailed"
    assert [field["field"] for field in body["fields"]] == ["body"]
    assert body["detail"].startswith("body: Not valid JSON")


async def test_the_airport_detail_revalidates_with_its_etag(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson
) -> None:
    first = await client.get("/api/v1/airports/PAE")
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    again = await client.get("/api/v1/airports/PAE", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    # A proxy may strip the W/: the comparison is weak.
    bare = etag.removeprefix("W/")
    assert (
        await client.get("/api/v1/airports/PAE", headers={"If-None-Match": bare})
    ).status_code == 304
    other = await client.get("/api/v1/airports/AWO", headers={"If-None-Match": etag})
    assert other.status_code == 200

    pilot = await make_person("known")
    async with pilot.client(app) as http:
        edited = await http.patch(
            "/api/v1/airports/PAE",
            json={"description": {"text": "Call the tower early.", "base": EMPTY_VERSION}},
        )
    assert edited.status_code == 200
    changed = await client.get("/api/v1/airports/PAE", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


@pytest.mark.parametrize(
    ("encoding", "revalidate"), [("gzip", False), ("identity", False), ("gzip", True)]
)
async def test_vary_is_said_once(
    client: httpx.AsyncClient, encoding: str, revalidate: bool
) -> None:
    url = "/api/v1/airports.geojson"
    headers = {"Accept-Encoding": encoding}
    if revalidate:
        headers["If-None-Match"] = (await client.get(url)).headers["etag"]
    answer = await client.get(url, headers=headers)
    assert answer.status_code == (304 if revalidate else 200)
    assert answer.headers.get_list("vary") == ["Accept-Encoding"]
