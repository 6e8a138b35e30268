"""The operator commands run in-process against the session's moto server (tests/aws.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.aws import REGION, Aws
from tests.local_http import local_server
from tests.ops.support import AwsGaps, Pirep, gaps_handler


@pytest.fixture
def gaps(aws: Aws) -> Iterator[AwsGaps]:
    """The gaps server; point PIREP_AWS_ENDPOINT_URL at ``gaps.url``."""
    gaps = AwsGaps(aws.url)
    with local_server(gaps_handler(gaps)) as url:
        gaps.url = url
        yield gaps


@pytest.fixture
def pirep(aws: Aws, tmp_path: Path) -> Pirep:
    """Runs `pirep` against moto, with the data directory in the test's temporary one."""
    return Pirep(
        {
            **{name: None for name in os.environ if name.startswith("PIREP_")},
            "PIREP_AWS_ENDPOINT_URL": aws.url,
            "PIREP_AWS_REGION": REGION,
            "PIREP_AWS_TIMEOUT_SECONDS": "5",
            "PIREP_DATA_DIR": str(tmp_path / "data"),
            "PIREP_ENVIRONMENT": "test",
        }
    )
