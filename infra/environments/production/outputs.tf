output "site_url" {
  description = "Where users reach Pirep."
  value       = module.project.site_url
}

output "assets_url" {
  description = "CloudFront URL of tiles, diagrams and photos."
  value       = module.project.assets_url
}

output "api_repository_url" {
  description = "ECR repository of the API image."
  value       = module.project.api_repository_url
}

output "importer_repository_url" {
  description = "ECR repository of the importer image."
  value       = module.project.importer_repository_url
}

output "database_endpoint" {
  description = "RDS endpoint (reachable from the tasks only)."
  value       = module.project.database_endpoint
}

output "static_secret_arn" {
  description = "Secret built from Terraform (database URL, buckets, URLs)."
  value       = module.project.static_secret_arn
}

output "dynamic_secret_arn" {
  description = "Secret filled by hand (Turnstile keys, SMTP password, Sentry DSNs, MaxMind key, map style URL)."
  value       = module.project.dynamic_secret_arn
}

output "codestar_connection_arn" {
  description = "GitHub connection: confirm it once in the console (Developer Tools > Connections)."
  value       = module.project.codestar_connection_arn
}
