variable "name" {
  description = "Name prefix of the schedule."
  type        = string
}

variable "schedule_expression" {
  description = "When the importer starts (cron() or rate(), UTC)."
  type        = string
}

variable "cluster_arn" {
  description = "ECS cluster of the importer task."
  type        = string
}

variable "importer_task_definition_arn" {
  description = "The importer's task definition, without a revision."
  type        = string
}

variable "role_arn" {
  description = "Role allowed to run the importer task and pass its roles."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the task."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the importer task."
  type        = string
}
