"""Schemathesis against the app's own OpenAPI schema: a few derandomized cases per operation,
requester and generation mode (see api_fuzz.py). The long run: ``python -m bench.fuzz_api``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from schemathesis.python import asgi

from api.core.settings import Settings
from tests.hardening.api_fuzz import (
    ROLES,
    Fuzzer,
    Peer,
    World,
    fuzz_app,
    fuzz_settings,
    load_sample,
    provision,
    siteverify,
)

EXAMPLES = 2


@pytest.fixture
async def world(fresh_database: str, tmp_path: Path) -> AsyncIterator[World]:
    """The app on a database of its own holding the sample, with the fuzzer's requesters."""
    with siteverify() as verify_url:
        settings: Settings = fuzz_settings(fresh_database, tmp_path, verify_url)
        await load_sample(settings)
        roles, readable, writable = await provision(settings)
        yield World(Peer(fuzz_app(settings)), roles, readable, writable)
        asgi.shutdown_lifespans()


def test_every_operation_answers_as_documented_to_every_requester(world: World) -> None:
    fuzzer = Fuzzer(world)

    report = fuzzer.run(EXAMPLES)

    assert not report.found, report.summary()
    assert not report.skipped, report.skipped
    for operation in fuzzer.operation_ids():
        assert all(report.cases[(operation, role)] for role in ROLES), operation
