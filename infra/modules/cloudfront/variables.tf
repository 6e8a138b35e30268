variable "name" {
  description = "Name prefix of the distribution's resources."
  type        = string
}

variable "hostname" {
  description = "Host name of the tiles distribution (tiles.<domain>)."
  type        = string
}

variable "site_hostnames" {
  description = "Host names of the site distribution (the domain and www.<domain>)."
  type        = list(string)
}

variable "origin_hostname" {
  description = "Host name of the load balancer the site distribution reads (origin.<domain>)."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate in us-east-1 covering every host name of both distributions."
  type        = string
}

variable "bucket_regional_domain_name" {
  description = "The assets bucket's regional domain name."
  type        = string
}

variable "storage_prefix" {
  description = "Key prefix of the stored files (the distribution's root)."
  type        = string
}

variable "price_class" {
  description = "CloudFront price class (PriceClass_100: North America and Europe, the cheapest)."
  type        = string
  default     = "PriceClass_100"
}
