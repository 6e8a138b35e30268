"""docs/runbook.md as an operator follows it: every `pirep` command it gives exists with the
options it uses, and the AWS and Terraform names it gives are those the Terraform creates."""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest
import typer
from typer.core import TyperGroup

from api.cli import app
from api.core.settings import PROJECT_ROOT

RUNBOOK = (PROJECT_ROOT / "docs/runbook.md").read_text()
INFRA = PROJECT_ROOT / "infra"


def pirep_commands() -> list[list[str]]:
    """Every `pirep …` command line of the runbook, those run through `pirep ssh` included."""
    lines: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", RUNBOOK, re.S):
        lines += [line.split("#")[0].strip() for line in block.replace("\\\n", " ").splitlines()]
    lines += re.findall(r"`(pirep [^`]+)`", RUNBOOK)
    commands: list[list[str]] = []
    for line in lines:
        if not line.startswith("pirep "):
            continue
        words = shlex.split(line)
        commands.append(words)
        if "--command" in words:
            nested = shlex.split(words[words.index("--command") + 1])
            if nested[0] == "pirep":
                commands.append(nested)
    return commands


def resolve(words: list[str]) -> tuple[Any, list[str]]:
    """The command of ``pirep WORDS…`` and the words left after its name."""
    command: Any = typer.main.get_command(app)
    rest = words[1:]
    while isinstance(command, TyperGroup) and rest and not rest[0].startswith("-"):
        found = command.commands.get(rest[0])
        assert found is not None, f"`{' '.join(words)}`: no command {rest[0]!r}"
        command, rest = found, rest[1:]
    return command, rest


def test_the_runbook_gives_commands() -> None:
    commands = {" ".join(words[:3]) for words in pirep_commands()}
    for expected in (
        "pirep deploy --branch",
        "pirep db seed",
        "pirep db backup",
        "pirep db restore",
        "pirep db snapshot",
        "pirep importer run-task",
    ):
        assert any(command.startswith(expected) for command in commands), expected


@pytest.mark.parametrize("words", pirep_commands(), ids=lambda words: " ".join(words))
def test_each_pirep_command_exists_with_its_options(words: list[str]) -> None:
    command, rest = resolve(words)
    assert not isinstance(command, TyperGroup), f"`{' '.join(words)}` names a group"
    options = {name for param in command.params for name in param.opts}
    used = {word.split("=")[0] for word in rest if word.startswith("--")}
    assert used <= options, f"`{' '.join(words)}`: unknown {used - options}"


def test_the_names_it_gives_are_those_terraform_creates() -> None:
    tf = {path: path.read_text() for path in INFRA.rglob("*.tf")}
    everything = "\n".join(tf.values())
    # The secret, parameter, log groups, CodeDeploy names: "<prefix>-…" in the modules.
    assert '"${var.name}-dynamic"' in everything
    assert '"/${var.name}/DOCKER_HUB_CREDENTIALS"' in everything
    assert '"/ecs/${var.name}/importer"' in everything
    assert 'deployment_group_name  = "${var.name}-web"' in everything
    for name in (
        "pirep-production-dynamic",
        "/pirep-production/DOCKER_HUB_CREDENTIALS",
        "/ecs/pirep-production/importer",
        "pirep-production-web",
    ):
        assert name in RUNBOOK
    # The resource it replaces to rotate the database password, and the snapshot variable.
    address = re.search(r"-replace=(\S+)", RUNBOOK)
    assert address is not None
    assert address.group(1) == "module.project.module.rds.random_password.master"
    assert 'module "project"' in (INFRA / "environments/production/main.tf").read_text()
    assert 'module "rds"' in (INFRA / "modules/project/main.tf").read_text()
    assert 'resource "random_password" "master"' in (INFRA / "modules/rds/main.tf").read_text()
    assert (
        'variable "db_snapshot_identifier"'
        in (INFRA / "environments/production/variables.tf").read_text()
    )
    assert "deletion_protection" in (INFRA / "modules/rds/main.tf").read_text()
    assert (INFRA / "environments/production/terraform.tfvars.example").exists()
