"""`pirep deploy`.

moto keeps pipelines (get_pipeline, update_pipeline: the branch is set there for real) but has
no executions: StartPipelineExecution, GetPipelineExecution, ListActionExecutions,
GetPipelineState and StopPipelineExecution, and CodeDeploy's StopDeployment, are answered by
the gaps server (conftest.py) from the script of each test: `Script` plays an execution poll
by poll, one step per GetPipelineExecution.
"""

from __future__ import annotations

import _thread
import json
import signal
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.aws import Aws
from tests.ops.support import AwsError, AwsGaps, Pirep, said

EXECUTION = "11111111-2222-3333-4444-555555555555"
DEPLOYMENT = "d-ABCDEF123"
STAGES = ("Source", "Build", "Migrate", "Deploy")
PROVIDERS = {
    "Source": ("Source", "CodeStarSourceConnection"),
    "Build": ("Build", "CodeBuild"),
    "Migrate": ("Build", "CodeBuild"),
    "Deploy": ("Deploy", "CodeDeployToECS"),
}


def create_pipeline(aws: Aws, branch: str = "main") -> str:
    """A pipeline shaped like production's: Source (a branch), Build, Migrate, Deploy."""
    name = f"ops-{uuid.uuid4().hex[:8]}"
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "codepipeline.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = aws.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))[
        "Role"
    ]["Arn"]

    def action(stage: str) -> dict[str, Any]:
        category, provider = PROVIDERS[stage]
        configuration = {"BranchName": branch, "FullRepositoryId": "pirep/pirep"}
        return {
            "name": stage,
            "actionTypeId": {
                "category": category,
                "owner": "AWS",
                "provider": provider,
                "version": "1",
            },
            "configuration": configuration if stage == "Source" else {},
            "runOrder": 1,
        }

    aws.client("codepipeline").create_pipeline(
        pipeline={
            "name": name,
            "roleArn": role,
            "artifactStore": {"type": "S3", "location": "ops-artifacts"},
            "stages": [{"name": stage, "actions": [action(stage)]} for stage in STAGES],
        }
    )
    return name


def branch_of(aws: Aws, pipeline: str) -> tuple[str, int]:
    declaration = aws.client("codepipeline").get_pipeline(name=pipeline)["pipeline"]
    source = declaration["stages"][0]["actions"][0]["configuration"]["BranchName"]
    return source, declaration["version"]


def action_execution(stage: str, status: str, **result: Any) -> dict[str, Any]:
    return {
        "pipelineExecutionId": EXECUTION,
        "actionExecutionId": f"{stage}-action",
        "stageName": stage,
        "actionName": stage,
        "status": status,
        "output": {"executionResult": result},
    }


def poll(status: str, **stages: str) -> tuple[str, dict[str, str]]:
    """One look at the execution: its status and the status of each stage's action so far."""
    return status, stages


def deployment(stage: str) -> dict[str, str]:
    return {"externalExecutionId": DEPLOYMENT} if stage == "Deploy" else {}


@dataclass
class Script:
    """An execution told poll by poll; ``on_poll`` runs as a poll is answered."""

    polls: list[tuple[str, dict[str, str]]]
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    interrupt_at: int | None = None
    position: int = -1

    def install(self, gaps: AwsGaps) -> None:
        gaps.answers.update(
            StartPipelineExecution=lambda _: {"pipelineExecutionId": EXECUTION},
            GetPipelineExecution=self.get_execution,
            ListActionExecutions=self.list_actions,
            GetPipelineState=self.state,
            StopPipelineExecution=lambda _: {"pipelineExecutionId": EXECUTION},
        )
        gaps.answers["StopDeployment"] = lambda _: {"status": "Succeeded"}

    @property
    def current(self) -> tuple[str, dict[str, str]]:
        return self.polls[min(max(self.position, 0), len(self.polls) - 1)]

    def get_execution(self, request: dict[str, Any]) -> dict[str, Any]:
        assert request["pipelineExecutionId"] == EXECUTION
        self.position += 1
        status, _ = self.current
        return {"pipelineExecution": {"pipelineExecutionId": EXECUTION, "status": status}}

    def list_actions(self, request: dict[str, Any]) -> dict[str, Any]:
        assert request["filter"] == {"pipelineExecutionId": EXECUTION}
        _, stages = self.current
        details = [
            action_execution(stage, status, **self.results.get(stage, {}))
            for stage, status in stages.items()
        ]
        if self.interrupt_at == self.position:
            self.interrupt_at = None
            _thread.interrupt_main()  # the operator presses Ctrl+C
        return {"actionExecutionDetails": details}

    def state(self, request: dict[str, Any]) -> dict[str, Any]:
        _, stages = self.current
        return {
            "pipelineName": request["name"],
            "stageStates": [
                {
                    "stageName": stage,
                    "latestExecution": {"pipelineExecutionId": EXECUTION, "status": status},
                    "actionStates": [
                        {
                            "actionName": stage,
                            "latestExecution": {
                                "status": status,
                                **(
                                    {"externalExecutionId": DEPLOYMENT} if stage == "Deploy" else {}
                                ),
                            },
                        }
                    ],
                }
                for stage, status in stages.items()
            ],
        }


BUILT = {"Source": "Succeeded", "Build": "Succeeded", "Migrate": "Succeeded"}
SUCCESS = [
    poll("InProgress", Source="InProgress"),
    poll("InProgress", Source="Succeeded", Build="InProgress"),
    poll("InProgress", Source="Succeeded", Build="Succeeded", Migrate="Succeeded"),
    poll(
        "InProgress",
        Source="Succeeded",
        Build="Succeeded",
        Migrate="Succeeded",
        Deploy="InProgress",
    ),
    poll(
        "Succeeded", Source="Succeeded", Build="Succeeded", Migrate="Succeeded", Deploy="Succeeded"
    ),
]


@pytest.fixture
def ctrl_c() -> Iterator[None]:
    """Ctrl+C raises KeyboardInterrupt, as at a terminal, even when the tests were started
    with SIGINT ignored (a background job of a shell ignores it, and Python keeps that)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def deploying(aws: Aws, gaps: AwsGaps, pirep: Pirep) -> tuple[str, Pirep]:
    pipeline = create_pipeline(aws)
    return pipeline, Pirep(
        {
            **pirep.environment,
            "PIREP_AWS_ENDPOINT_URL": gaps.url,
            "PIREP_DEPLOY_PIPELINE": pipeline,
        }
    )


def test_a_deploy_sets_the_branch_and_follows_every_stage_to_success(
    aws: Aws, gaps: AwsGaps, deploying: tuple[str, Pirep]
) -> None:
    pipeline, pirep = deploying
    Script(SUCCESS).install(gaps)
    result = pirep("deploy", "--branch", "release-2", "--poll-seconds", "0")
    assert result.exit_code == 0, result.output
    output = said(result)
    assert f"The pipeline {pipeline} now builds release-2 (was main)" in output
    for stage in STAGES:
        assert f"✓ {stage}: Succeeded" in output
    assert "succeeded" in output
    assert branch_of(aws, pipeline) == ("release-2", 2)
    assert [call["name"] for call in gaps.called("StartPipelineExecution")] == [pipeline]
    assert gaps.called("StopPipelineExecution") == []

    # The same branch again: the pipeline is left as it is.
    Script(SUCCESS).install(gaps)
    again = pirep("deploy", "--branch", "release-2", "--poll-seconds", "0")
    assert again.exit_code == 0, again.output
    assert "now builds" not in said(again)
    assert branch_of(aws, pipeline) == ("release-2", 2)


def test_a_failed_stage_is_named_with_its_error_and_exits_1(
    gaps: AwsGaps, deploying: tuple[str, Pirep]
) -> None:
    _, pirep = deploying
    script = Script(
        [
            poll("InProgress", Source="Succeeded", Build="InProgress"),
            poll("Failed", Source="Succeeded", Build="Failed"),
        ],
        results={"Build": {"errorDetails": {"code": "JobFailed", "message": "npm test failed"}}},
    )
    script.install(gaps)
    result = pirep("deploy", "--poll-seconds", "0")
    assert result.exit_code == 1, result.output
    assert "The Build stage of the pipeline" in said(result)
    assert "failed: npm test failed" in said(result)
    assert "Traceback" not in result.output


@pytest.mark.usefixtures("ctrl_c")
def test_ctrl_c_during_the_deploy_stage_rolls_the_deployment_back(
    gaps: AwsGaps, deploying: tuple[str, Pirep]
) -> None:
    pipeline, pirep = deploying
    Script(SUCCESS, interrupt_at=3).install(gaps)
    result = pirep("deploy", "--poll-seconds", "0")
    assert result.exit_code == 130, result.output
    assert gaps.called("StopDeployment") == [
        {"deploymentId": DEPLOYMENT, "autoRollbackEnabled": True}
    ]
    [stop] = gaps.called("StopPipelineExecution")
    assert stop["pipelineName"] == pipeline
    assert stop["pipelineExecutionId"] == EXECUTION
    assert stop["abandon"] is True
    assert "rolled back" in said(result)


@pytest.mark.usefixtures("ctrl_c")
def test_ctrl_c_before_the_deploy_stage_stops_the_execution_only(
    gaps: AwsGaps, deploying: tuple[str, Pirep]
) -> None:
    _, pirep = deploying
    Script(SUCCESS, interrupt_at=1).install(gaps)
    result = pirep("deploy", "--poll-seconds", "0")
    assert result.exit_code == 130, result.output
    assert gaps.called("StopDeployment") == []
    assert len(gaps.called("StopPipelineExecution")) == 1
    assert "stopped before the deploy stage" in said(result)


@pytest.mark.usefixtures("ctrl_c")
def test_ctrl_c_after_the_execution_ended_says_so(
    gaps: AwsGaps, deploying: tuple[str, Pirep]
) -> None:
    _, pirep = deploying
    script = Script(SUCCESS, interrupt_at=0)
    script.install(gaps)

    def not_stoppable(_: dict[str, Any]) -> dict[str, Any]:
        raise AwsError("PipelineExecutionNotStoppableException", "already stopped")

    gaps.answers["StopPipelineExecution"] = not_stoppable
    result = pirep("deploy", "--poll-seconds", "0")
    assert result.exit_code == 130, result.output
    assert "had already ended" in said(result)


def test_following_gives_up_after_the_timeout(gaps: AwsGaps, deploying: tuple[str, Pirep]) -> None:
    _, pirep = deploying
    Script([poll("InProgress", Source="InProgress")]).install(gaps)
    result = pirep("deploy", "--poll-seconds", "0", "--timeout", "0")
    assert result.exit_code == 124, result.output
    assert "still running" in said(result)
    assert gaps.called("StopPipelineExecution") == []


def test_an_unknown_pipeline_is_one_clear_sentence(
    gaps: AwsGaps, deploying: tuple[str, Pirep]
) -> None:
    _, pirep = deploying
    result = pirep("deploy", PIREP_DEPLOY_PIPELINE="no-such-pipeline")
    assert result.exit_code == 1
    assert "AWS refused GetPipeline" in said(result)
    assert "Traceback" not in result.output
    assert gaps.called("StartPipelineExecution") == []
