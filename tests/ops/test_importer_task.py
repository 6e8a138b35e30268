"""`pirep importer run-task`: an importer run recorded as the admin API records it, and its
ECS task started on moto's cluster (tests/aws.py)."""

from __future__ import annotations

from tests.aws import CLUSTER, FAMILY, JOBS_SERVICE, Aws
from tests.ops.support import Pirep, said, sql


def on_the_test_cluster(database_url: str) -> dict[str, str]:
    return {
        "PIREP_DATABASE_URL": database_url,
        "PIREP_ECS_CLUSTER": CLUSTER,
        "PIREP_ECS_JOBS_SERVICE": JOBS_SERVICE,
        "PIREP_ECS_IMPORTER_TASK_FAMILY": FAMILY,
    }


def test_an_importer_task_is_started_and_recorded_for_the_admin(
    pirep: Pirep, aws: Aws, fresh_database: str
) -> None:
    env = on_the_test_cluster(fresh_database)
    nobody = pirep("importer", "run-task", **env)
    assert nobody.exit_code == 1
    assert "create one with `pirep db seed`" in said(nobody)

    assert pirep("db", "seed", **env).exit_code == 0
    result = pirep(
        "importer", "run-task", "--products", "airports", "--products", "charts", "--dry-run", **env
    )
    assert result.exit_code == 0, result.output
    task_arn = result.stdout.strip()
    assert task_arn.startswith("arn:aws:ecs:")
    run_id, products, dry_run, status, admin = sql(
        fresh_database,
        "SELECT array[r.id::text, array_to_string(r.products, ','), r.dry_run::text,"
        f" r.status::text, u.email] FROM importer_runs r JOIN users u ON u.id = r.requested_by_id"
        f" WHERE r.ecs_task_arn = '{task_arn}'",
    )
    assert (products, dry_run, status, admin) == (
        "airports,charts",
        "true",
        "requested",
        "admin@pirep.local",
    )
    assert f"Started importer run {run_id} for admin@pirep.local" in said(result)
    ecs = aws.client("ecs")
    [task] = ecs.describe_tasks(cluster=CLUSTER, tasks=[task_arn])["tasks"]
    command = task["overrides"]["containerOverrides"][0]["command"]
    assert command == [
        "python", "-m", "importer", "run", "--run-id", run_id,
        "--products", "airports,charts", "--dry-run",
    ]  # fmt: skip

    # One run at a time, as from the admin page.
    busy = pirep("importer", "run-task", **env)
    assert busy.exit_code == 1
    assert f"Import {run_id} is requested; wait for it to finish first." in said(busy)
    ecs.stop_task(cluster=CLUSTER, task=task_arn)


def test_several_admins_need_to_say_who_starts_the_run(
    pirep: Pirep, aws: Aws, fresh_database: str
) -> None:
    env = on_the_test_cluster(fresh_database)
    assert pirep("db", "seed", **env).exit_code == 0
    sql(
        fresh_database,
        "INSERT INTO users (role, email, display_name) VALUES ('admin', 'ops@example.com', 'Ops')",
    )
    ambiguous = pirep("importer", "run-task", **env)
    assert ambiguous.exit_code == 1
    assert "--as (one of admin@pirep.local, ops@example.com)" in said(ambiguous)
    started = pirep("importer", "run-task", "--as", "OPS@example.com", "--force", **env)
    assert started.exit_code == 0, started.output
    assert "for ops@example.com" in said(started)
    aws.client("ecs").stop_task(cluster=CLUSTER, task=started.stdout.strip())


def test_the_run_is_recorded_in_the_configured_database_only(pirep: Pirep) -> None:
    result = pirep("importer", "run-task")
    assert result.exit_code == 1
    assert "Set PIREP_DATABASE_URL to the database the importer task uses" in said(result)
