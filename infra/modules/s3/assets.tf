# Tiles, diagrams, photos and content packs, all under var.storage_prefix ("content/"), read
# through CloudFront only (origin access control).

resource "aws_s3_bucket" "assets" {
  bucket = "${var.name}-assets${var.bucket_suffix}"
}

resource "aws_s3_bucket_public_access_block" "assets" {
  bucket                  = aws_s3_bucket.assets.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "assets" {
  bucket = aws_s3_bucket.assets.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# Versioned so that a replaced or deleted photo can be brought back for a while.
resource "aws_s3_bucket_versioning" "assets" {
  bucket = aws_s3_bucket.assets.id

  versioning_configuration {
    status = "Enabled"
  }
}

# Each chart and diagram cycle (every 28 or 56 days) is written under a new date
# (content/tiles/<cycle>/…, content/diagrams/<cycle>/…, content packs by month) and nothing
# reads the old ones once the next is active: they expire after var.old_cycle_days. Photos (content/photos/) are kept; anything
# overwritten or deleted under content/ goes after var.noncurrent_days.
resource "aws_s3_bucket_lifecycle_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id

  rule {
    id     = "content-noncurrent-versions"
    status = "Enabled"

    filter {
      prefix = var.storage_prefix
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_days
    }

    expiration {
      expired_object_delete_marker = true
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 2
    }
  }

  dynamic "rule" {
    for_each = var.cycle_directories

    content {
      id     = "content-old-${rule.value}"
      status = "Enabled"

      filter {
        prefix = "${var.storage_prefix}${rule.value}/"
      }

      expiration {
        days = var.old_cycle_days
      }

      abort_incomplete_multipart_upload {
        days_after_initiation = 2
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.assets]
}

resource "aws_s3_bucket_policy" "assets" {
  bucket = aws_s3_bucket.assets.id
  policy = data.aws_iam_policy_document.assets.json

  depends_on = [aws_s3_bucket_public_access_block.assets]
}

data "aws_iam_policy_document" "assets" {
  statement {
    sid       = "CloudFrontReadsContent"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.assets.arn}/${var.storage_prefix}*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [var.cloudfront_distribution_arn]
    }
  }

  statement {
    sid       = "TlsOnly"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.assets.arn, "${aws_s3_bucket.assets.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
