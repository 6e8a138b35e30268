"""The importer image: what it installs and the command it runs (the image itself cannot be
built on these machines, so its command is run here instead)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from api.core.settings import PROJECT_ROOT
from api.core.task_runner import importer_arguments

DOCKERFILE = PROJECT_ROOT / "Dockerfile.importer"


def final_stage() -> str:
    return DOCKERFILE.read_text().split("\nFROM ")[-1]


def test_the_importer_image_installs_the_importer_extra_only() -> None:
    text = DOCKERFILE.read_text()
    assert "--extra importer" in text
    assert "--extra api" not in text
    assert "--frozen" in text  # the versions of uv.lock
    assert "\nUSER pirep" in final_stage()  # not root


def test_its_command_is_what_the_task_runner_overrides() -> None:
    match = re.search(r"^CMD (\[.*\])$", final_stage(), re.MULTILINE)
    assert match is not None
    command = json.loads(match.group(1))
    assert command == ["python", "-m", "importer", "run"]
    # The ECS override keeps that command and adds the run's options.
    source = (PROJECT_ROOT / "api/core/task_runner.py").read_text()
    assert 'command = ["python", "-m", "importer", "run", "--run-id"' in source


def test_the_command_runs() -> None:
    arguments = importer_arguments(["airports", "diagrams", "charts"], force=True, dry_run=True)
    answer = subprocess.run(
        [sys.executable, "-m", "importer", "run", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr
    for option in ("--products", "--charts", "--force", "--dry-run", "--source-dir", "--run-id"):
        assert option in answer.stdout
    assert set(arguments) <= {"--products", "airports,diagrams,charts", "--force", "--dry-run"}


def test_the_image_needs_no_web_framework() -> None:
    exported = subprocess.run(
        [
            str(PROJECT_ROOT / ".tools/bin/uv"),
            "export",
            "--frozen",
            "--no-hashes",
            "--extra",
            "importer",
            "--no-emit-project",
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
        check=True,
    ).stdout
    packages = {line.split("==")[0] for line in exported.splitlines() if "==" in line}
    assert {"rasterio", "pypdfium2", "boto3", "pillow", "numpy"} <= packages
    assert not {"fastapi", "uvicorn", "starlette"} & packages
