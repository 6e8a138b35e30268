variable "name" {
  description = "Name of the pipeline and the CodeDeploy application; prefix of the rest."
  type        = string
}

variable "account_id" {
  description = "AWS account (for the builds)."
  type        = string
}

variable "github_repository" {
  description = "GitHub repository, owner/name."
  type        = string
}

variable "github_branch" {
  description = "Branch built by default."
  type        = string
}

variable "api_repository_url" {
  description = "ECR repository of the API image."
  type        = string
}

variable "importer_repository_url" {
  description = "ECR repository of the importer image."
  type        = string
}

variable "cluster_name" {
  description = "ECS cluster."
  type        = string
}

variable "web_service_name" {
  description = "ECS service CodeDeploy deploys."
  type        = string
}

variable "jobs_service_name" {
  description = "ECS service of the worker."
  type        = string
}

variable "web_family" {
  description = "Task definition family of the web tasks."
  type        = string
}

variable "importer_family" {
  description = "Task definition family of the importer."
  type        = string
}

variable "app_port" {
  description = "Port of the web container."
  type        = number
}

variable "https_listener_arn" {
  description = "Listener CodeDeploy switches between blue and green."
  type        = string
}

variable "target_group_names" {
  description = "Blue and green target groups, by colour."
  type        = map(string)
}

variable "deployment_bucket" {
  description = "Bucket of the pipeline's artifacts."
  type        = string
}

variable "log_group_name" {
  description = "Log group of the builds."
  type        = string
}

variable "docker_hub_parameter_name" {
  description = "SSM parameter of the Docker Hub credentials."
  type        = string
}

variable "codebuild_role_arn" {
  description = "Role of the CodeBuild projects."
  type        = string
}

variable "codepipeline_role_arn" {
  description = "Role of the pipeline."
  type        = string
}

variable "codedeploy_role_arn" {
  description = "Role of CodeDeploy."
  type        = string
}
