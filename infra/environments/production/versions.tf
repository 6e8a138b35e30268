terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # The state lives in an S3 bucket made by hand once, outside this configuration.
  # Replace the placeholders, or leave them and pass them at init time:
  #   terraform init -backend-config="bucket=my-state-bucket" -backend-config="region=us-west-2"
  backend "s3" {
    bucket       = "REPLACE-ME-terraform-state"
    key          = "pirep/production.tfstate"
    region       = "us-west-2"
    encrypt      = true
    use_lockfile = true
  }
}
