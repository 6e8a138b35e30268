"""Progress of an import on a terminal and in logs."""

from __future__ import annotations

import io
import logging

import pytest
from rich.console import Console

from importer.progress import PlainReporter, RichReporter


def test_a_terminal_shows_steps_and_download_sizes() -> None:
    output = io.StringIO()
    console = Console(file=output, force_terminal=True, width=120, color_system=None)
    with RichReporter(console) as reporter:
        reporter.step("Reading the NASR archive")
        reporter.transfer("airports.csv", 1_500_000, 3_000_000)
        reporter.transfer("airports.csv", 3_000_000, 3_000_000)
        reporter.step("Loading 12 airports")
    text = output.getvalue()
    assert "Reading the NASR archive" in text
    assert "Downloading airports.csv" in text
    assert "3.0/3.0 MB" in text
    assert "bytes" not in text.split("Loading 12 airports")[-1]


def test_logs_get_one_line_per_step_and_finished_download(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="importer"), PlainReporter() as reporter:
        reporter.step("Reading the NASR archive")
        reporter.transfer("airports.csv", 3_000_000, 3_000_000)
    assert caplog.messages == [
        "Reading the NASR archive",
        "Downloading airports.csv: 3.0 of 3.0 MB",
    ]
