"""One handler renders every error as ``{"error", "detail"}`` (plus field errors)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.core.errors import PirepError

logger = logging.getLogger("api")


class FieldError(BaseModel):
    field: str = Field(examples=["lat"])
    message: str = Field(examples=["Input should be a valid number"])


class ConflictingField(BaseModel):
    field: str
    current: Any = Field(description="The value now, which someone else wrote.")
    version: str = Field(description="Its version: edit from it to keep your change.")
    changed_by: str | None
    changed_at: datetime | None


class ErrorBody(BaseModel):
    error: str = Field(examples=["NotFound"])
    detail: str = Field(examples=["No airport has the code, ICAO code or id 'XYZ'."])
    fields: list[FieldError] | None = None
    conflicts: list[ConflictingField] | None = Field(
        default=None, description="For an edit conflict: each field someone else changed."
    )


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorBody, "description": "A query parameter is invalid."},
    503: {
        "model": ErrorBody,
        "description": "The database is unreachable, or (for changes) the site is read-only.",
    },
}
# Added by `api.dependencies.document_limits` to the routes under a rate limit (a response
# given by "content", which FastAPI reads when it writes the document).
TOO_MANY_RESPONSE: dict[str, Any] = {
    "description": "Too many requests from this address: try again after `Retry-After` seconds.",
    "headers": {
        "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."},
        "RateLimit-Limit": {
            "schema": {"type": "integer"},
            "description": "Requests allowed in the window (every answer of the route says).",
        },
        "RateLimit-Remaining": {
            "schema": {"type": "integer"},
            "description": "What is left of them.",
        },
        "RateLimit-Reset": {
            "schema": {"type": "integer"},
            "description": "Seconds until the window starts again.",
        },
    },
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such airport."}
}
# Routes under the write rule of community content.
CONTRIBUTION_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    **NOT_FOUND,
    401: {"model": ErrorBody, "description": "A bad token."},
    403: {"model": ErrorBody, "description": "Not verified, disabled, or a locked airport."},
}

_STATUS_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    413: "PayloadTooLarge",
    429: "TooManyRequests",
}


def _json(
    status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def _field_error(item: dict[str, Any]) -> dict[str, str]:
    """A validation error as the API names it; a body that is not JSON is the body's error (its
    location is a character offset, not a field)."""
    if item.get("type") == "json_invalid":
        offset = item.get("loc", ("body", 0))[-1]
        reason = item.get("ctx", {}).get("error", "invalid")
        return {"field": "body", "message": f"Not valid JSON: {reason} (at character {offset})."}
    return {"field": _field_name(tuple(item.get("loc", ()))), "message": item.get("msg", "")}


def _field_name(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in ("query", "path", "body", "header")]
    return ".".join(parts) or "request"


# SQLSTATE classes of a database that is not there: connection exceptions (08) and operator
# intervention (57: shutting down, starting up, not yet accepting connections).
DATABASE_DOWN_CLASSES = ("08", "57")


def database_down(error: BaseException) -> bool:
    """Whether ``error`` says the database is away (restarting, crashed, unreachable) rather
    than that a statement failed: such requests answer 503 and may be retried."""
    if isinstance(error, ConnectionError):  # refused, reset: raised by the driver as is
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    seen: BaseException | None = error.orig
    for _ in range(5):  # the driver's error, and what it was raised from
        if seen is None:
            return False
        code = getattr(seen, "sqlstate", None)
        if isinstance(code, str) and code[:2] in DATABASE_DOWN_CLASSES:
            return True
        # asyncpg's "connection was closed in the middle of operation", and socket errors.
        if type(seen).__name__ == "ConnectionDoesNotExistError" or isinstance(seen, OSError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every failure into the error shape."""

    @app.exception_handler(PirepError)
    async def pirep_error(request: Request, error: PirepError) -> JSONResponse:
        return _json(error.status_code, error.to_dict(), error.headers or None)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = [_field_error(item) for item in error.errors()]
        detail = "; ".join(f"{field['field']}: {field['message']}" for field in fields)
        return _json(422, {"error": "ValidationFailed", "detail": detail, "fields": fields})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 400:
            # The framework could not read the body (JSON that is not UTF-8, broken multipart):
            # invalid input like any other, answered as the routes declare it.
            message = str(error.detail)
            return _json(
                422,
                {
                    "error": "ValidationFailed",
                    "detail": f"body: {message}",
                    "fields": [{"field": "body", "message": message}],
                },
            )
        name = _STATUS_NAMES.get(error.status_code, "HTTPError")
        detail = (
            f"There is nothing at {request.url.path}."
            if error.status_code == 404
            else str(error.detail)
        )
        return _json(error.status_code, {"error": name, "detail": detail}, error.headers)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(PoolTimeout)
    @app.exception_handler(ConnectionError)
    @app.exception_handler(TimeoutError)
    async def database_unreachable(request: Request, error: Exception) -> JSONResponse:
        logger.warning("Database unreachable: %s", error)
        return _json(
            503,
            {"error": "ServiceUnavailable", "detail": "The database is unreachable; try again."},
            {"Retry-After": "5"},
        )

    # Registered for Exception only: its handler runs last and the server then logs the
    # traceback, which handlers of narrower types would swallow.
    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        if database_down(error):
            return await database_unreachable(request, error)
        # The server logs the traceback itself: the client only gets a sentence.
        return _json(500, {"error": "InternalError", "detail": "Something went wrong on our side."})
