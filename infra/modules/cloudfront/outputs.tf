output "tiles_distribution_arn" {
  description = "The tiles distribution (the assets bucket lets it read)."
  value       = aws_cloudfront_distribution.tiles.arn
}

output "tiles_domain_name" {
  description = "DNS name of the tiles distribution."
  value       = aws_cloudfront_distribution.tiles.domain_name
}

output "tiles_hosted_zone_id" {
  description = "Hosted zone of the tiles distribution's DNS name."
  value       = aws_cloudfront_distribution.tiles.hosted_zone_id
}

output "site_domain_name" {
  description = "DNS name of the site distribution."
  value       = aws_cloudfront_distribution.site.domain_name
}

output "site_hosted_zone_id" {
  description = "Hosted zone of the site distribution's DNS name."
  value       = aws_cloudfront_distribution.site.hosted_zone_id
}
