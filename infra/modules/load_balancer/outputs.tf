output "arn" {
  description = "The load balancer."
  value       = aws_lb.this.arn
}

output "arn_suffix" {
  description = "The load balancer's name in CloudWatch metrics."
  value       = aws_lb.this.arn_suffix
}

output "dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Hosted zone of the load balancer's DNS name."
  value       = aws_lb.this.zone_id
}

output "https_listener_arn" {
  description = "The production listener CodeDeploy switches."
  value       = aws_lb_listener.https.arn
}

output "target_group_names" {
  description = "Blue and green target group names, by colour."
  value       = { for colour, group in aws_lb_target_group.web : colour => group.name }
}

output "target_group_arns" {
  description = "Blue and green target group ARNs, by colour."
  value       = { for colour, group in aws_lb_target_group.web : colour => group.arn }
}

output "target_group_arn_suffixes" {
  description = "Blue and green target groups in CloudWatch metrics, by colour."
  value       = { for colour, group in aws_lb_target_group.web : colour => group.arn_suffix }
}
