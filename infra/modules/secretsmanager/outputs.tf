output "static_arn" {
  description = "The secret built by Terraform."
  value       = aws_secretsmanager_secret.static.arn
}

output "dynamic_arn" {
  description = "The secret filled by hand."
  value       = aws_secretsmanager_secret.dynamic.arn
}
