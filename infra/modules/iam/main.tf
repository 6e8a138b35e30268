# Every role of the project, each allowed what it uses and no more. ECS names are known in
# advance (the Python settings assume them), so the ARNs are written here from the names and
# this module depends on no ECS resource.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account = data.aws_caller_identity.current.account_id
  ecs     = "arn:${data.aws_partition.current.partition}:ecs:${var.region}:${local.account}"

  cluster_arn = "${local.ecs}:cluster/${var.cluster_name}"
  # Tasks of the cluster (DescribeTasks, StopTask).
  cluster_tasks_arn = "${local.ecs}:task/${var.cluster_name}/*"
  jobs_service_arn  = "${local.ecs}:service/${var.cluster_name}/${var.jobs_service_name}"
  # The worker's GeoLite2 database for the web tasks: api.core.geoip.SHARED_KEY.
  geoip_key = "private/geoip/GeoLite2-City.mmdb"
  # Every revision of a family (RunTask names a revision; the family alone means the latest).
  importer_task_definition_arns = [
    "${local.ecs}:task-definition/${var.importer_family}",
    "${local.ecs}:task-definition/${var.importer_family}:*",
  ]
  web_task_definition_arns = [
    "${local.ecs}:task-definition/${var.web_family}",
    "${local.ecs}:task-definition/${var.web_family}:*",
  ]
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}
