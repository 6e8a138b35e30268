resource "aws_ecs_task_definition" "jobs" {
  family                   = "${var.name}-jobs"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.jobs_cpu
  memory                   = var.jobs_memory
  execution_role_arn       = var.execution_role_arn
  task_role_arn            = var.jobs_task_role_arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([
    {
      name             = "jobs"
      image            = var.api_image
      essential        = true
      command          = ["pirep", "worker"]
      environment      = local.environment
      secrets          = local.secrets
      logConfiguration = local.log_configuration["jobs"]
    },
  ])
}

# The importer started from the admin API copies this service's network configuration.
resource "aws_ecs_service" "jobs" {
  name                   = "${var.name}-jobs"
  cluster                = aws_ecs_cluster.this.id
  task_definition        = aws_ecs_task_definition.jobs.arn
  desired_count          = var.jobs_desired_count
  launch_type            = "FARGATE"
  enable_execute_command = true
  propagate_tags         = "SERVICE"

  deployment_controller {
    type = "ECS"
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [var.jobs_security_group_id]
    assign_public_ip = true
  }

  # The pipeline deploys new revisions.
  lifecycle {
    ignore_changes = [task_definition]
  }
}
