output "log_group_names" {
  description = "Log groups by use: web, jobs, importer, codebuild."
  value       = { for use, group in aws_cloudwatch_log_group.this : use => group.name }
}

output "log_group_arns" {
  description = "Log groups by use: web, jobs, importer, codebuild."
  value       = { for use, group in aws_cloudwatch_log_group.this : use => group.arn }
}
