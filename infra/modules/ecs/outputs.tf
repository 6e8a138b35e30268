output "cluster_name" {
  description = "The ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "The ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "web_service_name" {
  description = "Service of the web tasks."
  value       = aws_ecs_service.web.name
}

output "jobs_service_name" {
  description = "Service of the worker."
  value       = aws_ecs_service.jobs.name
}

output "web_family" {
  description = "Task definition family of the web tasks."
  value       = aws_ecs_task_definition.web.family
}

output "importer_family" {
  description = "Task definition family of the importer."
  value       = aws_ecs_task_definition.importer.family
}
