# One distribution, on the assets host (tiles.<domain>): the stored files of the assets bucket
# under the storage prefix (tiles, diagrams, photos, content packs), read through an origin
# access control. PIREP_ASSETS_URL points here.
#
# The site itself is not behind CloudFront: the API serves the SPA (its hashed /static/ files
# with an immutable Cache-Control, so browsers keep them) and takes the client's address from
# the load balancer's X-Forwarded-For for rate limits and anonymous writers, which CloudFront in
# front would replace by its edge addresses.

data "aws_cloudfront_cache_policy" "caching_optimized" {
  name = "Managed-CachingOptimized"
}

# CORS (the map fetches tiles from the site's origin) and the usual security headers.
data "aws_cloudfront_response_headers_policy" "cors_and_security" {
  name = "Managed-CORS-and-SecurityHeadersPolicy"
}

resource "aws_cloudfront_origin_access_control" "assets" {
  name                              = "${var.name}-assets"
  description                       = "CloudFront reads the assets bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_distribution" "tiles" {
  comment         = "${var.name} tiles, diagrams and photos"
  enabled         = true
  is_ipv6_enabled = true
  http_version    = "http2and3"
  price_class     = var.price_class
  aliases         = [var.hostname]

  origin {
    origin_id                = "assets"
    domain_name              = var.bucket_regional_domain_name
    origin_path              = "/${trimsuffix(var.storage_prefix, "/")}"
    origin_access_control_id = aws_cloudfront_origin_access_control.assets.id
  }

  default_cache_behavior {
    target_origin_id           = "assets"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.caching_optimized.id
    response_headers_policy_id = data.aws_cloudfront_response_headers_policy.cors_and_security.id
  }

  # A missing tile (S3 answers 403 without list permission, 404 otherwise) is a transparent
  # tile, so the map shows nothing rather than broken images outside a chart's coverage.
  dynamic "custom_error_response" {
    for_each = [403, 404]

    content {
      error_code            = custom_error_response.value
      response_code         = 200
      response_page_path    = var.empty_tile_path
      error_caching_min_ttl = 3600
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = var.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}
