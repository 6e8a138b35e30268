variable "name" {
  description = "Name prefix of the buckets (<name>-assets, -backups, -logs, -deployment)."
  type        = string
}

variable "bucket_suffix" {
  description = "Appended to every bucket name (S3 names are global)."
  type        = string
  default     = ""
}

variable "storage_prefix" {
  description = "Key prefix of the stored files in the assets bucket (PIREP_STORAGE_PREFIX)."
  type        = string
  default     = "content/"
}

variable "cycle_directories" {
  description = "Directories under the storage prefix written anew for each data cycle."
  type        = list(string)
  default     = ["tiles", "diagrams", "content-packs"]
}

variable "old_cycle_days" {
  description = "Days after which a cycle's files expire (charts change every 56 days)."
  type        = number
  default     = 365
}

variable "noncurrent_days" {
  description = "Days an overwritten or deleted stored file can still be restored."
  type        = number
  default     = 30
}

variable "cloudfront_distribution_arn" {
  description = "The CloudFront distribution allowed to read the stored files."
  type        = string
}

variable "backups_days" {
  description = "Days database dumps are kept."
  type        = number
  default     = 180
}

variable "logs_days" {
  description = "Days access logs are kept."
  type        = number
  default     = 90
}
