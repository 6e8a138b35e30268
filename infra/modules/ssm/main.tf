# Docker Hub credentials ("user:token") CodeBuild logs in with, so that pulling the python base
# image is not rate limited. Terraform creates the parameter with a placeholder; set the value
# by hand: aws ssm put-parameter --name <name> --type SecureString --overwrite --value user:token
resource "aws_ssm_parameter" "docker_hub_credentials" {
  name        = "/${var.name}/DOCKER_HUB_CREDENTIALS"
  description = "Docker Hub user:token for CodeBuild (\"unset\": pull anonymously)"
  type        = "SecureString"
  value       = "unset"

  lifecycle {
    ignore_changes = [value]
  }
}
