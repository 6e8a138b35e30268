"""A local HTTP server for tests that stand in for a service on the internet."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar


@contextmanager
def local_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve with ``handler`` on a free port; yields the base URL (http://127.0.0.1:PORT)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class Handler(BaseHTTPRequestHandler):
    """A quiet request handler with a helper to answer 200 with a body."""

    def send_body(self, body: bytes, content_type: str = "application/octet-stream") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


class SentryCollector(Handler):
    """Receives what a Sentry SDK sends (envelopes: a header line, then item lines)."""

    received: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        SentryCollector.received.append(body)
        self.send_body(b"{}", "application/json")

    @classmethod
    def items(cls) -> list[dict[str, Any]]:
        """Every JSON line of every envelope received (headers and payloads)."""
        found: list[dict[str, Any]] = []
        for envelope in cls.received:
            for line in envelope.splitlines():
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                if isinstance(item, dict):
                    found.append(item)
        return found

    @classmethod
    def transactions(cls) -> list[dict[str, Any]]:
        """The transaction payloads (not their item headers)."""
        return [
            item for item in cls.items() if item.get("type") == "transaction" and "spans" in item
        ]
