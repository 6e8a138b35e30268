variable "name" {
  description = "Name of the load balancer (and prefix of its target groups)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the target groups."
  type        = string
}

variable "subnet_ids" {
  description = "Public subnets of the load balancer."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the load balancer."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate of the HTTPS listener (same region)."
  type        = string
}

variable "app_port" {
  description = "Port the web containers listen on."
  type        = number
}

variable "logs_bucket" {
  description = "Bucket of the access logs."
  type        = string
}
