"""Records the API's answers to the test suite's requests as the OpenAPI document's examples
(`api.openapi_examples`): ``make openapi-examples`` runs the API tests with
``PIREP_RECORD_EXAMPLES=1``, and the richest successful exchange of each operation is written
to ``api/openapi_examples.json``."""

from __future__ import annotations

import gzip
import json
import os
import re
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.app import operation_id
from api.openapi_examples import EXAMPLES_PATH

RECORDING = bool(os.environ.get("PIREP_RECORD_EXAMPLES"))
LIST_ITEMS = 2
# Secrets of the test run are not examples: they are shown in their format.
PLACEHOLDERS = {
    "token": "pirep_Qm9hcmQgdGhlIGZpeGVkLXdpbmcgYWlyY3JhZnQgbm93",
    "csrf_token": "6Jx0mZ2rS8a1b5C3dE7fG9hI1jK3lM5nO7pQ9rS1tU3",
}

recorded: dict[str, dict[str, Any]] = {}
ranks: dict[str, tuple[bool, int]] = {}
CODE = re.compile(r"[A-Z0-9]{3,4}")


def _shorten(value: Any) -> Any:
    """Lists cut to their first items, secrets replaced, all the way down."""
    if isinstance(value, list):
        return [_shorten(item) for item in value[:LIST_ITEMS]]
    if isinstance(value, dict):
        return {
            key: PLACEHOLDERS[key] if key in PLACEHOLDERS and item else _shorten(item)
            for key, item in value.items()
        }
    return value


def textual(content_type: str) -> bool:
    """Whether an example can show a body of this type (a vector tile is binary)."""
    return content_type.endswith("json") or content_type.startswith("text/")


def _decoded(body: bytes, content_type: str, encoding: str | None) -> Any:
    if encoding == "gzip":
        body = gzip.decompress(body)
    if content_type.endswith("json"):
        return _shorten(json.loads(body))
    return body.decode()


class ExampleRecorder:
    """An outer ASGI middleware of a test's app: keeps each operation's largest successful
    exchange in `recorded`."""

    def __init__(self, app: ASGIApp, routes: FastAPI) -> None:
        self.app = app
        self.routes = routes

    def _operation(self, scope: Scope) -> tuple[str, dict[str, Any]] | None:
        for context in iter_route_contexts(self.routes.routes):
            route = context.route
            if isinstance(route, APIRoute) and route.include_in_schema:
                match, child = route.matches(scope)
                if match == Match.FULL:
                    return operation_id(route), child.get("path_params", {})
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent: bytearray = bytearray()
        received: bytearray = bytearray()
        start: dict[str, Any] = {}

        async def receive_() -> Message:
            message = await receive()
            received.extend(message.get("body", b""))
            return message

        async def send_(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                sent.extend(message.get("body", b""))
            await send(message)

        await self.app(scope, receive_, send_)
        self._keep(scope, bytes(received), start, bytes(sent))

    def _keep(self, scope: Scope, received: bytes, start: dict[str, Any], sent: bytes) -> None:
        status = start.get("status", 500)
        if not 200 <= status < 300 or scope["method"] == "HEAD":
            return
        found = self._operation(scope)
        if found is None:
            return
        operation_id, path_params = found
        # The richest exchange is kept (decoded only then), one naming airports by code first.
        by_code = CODE.fullmatch(str(path_params.get("code", "PAE"))) is not None
        rank = (by_code, len(received) + len(sent))
        if operation_id in ranks and ranks[operation_id] >= rank:
            return
        ranks[operation_id] = rank
        headers = {key.decode().lower(): value.decode() for key, value in scope["headers"]}
        answer_headers = {
            key.decode().lower(): value.decode() for key, value in start.get("headers", ())
        }
        example: dict[str, Any] = {
            "parameters": {key: str(value) for key, value in path_params.items()}
        }
        request_type = headers.get("content-type", "").split(";")[0]
        if received and request_type == "application/json":
            example["request"] = {
                "content_type": request_type,
                "body": _shorten(json.loads(received)),
            }
        answer_type = answer_headers.get("content-type", "").split(";")[0]
        if sent and textual(answer_type):
            example["response"] = {
                "status": str(status),
                "content_type": answer_type,
                "body": _decoded(sent, answer_type, answer_headers.get("content-encoding")),
            }
        recorded[operation_id] = example


def record(app: FastAPI) -> None:
    """Record what ``app`` answers, when recording is on."""
    if RECORDING:
        app.add_middleware(ExampleRecorder, routes=app)


def write() -> None:
    """Write what was recorded over the examples of the same operations."""
    if not RECORDING or not recorded:
        return
    examples = json.loads(EXAMPLES_PATH.read_text()) if EXAMPLES_PATH.is_file() else {}
    examples.update(recorded)
    EXAMPLES_PATH.write_text(
        json.dumps(examples, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    )
