resource "aws_ecs_task_definition" "web" {
  family                   = "${var.name}-web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.web_cpu
  memory                   = var.web_memory
  execution_role_arn       = var.execution_role_arn
  task_role_arn            = var.web_task_role_arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([
    {
      name      = "web"
      image     = var.api_image
      essential = true
      command = [
        "pirep", "serve", "--host", "0.0.0.0", "--port", tostring(var.app_port),
        "--workers", tostring(var.web_workers),
      ]
      portMappings     = [{ containerPort = var.app_port, protocol = "tcp" }]
      environment      = local.environment
      secrets          = local.secrets
      logConfiguration = local.log_configuration["web"]
      healthCheck = {
        command = [
          "CMD", "python", "-c",
          "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${var.app_port}/health', timeout=4)",
        ]
        interval    = 30
        timeout     = 5
        retries     = 3
        startPeriod = 30
      }
    },
  ])
}

resource "aws_ecs_service" "web" {
  name                   = "${var.name}-web"
  cluster                = aws_ecs_cluster.this.id
  task_definition        = aws_ecs_task_definition.web.arn
  desired_count          = var.web_desired_count
  launch_type            = "FARGATE"
  enable_execute_command = true
  propagate_tags         = "SERVICE"

  health_check_grace_period_seconds = 60

  deployment_controller {
    type = "CODE_DEPLOY"
  }

  # Public subnets with public addresses instead of a NAT gateway (see the vpc module); the
  # security group lets in only the load balancer.
  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [var.web_security_group_id]
    assign_public_ip = true
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = "web"
    container_port   = var.app_port
  }

  # CodeDeploy owns the revision and the target group after the first deploy.
  lifecycle {
    ignore_changes = [task_definition, load_balancer]
  }
}
