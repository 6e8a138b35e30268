"""The SPA's typed API client is generated from the API's OpenAPI schema and committed: it
must match the API as it is now (regenerate with `make api-client`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from api.core.settings import PROJECT_ROOT

FRONTEND = PROJECT_ROOT / "frontend"
GENERATOR = FRONTEND / "node_modules" / ".bin" / "openapi-typescript"


def test_the_committed_client_matches_the_api(tmp_path: Path) -> None:
    if shutil.which("node") is None or not GENERATOR.exists():
        pytest.fail("The SPA's dependencies are missing: run `make test`, which installs them.")
    schema, generated = tmp_path / "openapi.json", tmp_path / "schema.d.ts"
    subprocess.run(
        [sys.executable, "-m", "api.cli", "openapi", "--output", str(schema)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        [str(GENERATOR), str(schema), "-o", str(generated)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    committed = (FRONTEND / "src" / "api" / "schema.d.ts").read_text(encoding="utf-8")
    assert generated.read_text(encoding="utf-8") == committed, (
        "frontend/src/api/schema.d.ts is stale: run `make api-client` and commit the result."
    )
