"""A local AWS (moto server) with the ECS layout the task runner expects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
import httpx

from api.core.settings import Settings
from api.core.task_runner import TaskRunner, task_runner_from_settings

REGION = "us-west-2"
CLUSTER = "pirep-test"
JOBS_SERVICE = "pirep-test-jobs"
FAMILY = "pirep-test-importer"
AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_CONFIG_FILE": "/nonexistent/aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
    # Never ask the EC2 metadata address for credentials.
    "AWS_EC2_METADATA_DISABLED": "true",
}


@dataclass(frozen=True)
class Aws:
    url: str
    subnet: str
    security_group: str

    def client(self, service: str) -> Any:
        return boto3.session.Session().client(service, region_name=REGION, endpoint_url=self.url)

    def task_steps_every(self, reads: int | None) -> None:
        """Make moto move each ECS task one step on (RUNNING, DEACTIVATING, …, STOPPED) every
        ``reads`` descriptions of it; None restores moto's default (every read)."""
        model = {"model_name": "ecs::task"}
        if reads is None:
            response = httpx.post(f"{self.url}/moto-api/state-manager/unset-transition", json=model)
        else:
            transition = {"progression": "manual", "times": reads}
            response = httpx.post(
                f"{self.url}/moto-api/state-manager/set-transition",
                json={**model, "transition": transition},
            )
        response.raise_for_status()


def build_ecs(url: str) -> Aws:
    """A VPC, the jobs service on it, and the importer family with two revisions."""
    aws = Aws(url, "", "")
    ec2, ecs = aws.client("ec2"), aws.client("ecs")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="jobs", Description="jobs", VpcId=vpc)["GroupId"]
    ecs.create_cluster(clusterName=CLUSTER)

    def register(family: str, container: str) -> None:
        ecs.register_task_definition(
            family=family,
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": container, "image": f"{container}:1", "memory": 512}],
        )

    register("pirep-test-jobs", "jobs")
    register(FAMILY, "old-importer")
    register(FAMILY, "importer")

    def service(name: str, subnet: str | None) -> None:
        network = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}}
        ecs.create_service(
            cluster=CLUSTER,
            serviceName=name,
            taskDefinition="pirep-test-jobs",
            desiredCount=0,
            **({"launchType": "FARGATE", "networkConfiguration": network} if subnet else {}),
        )

    service(JOBS_SERVICE, subnet)
    service("without-network", None)
    # A service whose subnet was deleted since: AWS refuses to run a task there.
    gone = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
    service("subnet-gone", gone)
    ec2.delete_subnet(SubnetId=gone)
    return Aws(url, subnet, group)


def ecs_runner(url: str, **settings: Any) -> TaskRunner:
    values: dict[str, Any] = {
        "task_runner": "ecs",
        "aws_region": REGION,
        "aws_endpoint_url": url,
        "aws_timeout_seconds": 2,
        "ecs_cluster": CLUSTER,
        "ecs_jobs_service": JOBS_SERVICE,
        "ecs_importer_task_family": FAMILY,
    }
    return task_runner_from_settings(Settings(**{**values, **settings}))
