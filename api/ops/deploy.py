"""`pirep deploy`: point the pipeline at a branch, start it and follow its stages.

Ctrl+C during the Deploy stage stops its CodeDeploy deployments with a rollback to the
previous version; before it, the pipeline execution is abandoned.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from api.ops.aws import OpsProblem, client_error_code

if TYPE_CHECKING:
    from mypy_boto3_codedeploy import CodeDeployClient
    from mypy_boto3_codepipeline import CodePipelineClient
    from mypy_boto3_codepipeline.type_defs import ActionExecutionDetailTypeDef

DEPLOY_PROVIDERS = ("CodeDeploy", "CodeDeployToECS")
SUCCEEDED, FAILED, INTERRUPTED, TIMED_OUT = 0, 1, 130, 124
ENDED_BADLY = ("Failed", "Stopped", "Stopping", "Superseded", "Cancelled")


@dataclass(frozen=True, slots=True)
class StageView:
    """How far one stage of the followed execution is."""

    name: str
    status: str  # "Waiting" until one of its actions ran in this execution
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    exit_code: int
    message: str


class Pipeline:
    """One CodePipeline and the CodeDeploy deployments of its deploy stage."""

    def __init__(
        self,
        codepipeline: CodePipelineClient,
        codedeploy: CodeDeployClient,
        name: str,
        *,
        poll_seconds: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.codepipeline = codepipeline
        self.codedeploy = codedeploy
        self.name = name
        self.poll_seconds = poll_seconds
        self.sleep = sleep
        self.stages: list[str] = []
        self.deploy_stages: set[str] = set()

    def set_branch(self, branch: str) -> str | None:
        """Point the source action at ``branch``; return the branch it had when it changed."""
        declaration: Any = self.codepipeline.get_pipeline(name=self.name)["pipeline"]
        stages = declaration.get("stages", [])
        self.stages = [stage["name"] for stage in stages]
        self.deploy_stages = {
            stage["name"]
            for stage in stages
            if any(a["actionTypeId"]["provider"] in DEPLOY_PROVIDERS for a in stage["actions"])
        }
        sources = [
            action
            for stage in stages
            for action in stage["actions"]
            if action["actionTypeId"]["category"] == "Source"
        ]
        if not sources:
            raise OpsProblem(f"The pipeline {self.name!r} has no source action.")
        configuration = sources[0].setdefault("configuration", {})
        if "BranchName" not in configuration:
            raise OpsProblem(
                f"The source action {sources[0]['name']!r} of the pipeline {self.name!r} has "
                "no branch to set (its provider is "
                f"{sources[0]['actionTypeId']['provider']})."
            )
        previous = str(configuration["BranchName"])
        if previous == branch:
            return None
        configuration["BranchName"] = branch
        self.codepipeline.update_pipeline(pipeline=declaration)
        return previous

    def start(self) -> str:
        """Start an execution; return its id."""
        return self.codepipeline.start_pipeline_execution(name=self.name)["pipelineExecutionId"]

    def _actions(self, execution_id: str) -> list[ActionExecutionDetailTypeDef]:
        pages = self.codepipeline.get_paginator("list_action_executions").paginate(
            pipelineName=self.name, filter={"pipelineExecutionId": execution_id}
        )
        return [detail for page in pages for detail in page.get("actionExecutionDetails", [])]

    def stage_views(self, execution_id: str) -> list[StageView]:
        """Each stage's status in this execution, from its actions' executions."""
        by_stage: dict[str, list[ActionExecutionDetailTypeDef]] = {}
        for action in self._actions(execution_id):
            by_stage.setdefault(action.get("stageName", ""), []).append(action)
        views = []
        for stage in self.stages or sorted(by_stage):
            actions = by_stage.get(stage, [])
            statuses = {action.get("status", "") for action in actions}
            status = next(
                (s for s in ("Failed", "Abandoned", "InProgress") if s in statuses),
                "Succeeded" if actions else "Waiting",
            )
            views.append(StageView(stage, status, _summary(actions, status)))
        return views

    def follow(
        self,
        execution_id: str,
        timeout_seconds: float,
        show: Callable[[list[StageView]], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> Outcome:
        """Poll until the execution ends or ``timeout_seconds`` pass, showing each stage."""
        deadline = clock() + timeout_seconds
        while True:
            execution = self.codepipeline.get_pipeline_execution(
                pipelineName=self.name, pipelineExecutionId=execution_id
            )["pipelineExecution"]
            status = execution.get("status", "InProgress")
            views = self.stage_views(execution_id)
            show(views)
            if status == "Succeeded":
                return Outcome(SUCCEEDED, f"The pipeline {self.name!r} succeeded.")
            if status in ENDED_BADLY:
                return self._failure(status, views, execution.get("statusSummary", ""))
            if clock() >= deadline:
                return Outcome(
                    TIMED_OUT,
                    f"The pipeline {self.name!r} is still running (execution {execution_id}); "
                    "stopped following it. Follow it in the AWS console, or run "
                    f"`aws codepipeline get-pipeline-execution --pipeline-name {self.name} "
                    f"--pipeline-execution-id {execution_id}`.",
                )
            self.sleep(self.poll_seconds)

    def _failure(self, status: str, views: list[StageView], summary: str) -> Outcome:
        failed = next((v for v in views if v.status in ("Failed", "Abandoned")), None)
        if failed is None:
            return Outcome(
                FAILED,
                f"The pipeline {self.name!r} ended {status.lower()}"
                + (f": {summary}" if summary else "."),
            )
        return Outcome(
            FAILED,
            f"The {failed.name} stage of the pipeline {self.name!r} failed"
            + (f": {failed.detail}" if failed.detail else "."),
        )

    def running_deployments(self, execution_id: str) -> list[str]:
        """The CodeDeploy deployments the deploy stage of this execution has in progress."""
        found = [
            action.get("output", {}).get("executionResult", {}).get("externalExecutionId", "")
            for action in self._actions(execution_id)
            if action.get("stageName") in self.deploy_stages
            and action.get("status") == "InProgress"
        ]
        # The state has the deployment id as soon as the action started, before its result.
        state = self.codepipeline.get_pipeline_state(name=self.name)
        for stage in state.get("stageStates", []):
            latest = stage.get("latestExecution", {})
            if (
                stage.get("stageName") not in self.deploy_stages
                or latest.get("pipelineExecutionId") != execution_id
            ):
                continue
            for action_state in stage.get("actionStates", []):
                execution = action_state.get("latestExecution", {})
                if execution.get("status") == "InProgress":
                    found.append(execution.get("externalExecutionId", ""))
        return list(dict.fromkeys(filter(None, found)))

    def interrupt(self, execution_id: str, say: Callable[[str], None]) -> Outcome:
        """Stop what runs: the deployments with a rollback, then the pipeline execution."""
        deployments = self.running_deployments(execution_id)
        for deployment in deployments:
            self.codedeploy.stop_deployment(deploymentId=deployment, autoRollbackEnabled=True)
            say(f"Stopped the deployment {deployment}; CodeDeploy rolls it back.")
        from botocore.exceptions import ClientError

        try:
            self.codepipeline.stop_pipeline_execution(
                pipelineName=self.name,
                pipelineExecutionId=execution_id,
                abandon=True,
                reason="Interrupted by the operator (pirep deploy).",
            )
        except ClientError as error:
            if client_error_code(error) != "PipelineExecutionNotStoppableException":
                raise
            say(f"The execution {execution_id} had already ended.")
        else:
            say(f"Stopped the pipeline execution {execution_id}.")
        what = "rolled back" if deployments else "stopped before the deploy stage"
        return Outcome(INTERRUPTED, f"Interrupted: the deployment was {what}.")


def _summary(actions: list[ActionExecutionDetailTypeDef], status: str) -> str:
    """The error of a failed action, else the summary of the last one."""
    for action in actions:
        result = action.get("output", {}).get("executionResult", {})
        error = result.get("errorDetails", {}).get("message")
        if action.get("status") == status and (error or result.get("externalExecutionSummary")):
            return str(error or result.get("externalExecutionSummary"))
    return ""
