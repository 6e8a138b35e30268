output "api_repository_url" {
  description = "Repository of the API image."
  value       = aws_ecr_repository.this["api"].repository_url
}

output "api_repository_arn" {
  description = "Repository of the API image."
  value       = aws_ecr_repository.this["api"].arn
}

output "importer_repository_url" {
  description = "Repository of the importer image."
  value       = aws_ecr_repository.this["importer"].repository_url
}

output "importer_repository_arn" {
  description = "Repository of the importer image."
  value       = aws_ecr_repository.this["importer"].arn
}
