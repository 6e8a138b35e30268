variable "name" {
  description = "Name prefix of the security groups."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the security groups."
  type        = string
}

variable "app_port" {
  description = "Port the web containers listen on."
  type        = number
}

variable "database_port" {
  description = "PostgreSQL port."
  type        = number
  default     = 5432
}
