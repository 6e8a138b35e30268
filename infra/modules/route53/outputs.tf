output "zone_id" {
  description = "The hosted zone (certificate validation records go there)."
  value       = data.aws_route53_zone.this.zone_id
}
