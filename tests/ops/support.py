"""Helpers of the operator commands' tests: the gaps server in front of moto and `pirep`
run in this process.

`AwsGaps` stands between the commands and moto for the few operations moto does not
implement: it answers those from a script the test writes and forwards every other request to
moto unchanged.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx
from click.testing import Result
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from api.cli import app
from api.core.settings import get_settings

Answer = Callable[[dict[str, Any]], dict[str, Any]]


class AwsError(Exception):
    """Raised by a scripted answer: AWS's JSON error of that type."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class AwsGaps:
    """Scripted answers for operations moto lacks, keyed by the X-Amz-Target operation
    name (e.g. "StartPipelineExecution"); ``calls`` records what the commands sent them."""

    moto_url: str
    url: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    patch: dict[str, Callable[[dict[str, Any]], None]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def called(self, operation: str) -> list[dict[str, Any]]:
        with self.lock:
            return [body for name, body in self.calls if name == operation]


def gaps_handler(gaps: AwsGaps) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _forward(self, body: bytes) -> None:
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            response = httpx.request(
                self.command, gaps.moto_url + self.path, headers=headers, content=body
            )
            content = response.content
            operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
            if operation in gaps.patch and response.status_code == 200:
                data = json.loads(content)
                gaps.patch[operation](data)
                content = json.dumps(data).encode()
            self._send(response.status_code, content, response.headers.get("content-type", ""))

        def _send(self, status: int, content: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def _any(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
            if operation not in gaps.answers:
                self._forward(body)
                return
            request = json.loads(body or b"{}")
            with gaps.lock:
                gaps.calls.append((operation, request))
            try:
                status, answer = 200, gaps.answers[operation](request)
            except AwsError as error:
                status, answer = 400, {"__type": error.kind, "message": str(error)}
            self._send(status, json.dumps(answer).encode(), "application/x-amz-json-1.1")

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

        def log_message(self, *args: object) -> None:
            return None

    return Handler


@dataclass(frozen=True)
class Pirep:
    """``pirep …`` in this process, with PIREP_* variables for the run."""

    environment: dict[str, str | None]

    def __call__(self, *args: str, **environment: str | None) -> Result:
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(
                app, list(args), env={**self.environment, **environment}, catch_exceptions=False
            )
        finally:
            get_settings.cache_clear()


def said(result: Result) -> str:
    """What the command wrote (stdout and stderr), with rich's line wrapping undone."""
    return " ".join(result.output.split())


def sql(url: str, *statements: str) -> Any:
    """Run the statements in one transaction; the last one's first value."""

    async def run() -> Any:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                for statement in statements:
                    result = await connection.exec_driver_sql(statement)
                return result.scalar() if result.returns_rows else None
        finally:
            await engine.dispose()

    return asyncio.run(run())
