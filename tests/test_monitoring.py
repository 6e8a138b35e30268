"""Monitoring as the services run in production: JSON log lines (CloudWatch) and Sentry
performance traces of API requests and importer steps, sent to a local stand-in for Sentry."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from api.core.embedded_pg import find_free_port
from api.core.settings import PROJECT_ROOT
from tests.local_http import SentryCollector, local_server


def _environment(database_url: str, sentry_base: str, tmp_path: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PIREP_")}
    host = sentry_base.removeprefix("http://")
    return {
        **environment,
        "PIREP_DATABASE_URL": database_url,
        "PIREP_DATA_DIR": str(tmp_path / "data"),
        "PIREP_LOG_FORMAT": "json",
        "PIREP_SENTRY_DSN": f"http://key@{host}/3",
        "PIREP_SENTRY_TRACES_SAMPLE_RATE": "1.0",
    }


def _json_lines(output: str) -> list[dict[str, object]]:
    """Every line of ``output`` as JSON; a line that is not JSON fails the test."""
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            pytest.fail(f"not a JSON log line: {line!r}")
    return parsed


def test_the_api_logs_json_lines_and_traces_requests(fresh_database: str, tmp_path: Path) -> None:
    SentryCollector.received = []
    port = find_free_port()
    with local_server(SentryCollector) as sentry:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
            env=_environment(fresh_database, sentry, tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # uvicorn's access lines go to standard output
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    url = f"http://127.0.0.1:{port}/api/v1/meta"
                    with urllib.request.urlopen(url, timeout=5) as response:
                        assert response.status == 200
                    break
                except OSError:
                    assert process.poll() is None, process.stdout and process.stdout.read()
                    assert time.monotonic() < deadline, "the API did not start"
                    time.sleep(0.2)
        finally:
            process.send_signal(signal.SIGINT)
            output, _ = process.communicate(timeout=30)
    lines = _json_lines(output)
    assert {"level", "logger", "message", "time"} <= set(lines[0])
    assert not any("color_message" in line for line in lines)
    access = [line for line in lines if line["logger"] == "uvicorn.access"]
    assert any('"GET /api/v1/meta HTTP/1.1" 200' in str(line["message"]) for line in access)
    traces = SentryCollector.transactions()
    assert any(trace["transaction"] == "/api/v1/meta" for trace in traces), traces
    meta = next(trace for trace in traces if trace["transaction"] == "/api/v1/meta")
    assert meta["contexts"]["trace"]["op"] == "http.server"
    assert meta["tags"]["component"] == "api"


def test_each_importer_step_is_a_span_of_one_trace(fresh_database: str, tmp_path: Path) -> None:
    SentryCollector.received = []
    with local_server(SentryCollector) as sentry:
        command = [sys.executable, "-m", "importer", "run", "--products", "airports"]
        command += ["--source-dir", str(PROJECT_ROOT / "importer/sample_data")]
        command += ["--cycle", "2024-12-26", "--countries", "", "--dry-run"]
        answer = subprocess.run(
            command,
            env=_environment(fresh_database, sentry, tmp_path),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert answer.returncode == 0, answer.stderr
    lines = _json_lines(answer.stderr)
    steps = [line["message"] for line in lines]
    # The report is one line, its figures in fields.
    assert lines[-1]["message"] == "Import succeeded"
    assert lines[-1]["report"]["staged"] == 547
    [trace] = SentryCollector.transactions()
    assert trace["contexts"]["trace"]["op"] == "importer.run"
    assert trace["tags"]["component"] == "importer"
    spans = [span for span in trace["spans"] if span["op"] == "importer.step"]
    assert len(spans) >= 2
    # Every step logged is a span, in order, each ending before the next begins.
    assert [span["description"] for span in spans] == [
        s for s in steps if s in {span["description"] for span in spans}
    ]
    for first, second in itertools.pairwise(spans):
        assert first["timestamp"] <= second["start_timestamp"]
