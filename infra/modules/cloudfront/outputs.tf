output "distribution_arn" {
  description = "The distribution (the assets bucket lets it read)."
  value       = aws_cloudfront_distribution.tiles.arn
}

output "domain_name" {
  description = "DNS name of the distribution."
  value       = aws_cloudfront_distribution.tiles.domain_name
}

output "hosted_zone_id" {
  description = "Hosted zone of the distribution's DNS name."
  value       = aws_cloudfront_distribution.tiles.hosted_zone_id
}
