"""Without usable AWS credentials every operator command says what to set, in one sentence."""

from __future__ import annotations

import pytest

from tests.ops.support import Pirep, said

COMMANDS = [
    ("db", "download"),
    ("db", "snapshot"),
    ("deploy", "--poll-seconds", "0"),
    ("s3-sync", "photos"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command[:2]))
def test_missing_credentials(pirep: Pirep, command: tuple[str, ...]) -> None:
    result = pirep(
        *command,
        AWS_ACCESS_KEY_ID=None,
        AWS_SECRET_ACCESS_KEY=None,
        AWS_PROFILE=None,
        PIREP_STORAGE_BUCKET="ops-photos",
    )
    assert result.exit_code == 1, result.output
    assert "No AWS credentials were found: set PIREP_AWS_PROFILE" in said(result)
    assert "Traceback" not in result.output


def test_an_unknown_profile(pirep: Pirep) -> None:
    result = pirep("db", "download", PIREP_AWS_PROFILE="no-such-profile")
    assert result.exit_code == 1
    assert "There is no AWS profile named 'no-such-profile'" in said(result)
    assert "Traceback" not in result.output
