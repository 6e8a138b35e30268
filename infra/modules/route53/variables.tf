variable "domain" {
  description = "Domain of the existing public hosted zone."
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

variable "cloudfront_domain_name" {
  description = "DNS name of the CloudFront distribution."
  type        = string
}

variable "cloudfront_zone_id" {
  description = "Hosted zone of the CloudFront distribution's DNS name."
  type        = string
}
