"""ASGI middleware: client address and blocklist, HEAD, public reads from other sites (CORS),
security headers, rate-limit fields, body cap, control characters, policy audit.

The rate limits are dependencies of the routes they apply to (`api.dependencies`)."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.clients import Network, client_address, in_networks
from api.core.policy import begin_request
from api.core.ratelimit import RATE_LIMIT_STATE

# Suited to the SPA and its map: scripts only from this origin, map tiles and photos from
# anywhere over HTTPS, MapLibre's workers from blob: URLs, webcams from the allow-listed host.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https:; font-src 'self' data:; connect-src 'self' https:; "
    "worker-src 'self' blob:; child-src 'self' blob:; frame-src 'self' https://video.nest.com; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)
# The API docs page starts Swagger UI with an inline script.
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'unsafe-inline'"
)
HSTS = "max-age=63072000; includeSubDomains"
# Answers about accounts, sessions (the CSRF token) and administration are never stored by
# a browser or a shared cache (ASVS 8.2.1).
PRIVATE_PREFIXES = ("/api/v1/users/me", "/api/v1/sessions", "/api/v1/admin/")
# The CAPTCHA widget (Cloudflare Turnstile) is a script and a frame of its own origin.
CAPTCHA_ORIGIN = "https://challenges.cloudflare.com"


def with_captcha(policy: str) -> str:
    """The policy, letting the SPA load the CAPTCHA widget."""
    return policy.replace("script-src 'self'", f"script-src 'self' {CAPTCHA_ORIGIN}").replace(
        "frame-src 'self'", f"frame-src 'self' {CAPTCHA_ORIGIN}"
    )


async def send_error(
    send: Send,
    status: int,
    error: str,
    detail: str,
    headers: Sequence[tuple[str, str]] = (),
    fields: Sequence[dict[str, str]] = (),
) -> None:
    """Answer with the API's error shape from inside a middleware."""
    shape: dict[str, object] = {"error": error, "detail": detail}
    if fields:
        shape["fields"] = list(fields)
    body = json.dumps(shape).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *((name.encode(), value.encode()) for name, value in headers),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Adds the security headers to every HTTP response (HSTS only where served over HTTPS)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        hsts: bool,
        docs_path: str,
        captcha: bool = False,
        report_origin: str | None = None,
    ) -> None:
        self.app = app
        self.docs_path = docs_path
        policy = with_captcha(CONTENT_SECURITY_POLICY) if captcha else CONTENT_SECURITY_POLICY
        if report_origin:  # the browser's error reports (Sentry), whatever its scheme
            policy = policy.replace("connect-src 'self'", f"connect-src 'self' {report_origin}")
        self.policy = policy
        self.headers = {
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "strict-origin-when-cross-origin",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=(self)",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
        if hsts:
            self.headers["Strict-Transport-Security"] = HSTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_CONTENT_SECURITY_POLICY if scope["path"] == self.docs_path else self.policy
        private = scope["path"].startswith(PRIVATE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", policy)
                if private:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimit:
    """Refuses request bodies over ``max_bytes`` with 413, announced or not (chunked); paths
    ending with one of ``upload_suffixes`` may send up to ``max_upload_bytes``."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        max_upload_bytes: int = 0,
        upload_suffixes: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.default_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes
        self.upload_suffixes = upload_suffixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = self.upload_suffixes and scope["path"].endswith(self.upload_suffixes)
        limit = self.max_upload_bytes if upload else self.default_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit)
            return
        received = 0
        too_large = False
        refused = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise BodyTooLarge
            return message

        async def checked_send(message: Message) -> None:
            # The app answers its own error for the interrupted body: answer 413 instead.
            nonlocal refused
            if too_large:
                if not refused:
                    refused = True
                    await self._refuse(send, limit)
                return
            await send(message)

        try:
            await self.app(scope, counting_receive, checked_send)
        except BodyTooLarge:
            if not refused:
                await self._refuse(send, limit)

    async def _refuse(self, send: Send, limit: int) -> None:
        await send_error(
            send, 413, "PayloadTooLarge", f"The request body is larger than {limit:,} bytes."
        )


class BodyTooLarge(Exception):
    """Raised inside the app when a streamed body passes the limit."""


class ClientAddress:
    """Puts the real client address in the scope (behind trusted proxies) and refuses
    addresses on the blocklist."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        trusted: Sequence[Network],
        blocked: Sequence[Network],
        viewer_header: str | None = None,
    ):
        self.app = app
        self.trusted = trusted
        self.blocked = blocked
        self.viewer_header = viewer_header.lower().encode("latin-1") if viewer_header else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        peer = scope.get("client")
        headers = dict(scope["headers"])
        forwarded = headers.get(b"x-forwarded-for")
        viewer = headers.get(self.viewer_header) if self.viewer_header else None
        address = client_address(
            peer[0] if peer else None,
            forwarded.decode("latin-1") if forwarded else None,
            self.trusted,
            viewer.decode("latin-1") if viewer else None,
        )
        if address is not None and in_networks(address, self.blocked):
            await send_error(send, 403, "Forbidden", "Requests from this address are refused.")
            return
        if address is not None and peer and address != peer[0]:
            scope = {**scope, "client": (address, 0)}
        await self.app(scope, receive, send)


class PolicyAudit:
    """Gives every request a fresh record of the policies it consults (see `api.core.policy`),
    which the session dependency checks before committing a change."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            begin_request()
        await self.app(scope, receive, send)


class HeadAsGet:
    """HEAD answers wherever GET does (RFC 9110 §9.3.2): the request runs as a GET, and its
    answer goes out with the same status and headers (Content-Length, ETag…) and no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b""})

        await self.app({**scope, "method": "GET"}, receive, headers_only)


# What a page of another site may send when it reads (beyond the headers CORS always allows),
# and read of the answer.
CORS_REQUEST_HEADERS = frozenset({"if-none-match", "if-modified-since", "range"})
CORS_EXPOSED_HEADERS = (
    "ETag, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy"
)


class PublicReads:
    """Pages of any other site may read the public API anonymously (CORS), so that a club's
    website or a planning tool in a browser can show Pirep's data: an anonymous GET or HEAD
    under ``/api/`` answers ``Access-Control-Allow-Origin: *``, and a preflight for such a
    read is answered. Nothing else is shared: not a request with a cookie or a token (a page
    of another site never reads a pilot's session), not a write (its preflight gets no CORS
    header, and the browser sends nothing). See docs/security.md."""

    def __init__(self, app: ASGIApp, prefix: str = "/api/") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        method = scope["method"]
        if method == "OPTIONS" and "access-control-request-method" in headers:
            if self._readable_preflight(headers):
                await send_preflight(send)
                return
        elif method in ("GET", "HEAD") and not {"cookie", "authorization"} & set(headers):

            async def shared(message: Message) -> None:
                if message["type"] == "http.response.start":
                    answer = MutableHeaders(scope=message)
                    answer["Access-Control-Allow-Origin"] = "*"
                    answer["Access-Control-Expose-Headers"] = CORS_EXPOSED_HEADERS
                await send(message)

            await self.app(scope, receive, shared)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _readable_preflight(headers: Headers) -> bool:
        asked = {
            name.strip().lower()
            for name in headers.get("access-control-request-headers", "").split(",")
            if name.strip()
        }
        return headers["access-control-request-method"] in ("GET", "HEAD") and (
            asked <= CORS_REQUEST_HEADERS
        )


async def send_preflight(send: Send) -> None:
    """204 to a preflight for an anonymous read, cached by the browser for a day."""
    await send(
        {
            "type": "http.response.start",
            "status": 204,
            "headers": [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-allow-methods", b"GET, HEAD"),
                (b"access-control-allow-headers", ", ".join(sorted(CORS_REQUEST_HEADERS)).encode()),
                (b"access-control-max-age", b"86400"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})


class RateLimitFields:
    """Answers of rate-limited routes say where the client stands (the ``RateLimit-Limit``,
    ``-Remaining`` and ``-Reset`` fields widely used, and ``RateLimit-Policy``): the limit of
    the window, what is left of it, and the seconds until it starts again. The limits put their
    verdict in the request's state (``api.dependencies``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        # The request's state, shared with the routes (made here if the server made none).
        state = scope.setdefault("state", {})

        async def with_fields(message: Message) -> None:
            verdict = state.get(RATE_LIMIT_STATE)
            if message["type"] == "http.response.start" and verdict is not None:
                answer = MutableHeaders(scope=message)
                answer["RateLimit-Limit"] = str(verdict.limit)
                answer["RateLimit-Remaining"] = str(verdict.remaining)
                answer["RateLimit-Reset"] = str(verdict.retry_after)
                answer["RateLimit-Policy"] = f"{verdict.limit};w={verdict.window_seconds}"
            await send(message)

        await self.app(scope, receive, with_fields)


# C0 control characters but tab, line feed and carriage return, and DEL. PostgreSQL stores no
# NUL in text, and none of them belongs in anything pilots write.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _controls(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Where in a parsed JSON value a string (or a key) holds a control character, named as
    the validation errors name fields (``description.text``; ``body`` for the whole), and the
    first such character."""
    if isinstance(value, str):
        found = _CONTROL.search(value)
        if found:
            yield where or "body", found.group()
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _controls(key, where)
            yield from _controls(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _controls(item, f"{where}.{index}" if where else str(index))


class ControlCharacters:
    """Refuses with 422 (the API's error shape) text that holds a control character, in every
    place a request carries text: the path, the query and JSON bodies. One check for every
    route, before any of them reads a value: a NUL byte would otherwise reach PostgreSQL,
    which refuses it. Tab, line feed and carriage return are text. Bodies are read whole
    (their size is capped before) and handed on unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = list(_controls(scope["path"], "path"))
        query = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        for name, value in query:
            found.extend(_controls(name, "query"))
            found.extend(_controls(value, name))
        content_type = dict(scope["headers"]).get(b"content-type", b"")
        # FastAPI reads a body without a Content-Type as JSON too; reads take no body.
        without_body = scope["method"] in ("GET", "HEAD", "OPTIONS")
        if found or without_body or (content_type and b"json" not in content_type):
            await self._answer(scope, receive, send, found)
            return
        messages = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        body = b"".join(message.get("body", b"") for message in messages)
        # Escaped (\u0000…) or DEL as it is: other control bytes make the JSON invalid anyway.
        if b"\\u00" in body or b"\x7f" in body:
            # Invalid JSON is left to the route, which says what is wrong with it.
            with contextlib.suppress(orjson.JSONDecodeError):
                found.extend(_controls(orjson.loads(body)))

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self._answer(scope, replay, send, found)

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, found: list[tuple[str, str]]
    ) -> None:
        if not found:
            await self.app(scope, receive, send)
            return
        fields = [
            {
                "field": where,
                "message": f"Text may not hold control characters (found U+{ord(character):04X}).",
            }
            for where, character in found
        ]
        detail = "; ".join(f"{field['field']}: {field['message']}" for field in fields)
        await send_error(send, 422, "ValidationFailed", detail, fields=fields)
