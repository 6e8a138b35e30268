variable "name" {
  description = "Name prefix of the network's resources."
  type        = string
}

variable "region" {
  description = "AWS region (for the S3 endpoint's service name)."
  type        = string
}

variable "cidr_block" {
  description = "Address range of the VPC."
  type        = string
  default     = "10.0.0.0/16"
}

variable "availability_zones" {
  description = "The two availability zones of the subnets."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) == 2
    error_message = "Two availability zones."
  }
}
