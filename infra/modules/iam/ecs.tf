# Roles of the ECS tasks.

# Execution role: what ECS itself needs to start any of the tasks.
resource "aws_iam_role" "execution" {
  name               = "${var.name}-ecs-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # Has no resource.
  }

  statement {
    sid       = "EcrPull"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = var.repository_arns
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for arn in var.task_log_group_arns : "${arn}:*"]
  }

  statement {
    sid       = "Secrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = var.secret_arns
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "start-tasks"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# Shared by the task roles: ECS Exec (pirep ssh) and the stored files.
data "aws_iam_policy_document" "task_common" {
  statement {
    sid = "EcsExec"
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"] # Has no resource.
  }

  statement {
    sid       = "AssetsList"
    actions   = ["s3:ListBucket"]
    resources = [var.assets_bucket_arn]
  }

  # PutObject covers the parts of a multipart upload (a chart layer's archive, an offline
  # pack); boto3 aborts an upload that failed, so its parts cost nothing.
  statement {
    sid       = "AssetsReadWrite"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = ["${var.assets_bucket_arn}/${var.storage_prefix}*"]
  }
}

# Web tasks: the API, which also starts the importer from the admin API.
resource "aws_iam_role" "web" {
  name               = "${var.name}-web-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "web" {
  source_policy_documents = [data.aws_iam_policy_document.task_common.json]

  # The task runner copies the jobs service's network configuration and starts the latest
  # revision of the importer's family; it may start nothing else.
  statement {
    sid       = "RunImporter"
    actions   = ["ecs:RunTask"]
    resources = local.importer_task_definition_arns

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [local.cluster_arn]
    }
  }

  statement {
    sid       = "FollowTasks"
    actions   = ["ecs:DescribeTasks"]
    resources = [local.cluster_tasks_arn]
  }

  statement {
    sid       = "JobsNetwork"
    actions   = ["ecs:DescribeServices"]
    resources = [local.jobs_service_arn]
  }

  # The GeoLite2 database the worker shares (outside the prefix CloudFront serves).
  statement {
    sid       = "GeoipRead"
    actions   = ["s3:GetObject"]
    resources = ["${var.assets_bucket_arn}/${local.geoip_key}"]
  }

  statement {
    sid       = "FindImporterRevision"
    actions   = ["ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions"]
    resources = ["*"] # These actions take no resource.
  }

  statement {
    sid       = "PassImporterRoles"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.importer.arn, aws_iam_role.execution.arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "web" {
  name   = "web"
  role   = aws_iam_role.web.id
  policy = data.aws_iam_policy_document.web.json
}

# Jobs tasks: the worker; operators also run `pirep db backup` in it through ECS Exec.
resource "aws_iam_role" "jobs" {
  name               = "${var.name}-jobs-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "jobs" {
  source_policy_documents = [data.aws_iam_policy_document.task_common.json]

  statement {
    sid       = "BackupsList"
    actions   = ["s3:ListBucket"]
    resources = [var.backups_bucket_arn]
  }

  statement {
    sid       = "BackupsReadWrite"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${var.backups_bucket_arn}/*"]
  }

  # The worker downloads the GeoLite2 database and shares it with the web tasks.
  statement {
    sid       = "GeoipShare"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${var.assets_bucket_arn}/${local.geoip_key}"]
  }
}

resource "aws_iam_role_policy" "jobs" {
  name   = "jobs"
  role   = aws_iam_role.jobs.id
  policy = data.aws_iam_policy_document.jobs.json
}

# Importer task: writes tiles and diagrams.
resource "aws_iam_role" "importer" {
  name               = "${var.name}-importer-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy" "importer" {
  name   = "importer"
  role   = aws_iam_role.importer.id
  policy = data.aws_iam_policy_document.task_common.json
}
