variable "name" {
  description = "Name prefix of the roles."
  type        = string
}

variable "region" {
  description = "AWS region of the ECS and CodeBuild resources."
  type        = string
}

variable "cluster_name" {
  description = "ECS cluster."
  type        = string
}

variable "jobs_service_name" {
  description = "ECS service of the worker (one-off tasks copy its network configuration)."
  type        = string
}

variable "web_family" {
  description = "Task definition family of the web tasks (migrations run as one of them)."
  type        = string
}

variable "importer_family" {
  description = "Task definition family of the importer."
  type        = string
}

variable "repository_arns" {
  description = "ECR repositories of the images."
  type        = list(string)
}

variable "task_log_group_arns" {
  description = "Log groups the tasks write to."
  type        = list(string)
}

variable "codebuild_log_group_arn" {
  description = "Log group of the CodeBuild projects."
  type        = string
}

variable "secret_arns" {
  description = "Secrets the tasks read their settings from."
  type        = list(string)
}

variable "assets_bucket_arn" {
  description = "Bucket of the stored files."
  type        = string
}

variable "storage_prefix" {
  description = "Key prefix of the stored files; the tasks may write nothing else."
  type        = string
}

variable "backups_bucket_arn" {
  description = "Bucket of the database dumps."
  type        = string
}

variable "deployment_bucket_arn" {
  description = "Bucket of the pipeline's artifacts."
  type        = string
}

variable "docker_hub_parameter_arn" {
  description = "SSM parameter of the Docker Hub credentials."
  type        = string
}

variable "codestar_connection_arn" {
  description = "GitHub connection of the pipeline's source."
  type        = string
}
