output "assets_bucket" {
  description = "Bucket of tiles, diagrams, photos and content packs."
  value       = aws_s3_bucket.assets.bucket
}

output "assets_bucket_arn" {
  description = "Bucket of tiles, diagrams, photos and content packs."
  value       = aws_s3_bucket.assets.arn
}

output "assets_bucket_regional_domain_name" {
  description = "Origin of the CloudFront distribution."
  value       = aws_s3_bucket.assets.bucket_regional_domain_name
}

output "backups_bucket" {
  description = "Bucket of database dumps."
  value       = aws_s3_bucket.backups.bucket
}

output "backups_bucket_arn" {
  description = "Bucket of database dumps."
  value       = aws_s3_bucket.backups.arn
}

output "logs_bucket" {
  description = "Bucket of access logs."
  value       = aws_s3_bucket.logs.bucket
}

output "deployment_bucket" {
  description = "Bucket of the pipeline's artifacts."
  value       = aws_s3_bucket.deployment.bucket
}

output "deployment_bucket_arn" {
  description = "Bucket of the pipeline's artifacts."
  value       = aws_s3_bucket.deployment.arn
}
