"""`pirep ssh`.

The tasks are listed and described by moto. moto implements neither ExecuteCommand nor the
containers' runtimeId (which ECS reports for every running container): the gaps server
answers ExecuteCommand and adds a runtimeId to moto's DescribeTasks answers. The Session
Manager plugin is a script on PATH that records its arguments.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.aws import REGION, Aws
from tests.ops.support import AwsGaps, Pirep, said

CLUSTER = "ops-shell"
SESSION = {"sessionId": "ecs-execute-command-0abc", "streamUrl": "wss://ssm", "tokenValue": "tok"}


def runtime_id(task_arn: str, name: str) -> str:
    return f"{task_arn.rsplit('/', 1)[-1]}-{name}-runtime"


@pytest.fixture(scope="module")
def shell_cluster(aws: Aws) -> dict[str, str]:
    """A cluster running one task of the web service and one of the jobs service."""
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName=CLUSTER)
    network = {
        "awsvpcConfiguration": {"subnets": [aws.subnet], "securityGroups": [aws.security_group]}
    }
    tasks = {}
    for service in ("web", "jobs"):
        ecs.register_task_definition(
            family=f"ops-{service}",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": service, "image": f"{service}:1", "memory": 512}],
        )
        tasks[service] = ecs.run_task(
            cluster=CLUSTER,
            taskDefinition=f"ops-{service}",
            launchType="FARGATE",
            networkConfiguration=network,
            group=f"service:ops-{service}",
            enableExecuteCommand=True,
        )["tasks"][0]["taskArn"]
    return tasks


@pytest.fixture
def plugin(tmp_path: Path) -> Path:
    """A `session-manager-plugin` that writes its arguments to a file, and exits 0."""
    directory = tmp_path / "bin"
    directory.mkdir()
    record = tmp_path / "plugin-argv.json"
    script = directory / "session-manager-plugin"
    script.write_text(
        "#!/bin/sh\n"
        f'{sys.executable} -c \'import json, sys; json.dump(sys.argv[1:], open("{record}", "w"))\''
        ' "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return record


@pytest.fixture
def shell(gaps: AwsGaps, pirep: Pirep, plugin: Path, shell_cluster: dict[str, str]) -> Pirep:
    def add_runtime_ids(answer: dict[str, Any]) -> None:
        for task in answer.get("tasks", []):
            for container in task.get("containers", []):
                container["runtimeId"] = runtime_id(task["taskArn"], container["name"])

    def execute_command(request: dict[str, Any]) -> dict[str, Any]:
        return {
            "clusterArn": f"arn:aws:ecs:{REGION}:123456789012:cluster/{CLUSTER}",
            "taskArn": request["task"],
            "containerName": request["container"],
            "interactive": True,
            "session": SESSION,
        }

    gaps.patch["DescribeTasks"] = add_runtime_ids
    gaps.answers["ExecuteCommand"] = execute_command
    return Pirep(
        {
            **pirep.environment,
            "PIREP_AWS_ENDPOINT_URL": gaps.url,
            "PIREP_ECS_CLUSTER": CLUSTER,
            "PIREP_ECS_JOBS_SERVICE": "ops-jobs",
            "PIREP_ECS_WEB_SERVICE": "ops-web",
            "PATH": f"{plugin.parent / 'bin'}{os.pathsep}{os.environ['PATH']}",
        }
    )


def test_the_jobs_container_is_the_default_and_the_plugin_gets_what_the_aws_cli_gives(
    shell: Pirep, gaps: AwsGaps, plugin: Path, shell_cluster: dict[str, str]
) -> None:
    result = shell("ssh")
    assert result.exit_code == 0, result.output
    task = shell_cluster["jobs"]
    [call] = gaps.called("ExecuteCommand")
    assert call["cluster"] == CLUSTER
    assert call["task"] == task
    assert call["container"] == "jobs"
    assert call["interactive"] is True
    assert call["command"] == "/bin/sh"
    # session-manager-plugin <session> <region> StartSession <profile> <target> <endpoint>
    arguments = json.loads(plugin.read_text())
    assert json.loads(arguments[0]) == SESSION
    assert arguments[1:4] == [REGION, "StartSession", ""]
    task_id = task.rsplit("/", 1)[-1]
    assert json.loads(arguments[4]) == {
        "Target": f"ecs:{CLUSTER}_{task_id}_{runtime_id(task, 'jobs')}"
    }
    assert arguments[5] == gaps.url
    assert "Container: jobs in task" in said(result)


def test_the_service_and_the_container_can_be_chosen(
    shell: Pirep, gaps: AwsGaps, shell_cluster: dict[str, str]
) -> None:
    result = shell("ssh", "--service", "web", "--command", "/bin/bash")
    assert result.exit_code == 0, result.output
    [call] = gaps.called("ExecuteCommand")
    assert (call["task"], call["container"], call["command"]) == (
        shell_cluster["web"],
        "web",
        "/bin/bash",
    )
    result = shell("ssh", "--container", "nginx")
    assert result.exit_code == 1
    assert f"No container named nginx is running in the cluster {CLUSTER}" in said(result)


def test_no_running_task_is_a_clear_sentence(shell: Pirep, aws: Aws, gaps: AwsGaps) -> None:
    aws.client("ecs").create_cluster(clusterName="ops-idle")
    result = shell("ssh", PIREP_ECS_CLUSTER="ops-idle")
    assert result.exit_code == 1
    assert "No container is running in the cluster ops-idle." in said(result)
    assert gaps.called("ExecuteCommand") == []


def test_without_the_plugin_the_operator_is_told_where_to_get_it(
    shell: Pirep, gaps: AwsGaps
) -> None:
    result = shell("ssh", PATH="/usr/bin:/bin")
    assert result.exit_code == 1
    assert "session-manager-plugin) is not on PATH" in said(result)
    assert "session-manager-working-with-install-plugin.html" in said(result).replace(" ", "")
    assert gaps.called("ExecuteCommand") == []
