output "site_url" {
  description = "Where users reach Pirep."
  value       = local.site_url
}

output "assets_url" {
  description = "CloudFront URL of tiles, diagrams and photos."
  value       = local.assets_url
}

output "api_repository_url" {
  description = "ECR repository of the API image."
  value       = module.ecr.api_repository_url
}

output "importer_repository_url" {
  description = "ECR repository of the importer image."
  value       = module.ecr.importer_repository_url
}

output "database_endpoint" {
  description = "RDS endpoint."
  value       = module.rds.endpoint
}

output "static_secret_arn" {
  description = "Secret built from Terraform."
  value       = module.secretsmanager.static_arn
}

output "dynamic_secret_arn" {
  description = "Secret filled by hand."
  value       = module.secretsmanager.dynamic_arn
}

output "codestar_connection_arn" {
  description = "GitHub connection to confirm in the console."
  value       = module.codesuite.codestar_connection_arn
}
