"""The OpenAPI document, the docs page and the error shape of the framework's own answers."""

from __future__ import annotations

import re
from typing import Any

import httpx
import jsonschema
import pytest

from tests.openapi_recorder import textual

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}

# The error statuses each operation can answer.
EXPECTED_ERRORS = {
    "meta-health": {"503"},
    "meta-get": {"503"},
    "airports-geojson": {"422", "503"},
    "airports-tile": {"404", "422", "503"},
    "airports-get": {"404", "422", "429", "503"},
    "airports-edit": {"401", "403", "404", "409", "422", "429", "503"},
    "airports-create": {"401", "403", "422", "429", "503"},
    "comments-list": {"404", "422", "429", "503"},
    "events-upcoming": {"404", "422", "429", "503"},
    "events-near": {"422", "503"},
    "meta-content_packs": {"503"},
    "events-calendar": {"404", "422", "429", "503"},
    "events-add": {"401", "403", "404", "422", "429", "503"},
    "events-remove": {"401", "403", "404", "422", "429", "503"},
    "events-edit": {"401", "403", "404", "422", "429", "503"},
    "comments-add": {"401", "403", "404", "422", "429", "503"},
    "changes-list": {"410", "422", "429", "503"},
    "changes-exports": {"429", "503"},
    "charts-offline_packs": {"429", "503"},
    "comments-helpful": {"401", "403", "404", "409", "422", "429", "503"},
    "comments-flag_outdated": {"401", "403", "404", "422", "429", "503"},
    "comments-unflag_outdated": {"401", "403", "404", "422", "429", "503"},
    "airports-history": {"404", "422", "429", "503"},
    "airports-preview": {"404", "422", "429", "503"},
    "airports-add_tag": {"401", "403", "404", "422", "429", "503"},
    "airports-remove_tag": {"401", "403", "404", "422", "429", "503"},
    "airports-add_webcam": {"401", "403", "404", "422", "429", "503"},
    "airports-record_view": {"404", "422", "503"},
    "airports-add_photo": {"401", "403", "404", "413", "422", "429", "503"},
    "airports-remove_webcam": {"401", "403", "404", "422", "429", "503"},
    "admin-revert_version": {"401", "403", "404", "409", "422", "503"},
    "search-airports": {"422", "429", "503"},
    "search-advanced": {"422", "503"},
    "users-register": {"403", "409", "422", "429", "503"},
    "users-confirm_email": {"400", "409", "422", "429", "503"},
    "users-resend_confirmation": {"422", "429", "503"},
    "users-request_password_reset": {"422", "429", "503"},
    "users-reset_password": {"400", "422", "429", "503"},
    "users-login": {"401", "422", "429", "503"},
    "users-logout": {"401", "403", "429", "503"},
    "users-me": {"401", "403", "503"},
    "users-current_session": {"401", "403", "503"},
    "users-create_token": {"401", "403", "422", "429", "503"},
    "users-list_tokens": {"401", "403", "503"},
    "users-revoke_token": {"401", "403", "404", "422", "429", "503"},
    "users-update_me": {"401", "403", "409", "422", "429", "503"},
    "users-delete_me": {"401", "403", "422", "429", "503"},
    "users-verify": {"403", "422", "429", "503"},
    "users-leaderboard": {"503"},
    "users-profile": {"404", "422", "503"},
    "admin-dashboard": {"401", "403", "503"},
    "admin-activity": {"401", "403", "503"},
    "admin-set_read_only": {"401", "403", "422", "503"},
    "admin-versions": {"401", "403", "422", "503"},
    "admin-review_version": {"401", "403", "404", "422", "503"},
    "admin-users": {"401", "403", "422", "503"},
    "admin-user": {"401", "403", "404", "422", "503"},
    "admin-change_user": {"401", "403", "404", "409", "422", "503"},
    "admin-delete_user": {"401", "403", "404", "409", "422", "503"},
    "admin-user_activity": {"401", "403", "404", "422", "503"},
    "admin-user_tokens": {"401", "403", "404", "422", "503"},
    "admin-change_token": {"401", "403", "404", "409", "422", "503"},
    "admin-user_analytics": {"401", "403", "404", "422", "503"},
    "admin-airports": {"401", "403", "422", "503"},
    "admin-airport": {"401", "403", "404", "422", "503"},
    "admin-change_airport": {"401", "403", "404", "409", "422", "503"},
    "admin-delete_airport": {"401", "403", "404", "409", "422", "503"},
    "admin-airport_analytics": {"401", "403", "404", "422", "503"},
    "admin-comments": {"401", "403", "422", "503"},
    "admin-change_comment": {"401", "403", "404", "422", "503"},
    "admin-delete_comment": {"401", "403", "404", "422", "503"},
    "admin-delete_photo": {"401", "403", "404", "422", "503"},
    "admin-delete_webcam": {"401", "403", "404", "422", "503"},
    "admin-start_import": {"401", "403", "409", "422", "502", "503"},
    "admin-importer_runs": {"401", "403", "422", "503"},
    "admin-importer_run": {"401", "403", "404", "422", "503"},
    "events-event_calendar": {"404", "422", "429", "503"},
}


@pytest.fixture
async def openapi(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _operations(openapi: dict[str, Any]) -> list[dict[str, Any]]:
    return [operation for path in openapi["paths"].values() for operation in path.values()]


def test_the_document_is_openapi_3_1(openapi: dict[str, Any]) -> None:
    assert openapi["openapi"].startswith("3.1.")
    assert openapi["info"]["title"] == "Pirep API"


def test_operation_ids_are_tag_dash_name_and_unique(openapi: dict[str, Any]) -> None:
    ids = [operation["operationId"] for operation in _operations(openapi)]

    assert sorted(ids) == sorted(EXPECTED_ERRORS)
    assert len(set(ids)) == len(ids)
    for operation in _operations(openapi):
        assert re.fullmatch(r"[a-z]+-[a-z_]+", operation["operationId"])
        assert operation["operationId"].split("-")[0] == operation["tags"][0]


def test_every_operation_declares_its_errors_in_the_error_shape(openapi: dict[str, Any]) -> None:
    for operation in _operations(openapi):
        errors = {status for status in operation["responses"] if int(status) >= 400}
        assert errors == EXPECTED_ERRORS[operation["operationId"]], operation["operationId"]
        for status in errors:
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert schema == ERROR_BODY, (operation["operationId"], status)
        if "429" in errors:
            assert "Retry-After" in operation["responses"]["429"]["headers"]
    # FastAPI's own validation error shape is never announced: the API never answers it.
    assert "HTTPValidationError" not in openapi["components"]["schemas"]
    assert set(openapi["components"]["schemas"]["ErrorBody"]["required"]) == {"error", "detail"}


async def test_the_docs_page_answers_html(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/docs")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/api/v1/openapi.json" in response.text


async def test_an_unknown_path_answers_404_in_the_error_shape(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.json() == {
        "error": "NotFound",
        "detail": "There is nothing at /api/v1/nothing-here.",
    }


@pytest.mark.parametrize("path", ["/api/v1/meta", "/api/v1/airports/PAE", "/health"])
async def test_a_wrong_method_answers_405_in_the_error_shape(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.post(path)

    assert response.status_code == 405
    assert response.json() == {"error": "MethodNotAllowed", "detail": "Method Not Allowed"}
    assert response.headers["allow"] == "GET"


@pytest.mark.parametrize(
    ("path", "headers", "content"),
    [
        ("/api/v1/sessions", {"content-type": "application/json"}, b"\xff\xfe{"),
        (
            "/api/v1/airports/PAE/photos",
            {"content-type": "multipart/form-data; boundary=b"},
            b"--b\r\nno headers--b--\r\n",
        ),
    ],
    ids=["json that is not utf-8", "broken multipart"],
)
async def test_a_body_that_cannot_be_read_answers_422_in_the_error_shape(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], content: bytes
) -> None:
    response = await client.post(path, headers=headers, content=content)

    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "ValidationFailed"
    assert [field["field"] for field in body["fields"]] == ["body"]


def _fits(openapi: dict[str, Any], schema: dict[str, Any], example: Any) -> list[str]:
    """What is wrong with an example of a schema of the document (its ``$ref``s resolved
    against the document)."""
    root = {**schema, "components": openapi["components"]}
    validator = jsonschema.Draft202012Validator(root)
    return [
        f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(example)
    ]


def test_every_operation_has_examples_that_fit_its_schemas(openapi: dict[str, Any]) -> None:
    """Of its path parameters, the body it takes and the body it answers: recorded from the
    API's real answers (`api.openapi_examples`), and checked here against the schemas, so that
    they change with the API."""
    missing, wrong = [], []
    for operation in _operations(openapi):
        name = operation["operationId"]
        for parameter in operation.get("parameters", ()):
            if parameter["in"] == "path" and "example" not in parameter:
                missing.append(f"{name}: path parameter {parameter['name']}")
        bodies = [("request", operation.get("requestBody", {}).get("content", {}))]
        bodies += [
            (f"answer {status}", answer.get("content", {}))
            for status, answer in operation["responses"].items()
            if status.startswith("2")
        ]
        for where, content in bodies:
            for content_type, entry in content.items():
                if not textual(content_type):
                    continue  # a file, a vector tile: bytes, not an example to read
                if "example" not in entry:
                    missing.append(f"{name}: {where} {content_type}")
                    continue
                # GeoJSON and iCalendar are described in words, not by a schema.
                for problem in _fits(openapi, entry.get("schema", {}), entry["example"]):
                    wrong.append(f"{name}: {where} {content_type} {problem}")
    assert missing == [], "run `make openapi-examples`"
    assert wrong == [], "run `make openapi-examples`"


def test_an_example_that_does_not_fit_is_found(openapi: dict[str, Any]) -> None:
    detail = openapi["paths"]["/api/v1/airports/{code}"]["get"]["responses"]["200"]
    content = detail["content"]["application/json"]
    assert _fits(openapi, content["schema"], content["example"]) == []
    assert _fits(openapi, content["schema"], {**content["example"], "code": 7}) != []
    assert _fits(openapi, content["schema"], {"code": "PAE"}) != []
