output "docker_hub_credentials_name" {
  description = "Parameter of the Docker Hub credentials."
  value       = aws_ssm_parameter.docker_hub_credentials.name
}

output "docker_hub_credentials_arn" {
  description = "Parameter of the Docker Hub credentials."
  value       = aws_ssm_parameter.docker_hub_credentials.arn
}
