# The hosted zone exists already (it is where the domain was registered or delegated).
data "aws_route53_zone" "this" {
  name         = var.domain
  private_zone = false
}

# The site (apex and www) goes straight to the load balancer: the API takes the client's
# address from the load balancer's X-Forwarded-For (rate limits, anonymous writers).
# IPv4 only: the VPC has no IPv6 range.
resource "aws_route53_record" "site" {
  for_each = toset([var.domain, "www.${var.domain}"])

  zone_id = data.aws_route53_zone.this.zone_id
  name    = each.value
  type    = "A"

  alias {
    name                   = var.alb_dns_name
    zone_id                = var.alb_zone_id
    evaluate_target_health = true
  }
}

# Tiles, diagrams and photos come from CloudFront.
resource "aws_route53_record" "assets" {
  for_each = toset(["A", "AAAA"])

  zone_id = data.aws_route53_zone.this.zone_id
  name    = var.assets_hostname
  type    = each.value

  alias {
    name                   = var.cloudfront_domain_name
    zone_id                = var.cloudfront_zone_id
    evaluate_target_health = false
  }
}
