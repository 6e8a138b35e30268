output "alb_id" {
  description = "Security group of the load balancer."
  value       = aws_security_group.alb.id
}

output "web_id" {
  description = "Security group of the web tasks."
  value       = aws_security_group.web.id
}

output "jobs_id" {
  description = "Security group of the worker and of one-off tasks (migrations)."
  value       = aws_security_group.jobs.id
}

output "importer_id" {
  description = "Security group of the importer task."
  value       = aws_security_group.importer.id
}

output "database_id" {
  description = "Security group of the database."
  value       = aws_security_group.database.id
}
