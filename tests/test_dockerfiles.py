"""The two images, checked without building them (no Docker engine runs on these machines):
what each installs, the user and ports, that every file they copy exists, and that the
commands they and the ECS task definitions run are real commands, run here instead. The
installed layout (a wheel, no source tree) is run against a real database."""

from __future__ import annotations

import fnmatch
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from dockerfile_parse import DockerfileParser
from sqlalchemy.ext.asyncio import create_async_engine

from api.core.settings import PROJECT_ROOT
from api.core.task_runner import importer_arguments

IMAGES = ("Dockerfile.api", "Dockerfile.importer")
UV = str(PROJECT_ROOT / ".tools/bin/uv")


def instructions(name: str) -> list[dict[str, Any]]:
    # Read from memory: given content, the parser writes it to ./Dockerfile.
    parser = DockerfileParser(fileobj=io.BytesIO((PROJECT_ROOT / name).read_bytes()))
    return [i for i in parser.structure if i["instruction"] != "COMMENT"]


def stages(name: str) -> list[list[dict[str, Any]]]:
    """The instructions of each stage, in order."""
    found: list[list[dict[str, Any]]] = []
    for instruction in instructions(name):
        if instruction["instruction"] == "FROM":
            found.append([])
        found[-1].append(instruction)
    return found


def final(name: str, kind: str) -> list[str]:
    return [i["value"] for i in stages(name)[-1] if i["instruction"] == kind]


def exec_form(value: str) -> list[str]:
    command = json.loads(value)
    assert isinstance(command, list)
    return [str(part) for part in command]


def exported(*extras: str) -> set[str]:
    """The packages an image installs: uv.lock's versions for these extras."""
    arguments = [UV, "export", "--frozen", "--no-hashes", "--no-emit-project"]
    for extra in extras:
        arguments += ["--extra", extra]
    text = subprocess.run(
        arguments, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60, check=True
    ).stdout
    return {line.split("==")[0] for line in text.splitlines() if "==" in line}


def run_help(*command: str) -> str:
    answer = subprocess.run(
        [sys.executable, *command, "--help"], capture_output=True, text=True, timeout=60
    )
    assert answer.returncode == 0, answer.stderr
    return answer.stdout


@pytest.mark.parametrize("name", IMAGES)
def test_bases_are_pinned_and_the_image_runs_as_a_user(name: str) -> None:
    for stage in stages(name):
        base = stage[0]["value"].split()[0]
        tag = base.partition(":")[2]
        assert re.fullmatch(r"\d+\.\d+\.\d+-[a-z-]+", tag), f"{base} is not a pinned version"
    users = final(name, "USER")
    assert users
    assert users[-1] not in ("root", "0")
    # The uv that installs is pinned, and installs the versions of uv.lock.
    text = (PROJECT_ROOT / name).read_text()
    assert re.search(r"uv==\d+\.\d+\.\d+", text)
    assert "--frozen" in text


@pytest.mark.parametrize("name", IMAGES)
def test_every_copied_file_exists_and_is_sent_to_the_build(name: str) -> None:
    ignored = [
        line.strip()
        for line in (PROJECT_ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    stage_names = {
        i["value"].split()[-1] for i in instructions(name) if " AS " in i["value"].upper()
    }
    copied = 0
    for instruction in instructions(name):
        if instruction["instruction"] != "COPY":
            continue
        parts = instruction["value"].split()
        if any(part.startswith("--from=") for part in parts):
            assert parts[0].removeprefix("--from=") in stage_names
            continue
        for source in parts[:-1]:
            assert (PROJECT_ROOT / source).exists(), f"{name}: COPY {source}: no such file"
            assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source
            copied += 1
    assert copied >= 4


def test_the_api_image_installs_the_api_and_worker_only() -> None:
    text = (PROJECT_ROOT / "Dockerfile.api").read_text()
    assert "--extra api --extra worker" in text
    assert "--extra importer" not in text
    packages = exported("api", "worker")
    assert {"fastapi", "uvicorn", "procrastinate", "boto3", "lxml"} <= packages
    assert not {"rasterio", "opencv-python-headless", "pypdfium2"} & packages


def test_the_importer_image_installs_the_importer_only() -> None:
    text = (PROJECT_ROOT / "Dockerfile.importer").read_text()
    assert "--extra importer" in text
    assert "--extra api" not in text
    packages = exported("importer")
    assert {"rasterio", "pypdfium2", "boto3", "pillow", "numpy"} <= packages
    assert not {"fastapi", "uvicorn", "starlette"} & packages


def test_the_api_image_serves_the_spa_on_its_port_with_a_health_check() -> None:
    environment = " ".join(final("Dockerfile.api", "ENV"))
    spa = re.search(r"PIREP_SPA_DIR=(\S+)", environment)
    assert spa is not None
    assert f"--from=spa /src/frontend/dist {spa.group(1)}" in final("Dockerfile.api", "COPY")
    assert "PIREP_LOG_FORMAT=json" in environment
    assert final("Dockerfile.api", "EXPOSE") == ["8000"]
    [health] = final("Dockerfile.api", "HEALTHCHECK")
    assert "http://127.0.0.1:8000/health" in health
    [command] = final("Dockerfile.api", "CMD")
    assert exec_form(command)[:2] == ["pirep", "serve"]
    assert exec_form(command)[-2:] == ["--port", "8000"]
    # The SPA stage builds with the lock file, as `make run` does.
    spa_stage = " ".join(i["value"] for i in stages("Dockerfile.api")[0])
    assert "npm ci" in spa_stage
    assert "npm run build" in spa_stage


def test_the_importer_image_runs_what_the_task_runner_overrides() -> None:
    [command] = final("Dockerfile.importer", "CMD")
    assert exec_form(command) == ["python", "-m", "importer", "run"]
    assert "PIREP_LOG_FORMAT=json" in " ".join(final("Dockerfile.importer", "ENV"))
    # The ECS override keeps that command and adds the run's options.
    source = (PROJECT_ROOT / "api/core/task_runner.py").read_text()
    assert 'command = ["python", "-m", "importer", "run", "--run-id"' in source
    stdout = run_help("-m", "importer", "run")
    for option in ("--products", "--charts", "--force", "--dry-run", "--source-dir", "--run-id"):
        assert option in stdout
    arguments = importer_arguments(["airports", "diagrams", "charts"], force=True, dry_run=True)
    assert set(arguments) <= {"--products", "airports,diagrams,charts", "--force", "--dry-run"}


def test_the_task_definitions_run_commands_the_images_have() -> None:
    """Each container command of the Terraform is a command of the image it runs in."""
    ecs = PROJECT_ROOT / "infra/modules/ecs"
    commands = {
        path.stem: re.findall(r"command\s*=\s*\[([^\]]*)\]", path.read_text())[0]
        for path in (ecs / "web.tf", ecs / "jobs.tf", ecs / "importer.tf")
    }
    web = re.findall(r'"([^"]+)"', commands["web"])
    assert web[:2] == ["pirep", "serve"]
    assert {"--host", "--port", "--workers"} <= set(web)
    assert {"--host", "--port", "--workers"} <= set(
        re.findall(r"--\w+", run_help("-m", "api.cli", "serve"))
    )
    assert re.findall(r'"([^"]+)"', commands["jobs"]) == ["pirep", "worker"]
    run_help("-m", "api.cli", "worker")
    assert re.findall(r'"([^"]+)"', commands["importer"]) == ["python", "-m", "importer", "run"]
    # The migrate stage of the pipeline runs `pirep db upgrade` in the API image.
    migrate = (PROJECT_ROOT / "infra/modules/codesuite/buildspec-migrate.yml").read_text()
    assert '"command":["pirep","db","upgrade"]' in migrate
    run_help("-m", "api.cli", "db", "upgrade")


def test_pirep_runs_without_the_importers_raster_stack() -> None:
    """The API image has no rasterio: `pirep` still starts, and `pirep import` says why not."""
    block = "import sys; sys.modules['rasterio'] = None; from api.cli import main; main()"
    serve = subprocess.run(
        [sys.executable, "-c", block, "serve", "--help"], capture_output=True, text=True
    )
    assert serve.returncode == 0, serve.stderr
    refused = subprocess.run(
        [sys.executable, "-c", block, "import", "run"], capture_output=True, text=True
    )
    assert refused.returncode == 1
    assert "The importer is not installed here (rasterio is missing)" in refused.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project as the images install it: the wheel, unpacked, no source tree beside it."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [UV, "build", "--wheel", "--quiet", "--out-dir", str(out)],
        cwd=PROJECT_ROOT,
        check=True,
        timeout=300,
    )
    [wheel] = out.glob("pirep-*.whl")
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    assert not (site / "alembic.ini").exists()
    return site


async def test_the_installed_package_migrates_a_database(
    installed: Path, fresh_database: str, tmp_path: Path
) -> None:
    engine = create_async_engine(fresh_database)
    async with engine.begin() as connection:
        await connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        await connection.execute(sa.text("CREATE SCHEMA public"))
    answer = subprocess.run(  # noqa: ASYNC221 - the test waits for it, nothing else runs
        [
            sys.executable,
            "-c",
            "import api.cli; print(api.cli.__file__); api.cli.main()",
            "db",
            "upgrade",
        ],
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(installed),
            "PIREP_DATABASE_URL": fresh_database,
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.startswith(str(installed))  # not the checkout
    async with engine.connect() as connection:
        version = await connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
        airports = await connection.scalar(sa.text("SELECT count(*) FROM airports"))
    await engine.dispose()
    heads = [p.name for p in (installed / "migrations/versions").glob("*.py")]
    assert version is not None
    assert any(version in name for name in heads)
    assert airports == 0
