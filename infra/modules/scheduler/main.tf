# Starts the importer every day; it finds out itself whether a product has a new cycle and
# exits at once when none has.
resource "aws_scheduler_schedule" "importer" {
  name                         = "${var.name}-importer"
  description                  = "Daily run of the importer (exits when there is no new cycle)"
  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = "UTC"

  flexible_time_window {
    mode                      = "FLEXIBLE"
    maximum_window_in_minutes = 30
  }

  target {
    arn      = var.cluster_arn
    role_arn = var.role_arn

    # The family without a revision: the latest one, which the pipeline registers.
    ecs_parameters {
      task_definition_arn     = var.importer_task_definition_arn
      launch_type             = "FARGATE"
      task_count              = 1
      enable_execute_command  = true
      enable_ecs_managed_tags = true

      network_configuration {
        subnets          = var.subnet_ids
        security_groups  = [var.security_group_id]
        assign_public_ip = true
      }
    }

    retry_policy {
      maximum_retry_attempts       = 2
      maximum_event_age_in_seconds = 3600
    }
  }
}
