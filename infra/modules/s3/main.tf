data "aws_caller_identity" "current" {}

data "aws_elb_service_account" "current" {}
