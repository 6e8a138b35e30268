"""The operator commands of `pirep`: deploy, ssh, db backup/snapshot/download/restore,
s3-sync and importer run-task. They use the AWS profile, region and endpoint of the settings
(PIREP_AWS_PROFILE, PIREP_AWS_REGION, PIREP_AWS_ENDPOINT_URL)."""

from __future__ import annotations

import asyncio
import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import click
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from api.core.cycles import Product
from api.core.errors import PirepError
from api.ops.aws import OpsProblem, explained
from api.terminal import database, settings_or_exit

if TYPE_CHECKING:
    from api.ops.deploy import StageView

console = Console(stderr=True)

STAGE_MARKS = {"Succeeded": "[green]✓[/green]", "Failed": "[red]✗[/red]", "InProgress": "…"}


class Service(StrEnum):
    JOBS = "jobs"
    WEB = "web"


@contextmanager
def _reported() -> Iterator[None]:
    """What stops a command is one red sentence and exit code 1, never a traceback."""
    try:
        with explained():
            yield
    except OpsProblem as problem:
        console.print(f"[red]{problem}[/red]")
        raise typer.Exit(1) from None
    except PirepError as error:
        console.print(f"[red]{error.detail}[/red]")
        raise typer.Exit(1) from None


def _interactive() -> bool:
    return sys.stdin.isatty()


def _choose(labels: list[str], default: int, what: str) -> int:
    """The operator's choice among ``labels``; the default when there is one choice or no
    terminal to ask on."""
    if len(labels) == 1 or not _interactive():
        console.print(f"{what.capitalize()}: {labels[default]}")
        return default
    for number, label in enumerate(labels, 1):
        console.print(f"  {number}. {label}")
    chosen: int = typer.prompt(
        f"Which {what}?", default=default + 1, type=click.IntRange(1, len(labels))
    )
    return chosen - 1


@contextmanager
def _transfer(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar of bytes; yields the callback that adds the bytes just moved."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda moved: progress.advance(task, moved)


def _size(count: int) -> str:
    if count < 1024:
        return f"{count:,} bytes"
    amount, unit = count / 1024, "KB"
    for larger in ("MB", "GB"):
        if amount < 1024:
            break
        amount, unit = amount / 1024, larger
    return f"{amount:,.1f} {unit}"


def _now() -> datetime:
    return datetime.now(UTC)


def deploy(
    branch: Annotated[str, typer.Option(help="Branch the pipeline builds.")] = "main",
    timeout: Annotated[
        float, typer.Option(min=0, help="Minutes to follow the pipeline before giving up.")
    ] = 60,
    poll_seconds: Annotated[
        float, typer.Option(min=0, help="Seconds between looks at the pipeline.")
    ] = 5,
) -> None:
    """Deploy a branch: start the CodePipeline and follow its stages (Source, Build, Migrate,
    Deploy).

    Ctrl+C during the Deploy stage stops the CodeDeploy deployments with a rollback; before
    it, the pipeline execution is stopped. Exit codes: 0 deployed, 1 a stage failed, 124 still
    running after --timeout, 130 interrupted (and rolled back).
    """
    from api.ops.aws import Aws
    from api.ops.deploy import Pipeline

    settings = settings_or_exit()
    with _reported():
        aws = Aws(settings)
        pipeline = Pipeline(
            aws.codepipeline(),
            aws.codedeploy(),
            settings.deploy_pipeline,
            poll_seconds=poll_seconds,
        )
        previous = pipeline.set_branch(branch)
        if previous is not None:
            console.print(f"The pipeline {pipeline.name} now builds {branch} (was {previous}).")
        execution = pipeline.start()
        console.print(
            f"Started execution {execution} of {pipeline.name} on {branch}. Ctrl+C stops it "
            "(during the Deploy stage, with a rollback)."
        )
        shown: dict[str, str] = {}

        def show(views: list[StageView]) -> None:
            for view in views:
                if shown.get(view.name) != view.status:
                    shown[view.name] = view.status
                    mark = STAGE_MARKS.get(view.status, "·")
                    detail = f" — {view.detail}" if view.detail else ""
                    console.print(f"{mark} {view.name}: {view.status}{detail}")
            current = next((v for v in views if v.status == "InProgress"), None)
            status.update(f"{current.name} in progress…" if current else "Waiting…")

        try:
            with console.status("Starting…") as status:
                outcome = pipeline.follow(execution, timeout * 60, show)
        except KeyboardInterrupt:
            console.print("Interrupted: stopping…")
            outcome = pipeline.interrupt(execution, console.print)
    colour = "green" if outcome.exit_code == 0 else "red"
    console.print(f"[{colour}]{outcome.message}[/{colour}]")
    raise typer.Exit(outcome.exit_code)


def ssh(
    service: Annotated[
        Service | None, typer.Option(help="Only the containers of this service.")
    ] = None,
    container: Annotated[str | None, typer.Option(help="Only containers of this name.")] = None,
    command: Annotated[str, typer.Option(help="What to run in the container.")] = "/bin/sh",
) -> None:
    """Open a shell in a running container (ECS Exec through the AWS Session Manager plugin).

    The jobs service's container is offered first; without a terminal, or with one choice,
    it is taken without asking.
    """
    from api.ops.aws import Aws
    from api.ops.ssh import default_index, open_shell, plugin_path, running_containers

    settings = settings_or_exit()
    services = {Service.JOBS: settings.ecs_jobs_service, Service.WEB: settings.ecs_web_service}
    with _reported():
        plugin_path()  # before anything is asked of AWS
        aws = Aws(settings)
        ecs = aws.ecs()
        found = running_containers(ecs, settings.ecs_cluster)
        if service is not None:
            found = [c for c in found if c.service == services[service]]
        if container is not None:
            found = [c for c in found if c.name == container]
        if not found:
            wanted = " ".join(
                filter(
                    None,
                    (
                        f"of the service {services[service]}" if service else "",
                        f"named {container}" if container else "",
                    ),
                )
            )
            raise OpsProblem(
                f"No container {wanted + ' ' if wanted else ''}is running in the cluster "
                f"{settings.ecs_cluster}."
            )
        index = _choose(
            [c.label() for c in found], default_index(found, settings.ecs_jobs_service), "container"
        )
        code = open_shell(
            ecs,
            settings.ecs_cluster,
            found[index],
            region=aws.region,
            profile=aws.profile,
            command=command,
        )
    raise typer.Exit(code)


def db_backup() -> None:
    """Dump the database (pg_dump, custom format) and upload it to the backups bucket."""
    from api.ops.aws import Aws, check_bucket
    from api.ops.backups import backup_key, database_name, dump, upload

    settings = settings_or_exit()
    with _reported():
        s3 = Aws(settings).s3()
        bucket = settings.backups_bucket
        check_bucket(s3, bucket, "PIREP_BACKUPS_BUCKET")
        with database(settings) as configured, _temporary_directory() as directory:
            url = configured.database_url or ""
            target = directory / "pirep.dump"
            with Progress(*_dump_columns(), console=console, transient=True) as progress:
                task = progress.add_task(f"Dumping {database_name(url)}", total=None)
                dump(url, target, lambda written: progress.update(task, completed=written))
            key = backup_key(_now())
            size = target.stat().st_size
            with _transfer(f"Uploading {key}", size) as moved:
                upload(s3, target, bucket, key, moved)
    console.print(f"Backed up {database_name(url)} ({_size(size)}).")
    typer.echo(f"s3://{bucket}/{key}")


def _dump_columns() -> tuple[TextColumn, DownloadColumn]:
    return TextColumn("{task.description}"), DownloadColumn()


@contextmanager
def _temporary_directory() -> Iterator[Path]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="pirep-backup-") as directory:
        yield Path(directory)


def db_snapshot(
    timeout: Annotated[
        int, typer.Option(min=1, help="Minutes to wait for the snapshot to be available.")
    ] = 60,
) -> None:
    """Take an RDS snapshot of the production database and wait until it is available.
    Recommended before an import."""
    from api.ops.aws import Aws
    from api.ops.backups import create_snapshot, snapshot_id

    settings = settings_or_exit()
    identifier = snapshot_id(settings.rds_instance, _now())
    with _reported():
        rds = Aws(settings).rds()
        with console.status(f"Creating the snapshot {identifier} of {settings.rds_instance}…"):
            create_snapshot(rds, settings.rds_instance, identifier, timeout * 60)
    console.print(f"The snapshot of {settings.rds_instance} is available:")
    typer.echo(identifier)


def db_download(
    key: Annotated[
        str | None, typer.Argument(help="The backup's key or file name (default: choose).")
    ] = None,
    output: Annotated[Path, typer.Option(help="Directory (or file name) to download to.")] = Path(
        "."
    ),
) -> None:
    """Download a backup from the backups bucket: the one named, else the operator's choice
    (newest first; without a terminal, the newest)."""
    from api.ops.aws import Aws, check_bucket, download
    from api.ops.backups import BACKUP_PREFIX, backups

    settings = settings_or_exit()
    bucket = settings.backups_bucket
    with _reported():
        s3 = Aws(settings).s3()
        check_bucket(s3, bucket, "PIREP_BACKUPS_BUCKET")
        found = backups(s3, bucket)
        if key is not None:
            found = [b for b in found if key in (b.key, b.key.removeprefix(BACKUP_PREFIX))]
            if not found:
                raise OpsProblem(f"There is no backup {key} in s3://{bucket}/{BACKUP_PREFIX}.")
        if not found:
            raise OpsProblem(
                f"There are no backups in s3://{bucket}/{BACKUP_PREFIX}: make one with "
                "`pirep db backup`."
            )
        labels = [
            f"{b.key.removeprefix(BACKUP_PREFIX)}  {b.modified:%Y-%m-%d %H:%M} UTC  {_size(b.size)}"
            for b in found
        ]
        chosen = found[_choose(labels, 0, "backup")]
        target = output / chosen.key.rsplit("/", 1)[-1] if output.is_dir() else output
        with _transfer(f"Downloading {chosen.key}", chosen.size) as moved:
            download(s3, bucket, chosen.key, target, moved)
    console.print(f"Downloaded {chosen.key} ({_size(chosen.size)}).")
    typer.echo(str(target))


def db_restore(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="A dump of `pirep db backup`.")
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Restore a backup into the local database (PIREP_DATABASE_URL on this machine, or the
    embedded cluster), replacing what it holds. Refused for a database on another host."""
    from api.ops.backups import database_name, is_local, restore

    settings = settings_or_exit()
    with _reported():
        if settings.database_url and not is_local(settings.database_url):
            raise OpsProblem(
                f"Refusing to restore into {database_name(settings.database_url)}: restores go "
                "to a database on this machine only (unset PIREP_DATABASE_URL for the embedded "
                "one)."
            )
        with database(settings) as configured:
            url = configured.database_url or ""
            if not yes:
                if not _interactive():
                    raise OpsProblem(
                        f"Restoring replaces the contents of {database_name(url)}: pass --yes "
                        "to confirm without a terminal."
                    )
                typer.confirm(
                    f"Replace the contents of {database_name(url)} with {file}?", abort=True
                )
            with console.status(f"Restoring {file.name} into {database_name(url)}…"):
                restore(url, file)
    console.print(f"Restored {file} into {database_name(url)}.")


def s3_sync(
    destination: Annotated[
        Path, typer.Argument(file_okay=False, help="Local directory for the photos.")
    ],
) -> None:
    """Copy the airport photos from the storage bucket to a local directory, skipping those
    already there with the same size."""
    from api.ops.aws import Aws, check_bucket, download
    from api.ops.photos import PHOTOS, plan

    settings = settings_or_exit()
    bucket = settings.storage_bucket
    if not bucket:
        console.print(
            "[red]PIREP_STORAGE_BUCKET is not set: the photos are in "
            f"{settings.storage_root / PHOTOS} on this machine.[/red]"
        )
        raise typer.Exit(1)
    with _reported():
        s3 = Aws(settings).s3()
        check_bucket(s3, bucket, "PIREP_STORAGE_BUCKET")
        todo = plan(s3, bucket, settings.storage_prefix, destination)
        with _transfer(f"Copying {len(todo.copy):,} photos", todo.bytes_to_copy) as moved:
            for photo in todo.copy:
                download(s3, bucket, photo.key, photo.target, moved)
    console.print(
        f"Copied {len(todo.copy):,} photos ({_size(todo.bytes_to_copy)}) to {destination}; "
        f"skipped {len(todo.skip):,} already there."
    )


def importer_run_task(
    products: Annotated[
        list[Product] | None,
        typer.Option("--products", help="What to import (repeat the option); default: all."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Import even if the cycle is active.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Report what would change; write nothing.")] = False,
    admin: Annotated[
        str | None,
        typer.Option("--as", help="E-mail of the administrator the run is recorded for."),
    ] = None,
) -> None:
    """Start the importer as an ECS task, recorded as an importer run as from the admin page.
    Take a snapshot first (`pirep db snapshot`)."""
    from api.ops.aws import Aws
    from api.ops.importer import start_importer_task

    settings = settings_or_exit()
    if not settings.database_url:
        console.print(
            "[red]Set PIREP_DATABASE_URL to the database the importer task uses: the run is "
            "recorded there.[/red]"
        )
        raise typer.Exit(1)
    with _reported():
        started = asyncio.run(
            start_importer_task(
                settings,
                Aws(settings),
                products or [],
                force=force,
                dry_run=dry_run,
                admin_email=admin,
            )
        )
    console.print(
        f"Started importer run {started.run_id} for {started.requested_by} as the ECS task:"
    )
    typer.echo(started.task_arn)
    console.print(
        f"Watch it on the admin's importer page (GET /api/v1/admin/importer/runs/"
        f"{started.run_id}), or: aws ecs describe-tasks --cluster {settings.ecs_cluster} "
        f"--tasks {started.task_arn}"
    )


def _help(command: Callable[..., None]) -> str:
    """The command's docstring with each paragraph on one line (typer keeps line breaks)."""
    paragraphs = inspect.cleandoc(command.__doc__ or "").split("\n\n")
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)


def register(app: typer.Typer, db_app: typer.Typer) -> None:
    """Add the operator commands to the `pirep` command and its `db` group."""
    app.command(help=_help(deploy))(deploy)
    app.command(help=_help(ssh))(ssh)
    app.command("s3-sync", help=_help(s3_sync))(s3_sync)
    for name, command in (
        ("backup", db_backup),
        ("snapshot", db_snapshot),
        ("download", db_download),
        ("restore", db_restore),
    ):
        db_app.command(name, help=_help(command))(command)
    importer = typer.Typer(no_args_is_help=True, help="The importer on AWS (an ECS task).")
    importer.command("run-task", help=_help(importer_run_task))(importer_run_task)
    app.add_typer(importer, name="importer")
