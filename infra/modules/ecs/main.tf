# The cluster, the web and jobs services and the importer's task definition, all on Fargate.
# Deploys change the services' task definitions (CodeDeploy for web, the pipeline's ECS action
# for jobs): Terraform writes the first revision and then leaves them alone.

locals {
  # The tasks read every setting from environment variables: plain ones, and one per key
  # of the two secrets.
  environment = [for key, value in var.environment : { name = key, value = value }]
  secrets = concat(
    [for key in var.static_secret_keys : { name = key, valueFrom = "${var.static_secret_arn}:${key}::" }],
    [for key in var.dynamic_secret_keys : { name = key, valueFrom = "${var.dynamic_secret_arn}:${key}::" }],
  )

  log_configuration = {
    for use, group in var.log_group_names : use => {
      logDriver = "awslogs"
      options = {
        awslogs-group         = group
        awslogs-region        = var.region
        awslogs-stream-prefix = use
      }
    }
  }
}

resource "aws_ecs_cluster" "this" {
  name = var.cluster_name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}
