# Two distributions:
# - site (apex and www): the SPA and the API, from the load balancer at origin.<domain>. Pages
#   and /api/* are never cached (the API renders per-airport meta tags and answers per user);
#   /static/* (the SPA's hashed, immutable files) is. The client's address reaches the API in
#   CloudFront-Viewer-Address (see the origin request policy).
# - tiles (tiles.<domain>): the stored files of the assets bucket under the storage prefix
#   (chart archives, offline packs, diagrams, photos, content packs), read through an origin
#   access control. Maps read the PMTiles archives by byte ranges: CloudFront answers a
#   `Range` request 206 from its cache or S3's, and a missing file is a plain 403/404, which a
#   PMTiles reader needs to tell from an archive.
#   PIREP_ASSETS_URL points here, so the site distribution has no /assets/* behaviour: the API
#   only serves /assets itself when PIREP_ASSETS_URL is unset (local development).

data "aws_cloudfront_cache_policy" "caching_optimized" {
  name = "Managed-CachingOptimized"
}

data "aws_cloudfront_cache_policy" "caching_disabled" {
  name = "Managed-CachingDisabled"
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

# What the API needs from the viewer's request: every cookie (session), every query string,
# every header (Authorization, the CSRF header, Accept-Language…) and CloudFront-Viewer-Address,
# the client's address for rate limits and anonymous writers (PIREP_CLIENT_IP_HEADER).
# The managed AllViewerExceptHostHeader policy sends no CloudFront-* header, hence this one.
# The viewer's Host goes through too; the load balancer's certificate covers the apex and
# *.<domain>, so CloudFront's check of it against that Host passes.
resource "aws_cloudfront_origin_request_policy" "api" {
  name    = "${var.name}-api"
  comment = "Everything the viewer sent, and the viewer's address"

  cookies_config {
    cookie_behavior = "all"
  }

  query_strings_config {
    query_string_behavior = "all"
  }

  headers_config {
    header_behavior = "allViewerAndWhitelistCloudFront"

    headers {
      items = ["CloudFront-Viewer-Address"]
    }
  }
}

# The API sets its own security headers (CSP, HSTS…) and they win (no override): this only
# fills them in where the API did not answer (CloudFront's own error pages, 502 and 504).
resource "aws_cloudfront_response_headers_policy" "site" {
  name    = "${var.name}-site"
  comment = "The API's security headers where the API did not answer"

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      override                   = false
    }

    content_type_options {
      override = false
    }

    frame_options {
      frame_option = "DENY"
      override     = false
    }

    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = false
    }
  }
}

resource "aws_cloudfront_distribution" "site" {
  comment         = "${var.name} site: the SPA and the API"
  enabled         = true
  is_ipv6_enabled = true
  http_version    = "http2and3"
  price_class     = var.price_class
  aliases         = var.site_hostnames

  # The load balancer admits CloudFront only (see the security_groups module).
  origin {
    origin_id   = "alb"
    domain_name = var.origin_hostname

    custom_origin_config {
      http_port                = 80
      https_port               = 443
      origin_protocol_policy   = "https-only"
      origin_ssl_protocols     = ["TLSv1.2"]
      origin_read_timeout      = 60
      origin_keepalive_timeout = 5
    }
  }

  # The API: never cached, every method.
  ordered_cache_behavior {
    path_pattern               = "/api/*"
    target_origin_id           = "alb"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.caching_disabled.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.site.id
    origin_request_policy_id   = aws_cloudfront_origin_request_policy.api.id
  }

  # The SPA's hashed files: the same name is always the same content.
  ordered_cache_behavior {
    path_pattern               = "/static/*"
    target_origin_id           = "alb"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.caching_optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.site.id
  }

  # Everything else (SPA pages such as /airports/KPAE with their meta tags, sitemap, robots,
  # /health): rendered by the API for each request.
  default_cache_behavior {
    target_origin_id           = "alb"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.caching_disabled.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.site.id
    origin_request_policy_id   = aws_cloudfront_origin_request_policy.api.id
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
