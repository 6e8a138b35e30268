provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = "pirep"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

# CloudFront only accepts certificates from us-east-1.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = {
      Project     = "pirep"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}
