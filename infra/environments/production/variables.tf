variable "region" {
  description = "AWS region of everything but the CloudFront certificate."
  type        = string
  default     = "us-west-2"
}

variable "environment" {
  description = "Environment name; with \"pirep\" it makes the prefix of every name (pirep-production)."
  type        = string
  default     = "production"
}

variable "domain" {
  description = "Domain of an existing Route53 public hosted zone; the site answers on it and on www."
  type        = string
}

variable "bucket_suffix" {
  description = "Appended to every bucket name when the plain names are taken (S3 names are global), e.g. \"-a1b2\"."
  type        = string
  default     = ""
}

variable "github_repository" {
  description = "GitHub repository the pipeline builds, as owner/name."
  type        = string
}

variable "github_branch" {
  description = "Branch the pipeline builds (pirep deploy --branch changes it for one run)."
  type        = string
  default     = "main"
}

variable "smtp_host" {
  description = "SMTP server for mails (e.g. email-smtp.us-west-2.amazonaws.com); its password goes into the dynamic secret."
  type        = string
  default     = ""
}

variable "smtp_username" {
  description = "SMTP user name."
  type        = string
  default     = ""
}

variable "mail_from" {
  description = "Sender of the mails."
  type        = string
  default     = "Pirep <no-reply@pirep.io>"
}

variable "alarm_email" {
  description = "Address the CloudWatch alarms mail (confirm the subscription); empty: alarms without notification."
  type        = string
  default     = ""
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.small"
}

variable "db_snapshot_identifier" {
  description = "RDS snapshot to re-create the database from (see infra/README.md); null: a new, empty database."
  type        = string
  default     = null
}

variable "web_desired_count" {
  description = "Web tasks behind the load balancer."
  type        = number
  default     = 1
}

variable "jobs_desired_count" {
  description = "Worker tasks (pirep worker)."
  type        = number
  default     = 1
}

variable "importer_schedule" {
  description = "When the importer task starts (EventBridge Scheduler expression, UTC); it exits at once when no product has a new cycle."
  type        = string
  default     = "cron(30 9 * * ? *)"
}
