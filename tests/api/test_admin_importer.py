"""Importer runs started from the admin API: a local process, or an ECS task (moto)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from api.app import create_app
from api.core.cycles import Product, current_cycle
from api.core.settings import Settings
from api.core.task_runner import LocalTaskRunner
from api.state import state_of
from tests.api.conftest import MakePerson, SampleSources, make_person_in
from tests.aws import Aws, ecs_runner
from tests.local_http import local_server

RUNS = "/api/v1/admin/importer/runs"
ACTIVE = ("requested", "running")


@pytest.fixture
def sources() -> Iterator[str]:
    with local_server(SampleSources) as base:
        yield base


async def wait_for_end(http: httpx.AsyncClient, run_id: str, seconds: float) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        run: dict[str, Any] = (await http.get(f"{RUNS}/{run_id}")).json()
        if run["status"] not in ACTIVE or time.monotonic() > deadline:
            return run
        await asyncio.sleep(0.2)


async def test_an_admin_imports_the_airports_with_a_local_importer_process(
    fresh_database: str,
    settings_for: Callable[..., Settings],
    sources: str,
    password_hash: str,
) -> None:
    """End to end: the admin API starts `python -m importer run` as its own process, which
    downloads (from a local server), loads the airports and reports back in importer_runs."""
    settings = settings_for(fresh_database, nasr_base_url=sources, ourairports_base_url=sources)
    engine = create_async_engine(fresh_database)
    try:
        async with engine.begin() as connection:
            admin = await make_person_in(connection, "admin", "192.0.2.250", password_hash)
        app = create_app(settings, engine=engine)
        async with admin.client(app) as http:
            started = await http.post(RUNS, json={"products": ["airports"]})
            assert started.status_code == 202, started.text
            run = started.json()
            assert run["status"] == "requested"
            assert run["task"].startswith("local:")
            assert run["requested_by"]["id"] == str(admin.user_id)

            second = await http.post(RUNS, json={"products": ["airports"], "dry_run": True})
            assert second.status_code == 409
            assert run["id"] in second.json()["detail"]

            finished = await wait_for_end(http, run["id"], 120)
            listed = (await http.get(RUNS)).json()
        log = (settings.data_dir / "logs" / f"importer-{run['id']}.log").read_text()
        assert finished["status"] == "succeeded", (finished, log)
        assert finished["finished_at"] is not None
        assert [item["id"] for item in listed["items"]] == [run["id"]]
        async with engine.connect() as connection:
            airports = await connection.scalar(sa.text("SELECT count(*) FROM airports"))
            cycle = await connection.scalar(
                sa.text("SELECT cycle FROM faa_data_cycles WHERE product = 'airports'")
            )
        assert (airports or 0) > 100
        assert cycle == current_cycle(Product.AIRPORTS, date.today())
    finally:
        await engine.dispose()


async def test_a_run_whose_process_dies_is_reported_failed(
    app: FastAPI, make_person: MakePerson, tmp_path: Path
) -> None:
    # A "importer" that ends at once without reporting anything, as a crash would.
    state_of(app).task_runner = LocalTaskRunner(
        tmp_path, command_prefix=["python3", "-c", "import sys; sys.exit(3)"]
    )
    admin = await make_person("admin")
    async with admin.client(app) as http:
        started = (await http.post(RUNS, json={"products": ["charts"], "force": True})).json()
        run = await wait_for_end(http, started["id"], 20)
        dashboard = (await http.get("/api/v1/admin/dashboard")).json()
    assert run["status"] == "failed"
    assert run["error"] == f"The importer stopped without finishing ({run['task_status']})."
    assert "exited with 3" in run["task_status"]
    assert dashboard["active_import"] is None
    log = (tmp_path / f"importer-{started['id']}.log").read_text()
    assert f"run --run-id {started['id']} --products charts --force" in log


async def test_an_import_request_is_checked(app: FastAPI, make_person: MakePerson) -> None:
    admin = await make_person("admin")
    async with admin.client(app) as http:
        for body in ({"products": []}, {"products": ["weather"]}, {"force": "maybe"}):
            response = await http.post(RUNS, json=body)
            assert response.status_code == 422, body
            assert response.json()["error"] == "ValidationFailed"


async def test_production_starts_an_ecs_task_carrying_the_run_id(
    app: FastAPI, make_person: MakePerson, aws: Aws
) -> None:
    state_of(app).task_runner = ecs_runner(aws.url)
    admin = await make_person("admin")
    async with admin.client(app) as http:
        started = await http.post(RUNS, json={"products": ["airports", "diagrams"]})
        assert started.status_code == 202, started.text
        run = (await http.get(f"{RUNS}/{started.json()['id']}")).json()
    assert run["task"].startswith("arn:aws:ecs:")
    assert run["status"] == "requested"
    assert "RUNNING" in run["task_status"]
    tasks = aws.client("ecs").describe_tasks(cluster="pirep-test", tasks=[run["task"]])["tasks"]
    command = tasks[0]["overrides"]["containerOverrides"][0]["command"]
    assert command[-4:] == ["--run-id", run["id"], "--products", "airports,diagrams"]
    aws.client("ecs").stop_task(cluster="pirep-test", task=run["task"])


@pytest.mark.filterwarnings("ignore:Exception\\(InvalidSubnetIdError\\):UserWarning")
@pytest.mark.parametrize(
    ("override", "status", "words"),
    [
        ({"ecs_jobs_service": "no-such-service"}, 503, "no-such-service"),
        ({"ecs_importer_task_family": "no-such-family"}, 503, "no-such-family"),
        ({"ecs_jobs_service": "subnet-gone"}, 502, "subnet"),
    ],
    ids=["no service", "no task definition", "AWS error"],
)
async def test_a_task_aws_cannot_start_is_a_clear_error_and_a_failed_run(
    app: FastAPI,
    make_person: MakePerson,
    connection: AsyncConnection,
    aws: Aws,
    override: dict[str, str],
    status: int,
    words: str,
) -> None:
    state_of(app).task_runner = ecs_runner(aws.url, **override)
    admin = await make_person("admin")
    async with admin.client(app) as http:
        refused = await http.post(RUNS, json={"products": ["airports"]})
        listed = (await http.get(RUNS)).json()
        # Nothing is left active: the next request may start a run.
        state_of(app).task_runner = ecs_runner(aws.url)
        again = await http.post(RUNS, json={"products": ["airports"]})
    assert refused.status_code == status
    assert refused.json()["error"] == ("ServiceUnavailable" if status == 503 else "UpstreamFailed")
    assert words in refused.json()["detail"]
    failed = listed["items"][0]
    assert (failed["status"], failed["error"]) == ("failed", refused.json()["detail"])
    assert again.status_code == 202
    aws.client("ecs").stop_task(cluster="pirep-test", task=again.json()["task"])
