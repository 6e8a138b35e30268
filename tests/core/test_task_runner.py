"""Starting the importer: as an ECS task against a local moto server, and as a local process."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import typer

from api.core.errors import ServiceUnavailable, UpstreamFailed
from api.core.settings import Settings
from api.core.task_runner import (
    EcsTaskRunner,
    LocalTaskRunner,
    TaskRunner,
    TaskStatus,
    importer_arguments,
    task_runner_from_settings,
)
from importer.cli import app as importer_app
from tests.aws import CLUSTER, FAMILY, REGION, Aws, ecs_runner


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_importer_arguments_are_what_the_importer_cli_accepts() -> None:
    arguments = importer_arguments(["airports", "diagrams"], force=True, dry_run=True)
    assert arguments == ["--products", "airports,diagrams", "--force", "--dry-run"]
    assert importer_arguments([], force=False, dry_run=False) == []

    run = typer.main.get_command(importer_app).commands["run"]  # type: ignore[attr-defined]
    run_id = str(uuid.uuid4())
    parsed = run.make_context("run", ["--run-id", run_id, *arguments]).params
    assert parsed["run_id"] == run_id
    assert parsed["products"] == "airports,diagrams"
    assert parsed["force"] is True
    assert parsed["dry_run"] is True


async def test_ecs_runs_the_latest_importer_revision_on_the_jobs_network(aws: Aws) -> None:
    runner = ecs_runner(aws.url)
    assert isinstance(runner, EcsTaskRunner)
    sent: dict[str, Any] = {}
    runner._client.meta.events.register(
        "provide-client-params.ecs.RunTask", lambda params, **_: sent.update(params)
    )
    run_id = uuid.uuid4()

    handle = await runner.start(run_id, ["--products", "airports", "--force"])

    command = ["python", "-m", "importer", "run", "--run-id", str(run_id)]
    command += ["--products", "airports", "--force"]
    assert sent["launchType"] == "FARGATE"
    assert sent["enableExecuteCommand"] is True
    assert sent["startedBy"] == "pirep-admin"
    assert sent["networkConfiguration"]["awsvpcConfiguration"]["subnets"] == [aws.subnet]
    ecs, ec2 = aws.client("ecs"), aws.client("ec2")
    task = ecs.describe_tasks(cluster=CLUSTER, tasks=[handle])["tasks"][0]
    assert task["taskArn"] == handle
    assert task["taskDefinitionArn"].endswith(f"task-definition/{FAMILY}:2")
    assert task["launchType"] == "FARGATE"
    assert task["startedBy"] == "pirep-admin"
    assert task["overrides"]["containerOverrides"] == [{"name": "importer", "command": command}]
    details = {d["name"]: d["value"] for d in task["attachments"][0]["details"]}
    assert details["subnetId"] == aws.subnet
    interface = ec2.describe_network_interfaces(NetworkInterfaceIds=[details["networkInterfaceId"]])
    groups = interface["NetworkInterfaces"][0]["Groups"]
    assert [g["GroupId"] for g in groups] == [aws.security_group]

    assert await runner.status(handle) == TaskStatus(running=True, detail="ECS task RUNNING")
    ecs.stop_task(cluster=CLUSTER, task=handle, reason="Essential container exited")
    status = await runner.status(handle)
    assert not status.running
    assert status.detail.startswith("ECS task STOPPED: Essential container exited")


async def test_ecs_task_on_its_way_down_is_still_running(aws: Aws) -> None:
    runner = ecs_runner(aws.url)
    handle = await runner.start(uuid.uuid4(), [])
    aws.task_steps_every(1)
    try:
        seen = [await runner.status(handle) for _ in range(4)]
    finally:
        aws.task_steps_every(1_000_000)
    assert seen[:3] == [
        TaskStatus(running=True, detail=f"ECS task {step}")
        for step in ("DEACTIVATING", "STOPPING", "DEPROVISIONING")
    ]
    assert not seen[3].running
    assert seen[3].detail.startswith("ECS task STOPPED")


async def test_ecs_status_of_a_forgotten_task_is_not_running(aws: Aws) -> None:
    arn = f"arn:aws:ecs:{REGION}:123456789012:task/{CLUSTER}/{uuid.uuid4().hex}"
    status = await ecs_runner(aws.url).status(arn)
    assert status == TaskStatus(running=False, detail="ECS no longer knows the task")


@pytest.mark.parametrize(
    ("settings", "setting"),
    [
        ({"ecs_jobs_service": "no-such-service"}, "PIREP_ECS_JOBS_SERVICE"),
        ({"ecs_jobs_service": "without-network"}, "PIREP_ECS_JOBS_SERVICE"),
        ({"ecs_importer_task_family": "no-such-family"}, "PIREP_ECS_IMPORTER_TASK_FAMILY"),
        ({"ecs_cluster": "no-such-cluster"}, "PIREP_ECS_CLUSTER"),
    ],
)
async def test_ecs_configuration_that_points_nowhere_is_unavailable(
    aws: Aws, settings: dict[str, str], setting: str
) -> None:
    with pytest.raises(ServiceUnavailable) as raised:
        await ecs_runner(aws.url, **settings).start(uuid.uuid4(), [])
    assert setting in raised.value.detail
    assert raised.value.status_code == 503


# moto warns that EC2's error code is not in the ECS error shapes; AWS answers the same code.
@pytest.mark.filterwarnings("ignore:Exception\\(InvalidSubnetIdError\\):UserWarning")
async def test_ecs_refusing_the_task_is_an_upstream_failure(aws: Aws) -> None:
    with pytest.raises(UpstreamFailed) as raised:
        await ecs_runner(aws.url, ecs_jobs_service="subnet-gone").start(uuid.uuid4(), [])
    assert "RunTask" in raised.value.detail
    assert "InvalidSubnetID.NotFound" in raised.value.detail
    assert "does not exist" in raised.value.detail  # AWS's own message
    assert raised.value.status_code == 502


async def test_ecs_endpoint_that_refuses_connections_fails_quickly(aws: Aws) -> None:
    runner = ecs_runner(f"http://127.0.0.1:{closed_port()}")
    began = time.monotonic()
    with pytest.raises(UpstreamFailed, match="Could not reach AWS ECS"):
        await runner.start(uuid.uuid4(), [])
    assert time.monotonic() - began < 5


async def test_ecs_without_credentials_is_unavailable(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(ServiceUnavailable, match="No AWS credentials"):
        await ecs_runner(aws.url).start(uuid.uuid4(), [])


async def wait_until_stopped(runner: TaskRunner, handle: str) -> TaskStatus:
    deadline = time.monotonic() + 20
    while (status := await runner.status(handle)).running:
        assert time.monotonic() < deadline, f"{handle} still running: {status.detail}"
        await asyncio.sleep(0.02)
    return status


async def test_local_runner_starts_a_detached_process_that_logs_to_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIREP_MARKER", "passed-through")
    script = "import os, sys; print(sys.argv[1:], os.environ['PIREP_MARKER'], os.getsid(0))"
    prefix = [sys.executable, "-c", script + "; sys.exit(3)"]
    runner = LocalTaskRunner(tmp_path / "logs", command_prefix=prefix)
    run_id = uuid.uuid4()

    handle = await runner.start(run_id, ["--products", "airports"])

    assert handle.startswith("local:")
    pid = int(handle.removeprefix("local:"))
    status = await wait_until_stopped(runner, handle)
    assert status == TaskStatus(running=False, detail=f"process {pid} exited with 3")
    assert await runner.status(handle) == status  # the exit code is kept
    log = (tmp_path / "logs" / f"importer-{run_id}.log").read_text()
    expected = ["run", "--run-id", str(run_id), "--products", "airports"]
    # Own session (its id is its pid), and the environment reached it.
    assert f"{expected} passed-through {pid}\n" in log


async def test_local_runner_reports_a_running_then_killed_process(tmp_path: Path) -> None:
    prefix = [sys.executable, "-c", "import time; time.sleep(60)"]
    runner = LocalTaskRunner(tmp_path, command_prefix=prefix)
    handle = await runner.start(uuid.uuid4(), [])
    pid = int(handle.removeprefix("local:"))

    assert await runner.status(handle) == TaskStatus(True, f"process {pid} is running")
    os.kill(pid, signal.SIGTERM)
    status = await wait_until_stopped(runner, handle)
    assert status.detail == f"process {pid} was killed by signal {int(signal.SIGTERM)}"


async def test_local_runner_answers_for_processes_it_did_not_start(tmp_path: Path) -> None:
    runner = LocalTaskRunner(tmp_path)
    finished = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await finished.wait()

    me = os.getpid()
    assert await runner.status(f"local:{me}") == TaskStatus(True, f"process {me} is running")
    assert await runner.status(f"local:{finished.pid}") == TaskStatus(
        False, f"process {finished.pid} has ended"
    )
    assert not (await runner.status("arn:aws:ecs:task/x")).running


async def test_local_runner_sees_another_processs_ended_child_as_ended(tmp_path: Path) -> None:
    # A child of another worker that has exited but was not reaped yet (a zombie).
    parent = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import subprocess, sys, time; child = subprocess.Popen([sys.executable, '-c', 'pass']);"
        " print(child.pid, flush=True); time.sleep(60)",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert parent.stdout is not None
        pid = int(await parent.stdout.readline())
        status = await wait_until_stopped(LocalTaskRunner(tmp_path), f"local:{pid}")
        assert status == TaskStatus(False, f"process {pid} has ended")
    finally:
        parent.kill()
        await parent.wait()


async def test_local_runner_that_cannot_start_is_unavailable(tmp_path: Path) -> None:
    runner = LocalTaskRunner(tmp_path, command_prefix=[str(tmp_path / "no-python"), "-m", "x"])
    with pytest.raises(ServiceUnavailable, match="Could not start the importer"):
        await runner.start(uuid.uuid4(), [])


def test_local_is_the_default_runner(tmp_path: Path) -> None:
    runner = task_runner_from_settings(Settings(task_runner="local", data_dir=tmp_path))
    assert isinstance(runner, LocalTaskRunner)
    run_id = uuid.uuid4()
    assert runner.log_path(run_id) == tmp_path / "logs" / f"importer-{run_id}.log"
