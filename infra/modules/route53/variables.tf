variable "domain" {
  description = "Domain of the existing public hosted zone."
  type        = string
}

variable "site_hostnames" {
  description = "Host names of the site (the domain and www.<domain>)."
  type        = list(string)
}

variable "origin_hostname" {
  description = "Host name of the load balancer, read by the site distribution (origin.<domain>)."
  type        = string
}

variable "assets_hostname" {
  description = "Host name of the CloudFront distribution of tiles and other stored files."
  type        = string
}

variable "alb_dns_name" {
  description = "DNS name of the load balancer."
  type        = string
}

variable "alb_zone_id" {
  description = "Hosted zone of the load balancer's DNS name."
  type        = string
}

variable "site_cloudfront_domain_name" {
  description = "DNS name of the site distribution."
  type        = string
}

variable "site_cloudfront_zone_id" {
  description = "Hosted zone of the site distribution's DNS name."
  type        = string
}

variable "tiles_cloudfront_domain_name" {
  description = "DNS name of the tiles distribution."
  type        = string
}

variable "tiles_cloudfront_zone_id" {
  description = "Hosted zone of the tiles distribution's DNS name."
  type        = string
}
