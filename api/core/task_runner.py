"""Starting the importer outside the web process: a local process or a one-off ECS task."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shlex
import subprocess
import sys
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, Protocol, TypeVar

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from api.core.aws import aws_client
from api.core.errors import PirepError, ServiceUnavailable, UpstreamFailed
from api.core.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient

logger = logging.getLogger("api.task_runner")

P = ParamSpec("P")
R = TypeVar("R")

STARTED_BY = "pirep-admin"
# Stopped tasks are no longer running; every other ECS status is on the way up or down.
ECS_ENDED = ("STOPPED", "DELETED")


@dataclass(frozen=True, slots=True)
class TaskStatus:
    """What became of a started importer."""

    running: bool
    detail: str


class TaskRunner(Protocol):
    async def start(self, run_id: uuid.UUID, arguments: list[str]) -> str:
        """Start ``python -m importer run --run-id <run_id> <arguments…>``; return its handle."""
        ...

    async def status(self, handle: str) -> TaskStatus:
        """Whether the importer started as ``handle`` is still running."""
        ...


def importer_arguments(products: list[str], force: bool, dry_run: bool) -> list[str]:
    """The importer's command-line options; no products means the importer's default (all)."""
    arguments = ["--products", ",".join(products)] if products else []
    if force:
        arguments.append("--force")
    if dry_run:
        arguments.append("--dry-run")
    return arguments


def task_runner_from_settings(settings: Settings) -> TaskRunner:
    """The runner chosen by ``PIREP_TASK_RUNNER``."""
    if settings.task_runner == "ecs":
        return EcsTaskRunner.from_settings(settings)
    return LocalTaskRunner(settings.data_dir / "logs", environment=settings_environment(settings))


def settings_environment(settings: Settings) -> dict[str, str]:
    """The settings as ``PIREP_*`` variables, so that a local importer works on the same
    database and sources as the web process (whose settings may not come from its
    environment, e.g. the embedded cluster of ``pirep dev``)."""
    environment = {}
    for name, value in settings.model_dump(mode="json").items():
        if value is None:
            continue
        key = f"PIREP_{name.upper()}"
        if isinstance(value, bool):
            environment[key] = "true" if value else "false"
        elif isinstance(value, list | dict):
            environment[key] = json.dumps(value)
        else:
            environment[key] = str(value)
    return environment


class EcsTaskRunner:
    """Runs the importer as a one-off Fargate task on the network of the jobs service."""

    def __init__(
        self,
        *,
        cluster: str,
        jobs_service: str,
        task_family: str,
        region: str,
        profile: str | None = None,
        endpoint_url: str | None = None,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.cluster = cluster
        self.jobs_service = jobs_service
        self.task_family = task_family
        self._client: ECSClient = aws_client(
            "ecs",
            region=region,
            profile=profile,
            endpoint_url=endpoint_url,
            timeout_seconds=timeout_seconds,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> EcsTaskRunner:
        return cls(
            cluster=settings.ecs_cluster,
            jobs_service=settings.ecs_jobs_service,
            task_family=settings.ecs_importer_task_family,
            region=settings.aws_region,
            profile=settings.aws_profile,
            endpoint_url=settings.aws_endpoint_url,
            timeout_seconds=settings.aws_timeout_seconds,
        )

    async def start(self, run_id: uuid.UUID, arguments: list[str]) -> str:
        """Start the importer task; return its ARN."""
        services = await self._aws(
            self._client.describe_services, cluster=self.cluster, services=[self.jobs_service]
        )
        active = [s for s in services.get("services", []) if s.get("status") == "ACTIVE"]
        if not active:
            raise ServiceUnavailable(
                f"The ECS service {self.jobs_service!r} was not found in the cluster "
                f"{self.cluster!r}: set PIREP_ECS_JOBS_SERVICE to the service whose network "
                "the importer task should use."
            )
        network = active[0].get("networkConfiguration", {})
        if not network.get("awsvpcConfiguration"):
            raise ServiceUnavailable(
                f"The ECS service {self.jobs_service!r} has no awsvpc network configuration for "
                "the importer task to copy: set PIREP_ECS_JOBS_SERVICE to a Fargate service."
            )

        definitions = await self._aws(
            self._client.list_task_definitions, familyPrefix=self.task_family, sort="DESC"
        )
        arns = definitions.get("taskDefinitionArns", [])
        if not arns:
            raise ServiceUnavailable(
                f"There is no active task definition in the family {self.task_family!r}: "
                "register the importer's task definition, or set PIREP_ECS_IMPORTER_TASK_FAMILY "
                "to its family."
            )
        # AWS lists the newest first; moto ignores `sort`, so pick the highest revision.
        definition_arn = max(arns, key=lambda arn: int(arn.rsplit(":", 1)[1]))
        definition = await self._aws(
            self._client.describe_task_definition, taskDefinition=definition_arn
        )
        container = definition["taskDefinition"]["containerDefinitions"][0]["name"]

        command = ["python", "-m", "importer", "run", "--run-id", str(run_id), *arguments]
        answer = await self._aws(
            self._client.run_task,
            cluster=self.cluster,
            launchType="FARGATE",
            enableExecuteCommand=True,
            taskDefinition=definition_arn,
            networkConfiguration=network,
            overrides={"containerOverrides": [{"name": container, "command": command}]},
            startedBy=STARTED_BY,
        )
        failures = answer.get("failures", [])
        tasks = answer.get("tasks", [])
        if failures or not tasks:
            reasons = "; ".join(
                " ".join(filter(None, (f.get("reason"), f.get("detail")))) for f in failures
            )
            raise UpstreamFailed(
                f"AWS ECS did not start the importer task: {reasons or 'no task in its answer'}."
            )
        task_arn = tasks[0]["taskArn"]
        logger.info("Importer run %s started as ECS task %s (%s)", run_id, task_arn, definition_arn)
        return task_arn

    async def status(self, handle: str) -> TaskStatus:
        """The task's last status, with the reason and exit code once it stopped."""
        answer = await self._aws(self._client.describe_tasks, cluster=self.cluster, tasks=[handle])
        tasks = answer.get("tasks", [])
        if not tasks:
            # ECS forgets stopped tasks after about an hour.
            return TaskStatus(running=False, detail="ECS no longer knows the task")
        task = tasks[0]
        last_status = task.get("lastStatus", "UNKNOWN")
        if last_status not in ECS_ENDED:
            return TaskStatus(running=True, detail=f"ECS task {last_status}")
        detail = f"ECS task {last_status}"
        if task.get("stoppedReason"):
            detail += f": {task['stoppedReason']}"
        exit_codes = [c["exitCode"] for c in task.get("containers", []) if "exitCode" in c]
        if exit_codes:
            detail += f" (exit code {exit_codes[0]})"
        return TaskStatus(running=False, detail=detail)

    async def _aws(self, call: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run one boto3 call in a thread; AWS failures become Pirep errors."""
        try:
            return await asyncio.to_thread(call, *args, **kwargs)
        except ClientError as error:
            raise self._client_error(error) from error
        except NoCredentialsError as error:
            raise ServiceUnavailable(
                "No AWS credentials were found to start the importer task: give the API's ECS "
                "task a role, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
            ) from error
        except BotoCoreError as error:
            raise UpstreamFailed(f"Could not reach AWS ECS: {error}.") from error

    def _client_error(self, error: ClientError) -> PirepError:
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "") or str(error)
        if code == "ClusterNotFoundException":
            return ServiceUnavailable(
                f"The ECS cluster {self.cluster!r} does not exist: set PIREP_ECS_CLUSTER to the "
                "cluster that runs Pirep."
            )
        return UpstreamFailed(f"AWS ECS refused {error.operation_name}: {message} ({code}).")


# The importers this process started. Their Popen objects reap them and keep the exit code;
# module-level, so that any runner in the process can answer for them.
_children: dict[int, subprocess.Popen[bytes]] = {}


class LocalTaskRunner:
    """Runs the importer as a detached process on this machine, logging to a file per run."""

    def __init__(
        self,
        log_dir: Path,
        command_prefix: Sequence[str] = (sys.executable, "-m", "importer"),
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self.log_dir = log_dir
        self.command_prefix = list(command_prefix)
        self.environment = dict(environment or {})

    def log_path(self, run_id: uuid.UUID) -> Path:
        """Where the output of the run's importer goes."""
        return self.log_dir / f"importer-{run_id}.log"

    async def start(self, run_id: uuid.UUID, arguments: list[str]) -> str:
        """Start the importer process; return ``local:<pid>``."""
        return await asyncio.to_thread(self._start, run_id, arguments)

    def _start(self, run_id: uuid.UUID, arguments: list[str]) -> str:
        command = [*self.command_prefix, "run", "--run-id", str(run_id), *arguments]
        try:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            with self.log_path(run_id).open("ab") as log:
                log.write(
                    f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S}Z {shlex.join(command)}\n".encode()
                )
                log.flush()
                # Its own session: the importer outlives a restart of the web process.
                process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env={**os.environ, **self.environment},
                    start_new_session=True,
                )
        except OSError as error:
            raise ServiceUnavailable(
                f"Could not start the importer ({shlex.join(command[:3])}): "
                f"{error.strerror or error}."
            ) from error
        _children[process.pid] = process
        logger.info("Importer run %s started as process %d", run_id, process.pid)
        return f"local:{process.pid}"

    async def status(self, handle: str) -> TaskStatus:
        """Whether the process is alive, and its exit code once it ended (when known)."""
        prefix, _, number = handle.partition(":")
        if prefix != "local" or not number.isdigit():
            return TaskStatus(running=False, detail=f"{handle!r} is not a local process")
        pid = int(number)
        child = _children.get(pid)
        if child is not None:
            code = child.poll()
            if code is None:
                return TaskStatus(running=True, detail=f"process {pid} is running")
            if code < 0:
                return TaskStatus(
                    running=False, detail=f"process {pid} was killed by signal {-code}"
                )
            return TaskStatus(running=False, detail=f"process {pid} exited with {code}")
        # Not our child (another worker's, or started before this process): only whether it
        # exists can be seen. A zombie has ended, waiting for its parent to reap it.
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return TaskStatus(running=False, detail=f"process {pid} has ended")
        except PermissionError:
            pass  # It exists, under another user.
        if _is_zombie(pid):
            return TaskStatus(running=False, detail=f"process {pid} has ended")
        return TaskStatus(running=True, detail=f"process {pid} is running")


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc (not Linux), or the process just went
    # "<pid> (<command>) <state> …": the command may itself hold spaces and parentheses.
    return stat.rpartition(")")[2].split()[0] == "Z"
