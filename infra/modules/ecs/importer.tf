# The importer: a one-off task, started by the admin API (the web tasks' task runner) or by the
# daily schedule. Tiling charts needs CPUs, memory and disk for the downloaded archives.
resource "aws_ecs_task_definition" "importer" {
  family                   = var.importer_family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.importer_cpu
  memory                   = var.importer_memory
  execution_role_arn       = var.execution_role_arn
  task_role_arn            = var.importer_task_role_arn

  ephemeral_storage {
    size_in_gib = var.importer_storage_gib
  }

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([
    {
      name             = "importer"
      image            = var.importer_image
      essential        = true
      command          = ["python", "-m", "importer", "run"]
      environment      = local.environment
      secrets          = local.secrets
      logConfiguration = local.log_configuration["importer"]
    },
  ])
}
