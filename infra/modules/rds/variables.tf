variable "identifier" {
  description = "RDS instance identifier (pirep db snapshot uses it)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the database."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the database."
  type        = string
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.small"
}

variable "database_name" {
  description = "Name of the database."
  type        = string
  default     = "pirep"
}

variable "username" {
  description = "Master user name."
  type        = string
  default     = "pirep"
}

variable "port" {
  description = "PostgreSQL port."
  type        = number
  default     = 5432
}

variable "allocated_storage" {
  description = "Storage at creation (GiB)."
  type        = number
  default     = 50
}

variable "max_allocated_storage" {
  description = "Storage autoscaling limit (GiB)."
  type        = number
  default     = 200
}

variable "backup_retention_days" {
  description = "Days the automated backups are kept."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 7
    error_message = "Keep the backups for at least 7 days."
  }
}

variable "snapshot_identifier" {
  description = "Snapshot to create the database from; null: an empty database."
  type        = string
  default     = null
}

variable "performance_insights" {
  description = "Performance Insights (free tier: 7 days; not on the smallest classes)."
  type        = bool
  default     = false
}
