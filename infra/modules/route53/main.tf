# The hosted zone exists already (it is where the domain was registered or delegated).
data "aws_route53_zone" "this" {
  name         = var.domain
  private_zone = false
}

# The site (apex and www) is the site distribution, over IPv4 and IPv6.
resource "aws_route53_record" "site" {
  for_each = toset(var.site_hostnames)

  zone_id = data.aws_route53_zone.this.zone_id
  name    = each.value
  type    = "A"

  alias {
    name                   = var.site_cloudfront_domain_name
    zone_id                = var.site_cloudfront_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "site_ipv6" {
  for_each = toset(var.site_hostnames)

  zone_id = data.aws_route53_zone.this.zone_id
  name    = each.value
  type    = "AAAA"

  alias {
    name                   = var.site_cloudfront_domain_name
    zone_id                = var.site_cloudfront_zone_id
    evaluate_target_health = false
  }
}

# The load balancer, under a name its certificate covers, for the site distribution to read.
# Only CloudFront gets in (see the security_groups module). IPv4 only: the VPC has no IPv6 range.
resource "aws_route53_record" "origin" {
  zone_id = data.aws_route53_zone.this.zone_id
  name    = var.origin_hostname
  type    = "A"

  alias {
    name                   = var.alb_dns_name
    zone_id                = var.alb_zone_id
    evaluate_target_health = true
  }
}

# Tiles, diagrams and photos come from the tiles distribution.
resource "aws_route53_record" "assets" {
  for_each = toset(["A", "AAAA"])

  zone_id = data.aws_route53_zone.this.zone_id
  name    = var.assets_hostname
  type    = each.value

  alias {
    name                   = var.tiles_cloudfront_domain_name
    zone_id                = var.tiles_cloudfront_zone_id
    evaluate_target_health = false
  }
}
