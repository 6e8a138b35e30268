variable "name" {
  description = "Name prefix (log groups /ecs/<name>/web|jobs|importer, /codebuild/<name>)."
  type        = string
}

variable "retention_days" {
  description = "How long logs are kept."
  type        = number
  default     = 30
}

variable "alarm_email" {
  description = "Address the alarms mail; empty: none."
  type        = string
  default     = ""
}

variable "alb_arn_suffix" {
  description = "The load balancer in CloudWatch metrics."
  type        = string
}

variable "target_group_arn_suffixes" {
  description = "Target groups in CloudWatch metrics, by colour."
  type        = map(string)
}

variable "max_5xx_per_5_minutes" {
  description = "5xx answers in 5 minutes above which the alarm goes off."
  type        = number
  default     = 10
}
