variable "domain" {
  description = "Domain of the certificate (its subdomains are included)."
  type        = string
}

variable "zone_id" {
  description = "Route53 zone where the validation records go."
  type        = string
}
