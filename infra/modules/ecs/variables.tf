variable "name" {
  description = "Name prefix of the services and task families (<name>-web, <name>-jobs)."
  type        = string
}

variable "cluster_name" {
  description = "Name of the ECS cluster."
  type        = string
}

variable "importer_family" {
  description = "Task definition family of the importer."
  type        = string
}

variable "region" {
  description = "AWS region (of the log groups)."
  type        = string
}

variable "api_image" {
  description = "Image of the web, jobs and migration tasks (the pipeline deploys newer ones)."
  type        = string
}

variable "importer_image" {
  description = "Image of the importer task."
  type        = string
}

variable "app_port" {
  description = "Port the web containers listen on."
  type        = number
}

variable "web_workers" {
  description = "Server processes per web task (pirep serve --workers)."
  type        = number
  default     = 2
}

variable "web_cpu" {
  description = "CPU units of a web task (1024 = 1 vCPU)."
  type        = number
  default     = 512
}

variable "web_memory" {
  description = "Memory of a web task (MiB)."
  type        = number
  default     = 1024
}

variable "jobs_cpu" {
  description = "CPU units of a worker task."
  type        = number
  default     = 256
}

variable "jobs_memory" {
  description = "Memory of a worker task (MiB)."
  type        = number
  default     = 1024
}

variable "importer_cpu" {
  description = "CPU units of the importer task."
  type        = number
  default     = 4096
}

variable "importer_memory" {
  description = "Memory of the importer task (MiB)."
  type        = number
  default     = 16384
}

variable "importer_storage_gib" {
  description = "Ephemeral storage of the importer task (GiB, 21 to 200)."
  type        = number
  default     = 120
}

variable "web_desired_count" {
  description = "Web tasks."
  type        = number
  default     = 1
}

variable "jobs_desired_count" {
  description = "Worker tasks."
  type        = number
  default     = 1
}

variable "subnet_ids" {
  description = "Subnets of the tasks."
  type        = list(string)
}

variable "web_security_group_id" {
  description = "Security group of the web tasks."
  type        = string
}

variable "jobs_security_group_id" {
  description = "Security group of the worker (and of the tasks started like it)."
  type        = string
}

variable "target_group_arn" {
  description = "Target group the web service starts in (blue)."
  type        = string
}

variable "execution_role_arn" {
  description = "ECS execution role."
  type        = string
}

variable "web_task_role_arn" {
  description = "Task role of the web tasks."
  type        = string
}

variable "jobs_task_role_arn" {
  description = "Task role of the worker."
  type        = string
}

variable "importer_task_role_arn" {
  description = "Task role of the importer."
  type        = string
}

variable "log_group_names" {
  description = "Log groups by use (web, jobs, importer)."
  type        = map(string)
}

variable "environment" {
  description = "Plain settings (PIREP_* name => value) of every task."
  type        = map(string)
}

variable "static_secret_arn" {
  description = "Secret built by Terraform."
  type        = string
}

variable "static_secret_keys" {
  description = "Keys of the static secret, each an environment variable."
  type        = list(string)
}

variable "dynamic_secret_arn" {
  description = "Secret filled by hand."
  type        = string
}

variable "dynamic_secret_keys" {
  description = "Keys of the dynamic secret, each an environment variable."
  type        = list(string)
}
