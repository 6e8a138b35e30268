"""`pirep ssh`: a shell in a running container through ECS Exec and the Session Manager plugin."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from api.ops.aws import OpsProblem

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient

PLUGIN = "session-manager-plugin"
PLUGIN_INSTALL = (
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
    "session-manager-working-with-install-plugin.html"
)
SHELL = "/bin/sh"


@dataclass(frozen=True, slots=True)
class Container:
    """A container of a running task, where a shell can be opened."""

    service: str  # "" for a task no service started (an importer run)
    task_arn: str
    name: str
    runtime_id: str

    @property
    def task_id(self) -> str:
        return self.task_arn.rsplit("/", 1)[-1]

    def label(self) -> str:
        owner = f"service {self.service}" if self.service else "one-off task"
        return f"{self.name} in task {self.task_id} ({owner})"


def running_containers(ecs: ECSClient, cluster: str) -> list[Container]:
    """Every container of the cluster's running tasks, ordered by service and task."""
    arns = [
        arn
        for page in ecs.get_paginator("list_tasks").paginate(
            cluster=cluster, desiredStatus="RUNNING"
        )
        for arn in page.get("taskArns", [])
    ]
    containers: list[Container] = []
    for start in range(0, len(arns), 100):  # describe_tasks takes 100 tasks at a time
        tasks = ecs.describe_tasks(cluster=cluster, tasks=arns[start : start + 100])["tasks"]
        for task in tasks:
            if task.get("lastStatus") != "RUNNING":
                continue
            group = task.get("group", "")
            service = group.removeprefix("service:") if group.startswith("service:") else ""
            containers.extend(
                Container(service, task["taskArn"], c.get("name", ""), c.get("runtimeId", ""))
                for c in task.get("containers", [])
            )
    return sorted(containers, key=lambda c: (c.service, c.task_arn, c.name))


def default_index(containers: list[Container], preferred_service: str) -> int:
    """The container offered first: the preferred service's, else the first."""
    return next((i for i, c in enumerate(containers) if c.service == preferred_service), 0)


def plugin_path() -> str:
    """Where the Session Manager plugin is, or a clear error with the install link."""
    path = shutil.which(PLUGIN)
    if path is None:
        raise OpsProblem(
            f"The AWS Session Manager plugin ({PLUGIN}) is not on PATH; install it "
            f"({PLUGIN_INSTALL}) and try again."
        )
    return path


def open_shell(
    ecs: ECSClient,
    cluster: str,
    container: Container,
    *,
    region: str,
    profile: str | None,
    command: str = SHELL,
) -> int:
    """Start ECS Exec in ``container`` and hand the session to the plugin, as the AWS CLI
    does; return the plugin's exit code."""
    plugin = plugin_path()
    if not container.runtime_id:
        raise OpsProblem(
            f"The container {container.label()} has no runtime id yet; wait until it has "
            "started and try again."
        )
    answer = ecs.execute_command(
        cluster=cluster,
        task=container.task_arn,
        container=container.name,
        interactive=True,
        command=command,
    )
    cluster_name = answer.get("clusterArn", cluster).rsplit("/", 1)[-1]
    target = {"Target": f"ecs:{cluster_name}_{container.task_id}_{container.runtime_id}"}
    arguments = [
        plugin,
        json.dumps(answer["session"]),
        region,
        "StartSession",
        profile or "",
        json.dumps(target),
        ecs.meta.endpoint_url,
    ]
    with _signals_go_to_the_plugin():
        return subprocess.call(arguments)


@contextmanager
def _signals_go_to_the_plugin() -> Iterator[None]:
    """Ctrl+C, Ctrl+\\ and Ctrl+Z belong to the remote shell while the plugin runs."""
    ignored = (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP)
    previous = {number: signal.signal(number, signal.SIG_IGN) for number in ignored}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
