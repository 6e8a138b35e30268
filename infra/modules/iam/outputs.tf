output "execution_role_arn" {
  description = "ECS execution role of every task."
  value       = aws_iam_role.execution.arn
}

output "web_task_role_arn" {
  description = "Task role of the web tasks (and migrations)."
  value       = aws_iam_role.web.arn
}

output "jobs_task_role_arn" {
  description = "Task role of the worker."
  value       = aws_iam_role.jobs.arn
}

output "importer_task_role_arn" {
  description = "Task role of the importer."
  value       = aws_iam_role.importer.arn
}

output "scheduler_role_arn" {
  description = "Role EventBridge Scheduler starts the importer with."
  value       = aws_iam_role.scheduler.arn
}

output "codebuild_role_arn" {
  description = "Role of the CodeBuild projects."
  value       = aws_iam_role.codebuild.arn
}

output "codepipeline_role_arn" {
  description = "Role of the pipeline."
  value       = aws_iam_role.codepipeline.arn
}

output "codedeploy_role_arn" {
  description = "Role of CodeDeploy."
  value       = aws_iam_role.codedeploy.arn
}
