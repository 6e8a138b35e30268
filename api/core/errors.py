"""The one error type of Pirep: each error carries its HTTP status and a human sentence."""

from __future__ import annotations

from typing import Any, ClassVar


class PirepError(Exception):
    """Base error. Rendered by the API as ``{"error": <name>, "detail": <message>}``."""

    status_code: ClassVar[int] = 500
    error: ClassVar[str] = "InternalError"
    # Whether the request's changes are committed although it fails (e.g. a failed login,
    # whose count must survive the refusal).
    keeps_changes: ClassVar[bool] = False
    # Extra response headers (e.g. Retry-After).
    headers: ClassVar[dict[str, str]] = {}

    def __init__(self, detail: str, *, fields: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fields = fields

    def to_dict(self) -> dict[str, Any]:
        """JSON body for this error."""
        body: dict[str, Any] = {"error": self.error, "detail": self.detail}
        if self.fields:
            body["fields"] = self.fields
        return body


class BadRequest(PirepError):
    status_code = 400
    error = "BadRequest"


class NotFound(PirepError):
    status_code = 404
    error = "NotFound"


class Conflict(PirepError):
    status_code = 409
    error = "Conflict"


class EditConflict(Conflict):
    """Someone changed a field since the editor read it: nothing was saved."""

    error = "EditConflict"

    def __init__(self, detail: str, conflicts: list[dict[str, Any]]) -> None:
        super().__init__(detail)
        self.conflicts = conflicts

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "conflicts": self.conflicts}


class Gone(PirepError):
    """What was asked for existed once and was deleted (a change feed cursor too old)."""

    status_code = 410
    error = "Gone"


class ValidationFailed(PirepError):
    status_code = 422
    error = "ValidationFailed"


class ServiceUnavailable(PirepError):
    status_code = 503
    error = "ServiceUnavailable"


class UpstreamFailed(PirepError):
    """A service Pirep depends on (AWS, a mail server) answered with an error."""

    status_code = 502
    error = "UpstreamFailed"


class ReadOnly(ServiceUnavailable):
    error = "ReadOnly"
    headers: ClassVar[dict[str, str]] = {"Retry-After": "300"}


class ImportFailed(PirepError):
    """An import could not be applied; the database was left as it was."""

    status_code = 422
    error = "ImportFailed"


class Unauthorized(PirepError):
    status_code = 401
    error = "Unauthorized"


class Forbidden(PirepError):
    status_code = 403
    error = "Forbidden"


class VerificationRequired(Forbidden):
    """A writer without an account must pass the one-time CAPTCHA first."""

    error = "VerificationRequired"


class LoginFailed(Unauthorized):
    keeps_changes = True
