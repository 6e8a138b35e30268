"""ASGI middleware: client address and blocklist, security headers, body cap, policy audit.

The rate limits are dependencies of the routes they apply to (`api.dependencies`)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.clients import Network, client_address, in_networks
from api.core.policy import begin_request

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
    send: Send, status: int, error: str, detail: str, headers: Sequence[tuple[str, str]] = ()
) -> None:
    """Answer with the API's error shape from inside a middleware."""
    body = json.dumps({"error": error, "detail": detail}).encode()
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
