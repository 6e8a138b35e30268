# Pirep on AWS: Route53 → CloudFront (the site) → ALB → ECS Fargate web tasks; a worker service;
# the importer as a one-off task (admin API or daily schedule); RDS PostgreSQL; S3 behind a
# second CloudFront distribution for tiles, diagrams and photos; CodePipeline → CodeBuild →
# CodeDeploy blue/green.
# The names are those the Python settings assume (PIREP_ECS_CLUSTER and the rest).

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  name            = var.name_prefix # pirep-production
  cluster_name    = local.name
  web_service     = "${local.name}-web"
  jobs_service    = "${local.name}-jobs"
  web_family      = "${local.name}-web"
  importer_family = "${local.name}-importer"
  app_port        = 8000
  storage_prefix  = "content/"
  site_url        = "https://${var.domain}"
  site_hostnames  = [var.domain, "www.${var.domain}"]
  origin_hostname = "origin.${var.domain}"
  assets_hostname = "tiles.${var.domain}"
  assets_url      = "https://${local.assets_hostname}"

  # Plain settings of every task (see api/core/settings.py); SMTP only when configured
  # (without it mails go to the log).
  environment = merge(local.settings, var.smtp_host == "" ? {} : {
    PIREP_SMTP_HOST     = var.smtp_host
    PIREP_SMTP_USERNAME = var.smtp_username
  })
  settings = {
    PIREP_ENVIRONMENT              = var.environment
    PIREP_TASK_RUNNER              = "ecs"
    PIREP_AWS_REGION               = var.region
    PIREP_ECS_CLUSTER              = local.cluster_name
    PIREP_ECS_WEB_SERVICE          = local.web_service
    PIREP_ECS_JOBS_SERVICE         = local.jobs_service
    PIREP_ECS_IMPORTER_TASK_FAMILY = local.importer_family
    PIREP_DEPLOY_PIPELINE          = local.name
    PIREP_STORAGE_PREFIX           = local.storage_prefix
    # Requests come from the load balancer, whose addresses are in the VPC; behind it, the
    # site distribution puts the viewer's address in CloudFront-Viewer-Address, which the
    # API believes only from those trusted addresses.
    PIREP_TRUSTED_PROXIES  = jsonencode([module.vpc.cidr_block])
    PIREP_CLIENT_IP_HEADER = "CloudFront-Viewer-Address"
    PIREP_MAIL_FROM        = var.mail_from
  }

  # Settings Terraform knows, in the static secret (the database URL holds the password).
  static_secret = {
    PIREP_DATABASE_URL   = module.rds.url
    PIREP_STORAGE_BUCKET = module.s3.assets_bucket
    PIREP_ASSETS_URL     = local.assets_url
    PIREP_PUBLIC_URL     = local.site_url
    PIREP_BACKUPS_BUCKET = module.s3.backups_bucket
    PIREP_RDS_INSTANCE   = module.rds.identifier
  }

  # Settings set by hand in the dynamic secret, with the values it is created with. The
  # Turnstile keys are required in production and start as a placeholder the API refuses:
  # the tasks do not start until an operator puts the real keys in. An empty value turns an
  # optional setting off.
  dynamic_secret = {
    PIREP_TURNSTILE_SITE_KEY   = "REPLACE_ME"
    PIREP_TURNSTILE_SECRET_KEY = "REPLACE_ME"
    PIREP_SMTP_PASSWORD        = ""
    PIREP_SENTRY_DSN           = ""
    PIREP_FRONTEND_SENTRY_DSN  = ""
    PIREP_MAXMIND_LICENSE_KEY  = ""
    PIREP_GOOGLE_API_KEY       = ""
    PIREP_MAP_STYLE_URL        = ""
  }
}

module "vpc" {
  source = "../vpc"

  name               = local.name
  region             = var.region
  availability_zones = ["${var.region}a", "${var.region}b"]
}

module "security_groups" {
  source = "../security_groups"

  name     = local.name
  vpc_id   = module.vpc.vpc_id
  app_port = local.app_port
}

module "route53" {
  source = "../route53"

  domain                       = var.domain
  site_hostnames               = local.site_hostnames
  origin_hostname              = local.origin_hostname
  assets_hostname              = local.assets_hostname
  alb_dns_name                 = module.load_balancer.dns_name
  alb_zone_id                  = module.load_balancer.zone_id
  site_cloudfront_domain_name  = module.cloudfront.site_domain_name
  site_cloudfront_zone_id      = module.cloudfront.site_hosted_zone_id
  tiles_cloudfront_domain_name = module.cloudfront.tiles_domain_name
  tiles_cloudfront_zone_id     = module.cloudfront.tiles_hosted_zone_id
}

module "acm" {
  source = "../acm"

  domain  = var.domain
  zone_id = module.route53.zone_id
}

module "acm_us_east_1" {
  source = "../acm"

  providers = {
    aws = aws.us_east_1
  }

  domain  = var.domain
  zone_id = module.route53.zone_id
}

module "s3" {
  source = "../s3"

  name                        = local.name
  bucket_suffix               = var.bucket_suffix
  storage_prefix              = local.storage_prefix
  cloudfront_distribution_arn = module.cloudfront.tiles_distribution_arn
}

module "cloudfront" {
  source = "../cloudfront"

  name                        = local.name
  hostname                    = local.assets_hostname
  site_hostnames              = local.site_hostnames
  origin_hostname             = local.origin_hostname
  certificate_arn             = module.acm_us_east_1.certificate_arn
  bucket_regional_domain_name = module.s3.assets_bucket_regional_domain_name
  storage_prefix              = local.storage_prefix
}

module "load_balancer" {
  source = "../load_balancer"

  name              = local.name
  vpc_id            = module.vpc.vpc_id
  subnet_ids        = module.vpc.public_subnet_ids
  security_group_id = module.security_groups.alb_id
  certificate_arn   = module.acm.certificate_arn
  app_port          = local.app_port
  logs_bucket       = module.s3.logs_bucket
}

module "ecr" {
  source = "../ecr"

  name = local.name
}

module "cloudwatch" {
  source = "../cloudwatch"

  name                      = local.name
  alarm_email               = var.alarm_email
  alb_arn_suffix            = module.load_balancer.arn_suffix
  target_group_arn_suffixes = module.load_balancer.target_group_arn_suffixes
}

module "rds" {
  source = "../rds"

  identifier          = local.name
  subnet_ids          = module.vpc.private_subnet_ids
  security_group_id   = module.security_groups.database_id
  instance_class      = var.db_instance_class
  snapshot_identifier = var.db_snapshot_identifier
}

module "secretsmanager" {
  source = "../secretsmanager"

  name                   = local.name
  static_values          = local.static_secret
  dynamic_initial_values = local.dynamic_secret
}

module "ssm" {
  source = "../ssm"

  name = local.name
}

module "iam" {
  source = "../iam"

  name                     = local.name
  region                   = var.region
  cluster_name             = local.cluster_name
  jobs_service_name        = local.jobs_service
  web_family               = local.web_family
  importer_family          = local.importer_family
  repository_arns          = [module.ecr.api_repository_arn, module.ecr.importer_repository_arn]
  task_log_group_arns      = [for use in ["web", "jobs", "importer"] : module.cloudwatch.log_group_arns[use]]
  codebuild_log_group_arn  = module.cloudwatch.log_group_arns["codebuild"]
  secret_arns              = [module.secretsmanager.static_arn, module.secretsmanager.dynamic_arn]
  assets_bucket_arn        = module.s3.assets_bucket_arn
  storage_prefix           = local.storage_prefix
  backups_bucket_arn       = module.s3.backups_bucket_arn
  deployment_bucket_arn    = module.s3.deployment_bucket_arn
  docker_hub_parameter_arn = module.ssm.docker_hub_credentials_arn
  codestar_connection_arn  = module.codesuite.codestar_connection_arn
}

module "ecs" {
  source = "../ecs"

  name                   = local.name
  cluster_name           = local.cluster_name
  importer_family        = local.importer_family
  region                 = var.region
  api_image              = "${module.ecr.api_repository_url}:latest"
  importer_image         = "${module.ecr.importer_repository_url}:latest"
  app_port               = local.app_port
  web_desired_count      = var.web_desired_count
  jobs_desired_count     = var.jobs_desired_count
  subnet_ids             = module.vpc.public_subnet_ids
  web_security_group_id  = module.security_groups.web_id
  jobs_security_group_id = module.security_groups.jobs_id
  target_group_arn       = module.load_balancer.target_group_arns["blue"]
  execution_role_arn     = module.iam.execution_role_arn
  web_task_role_arn      = module.iam.web_task_role_arn
  jobs_task_role_arn     = module.iam.jobs_task_role_arn
  importer_task_role_arn = module.iam.importer_task_role_arn
  log_group_names        = module.cloudwatch.log_group_names
  environment            = local.environment
  static_secret_arn      = module.secretsmanager.static_arn
  static_secret_keys     = keys(local.static_secret)
  dynamic_secret_arn     = module.secretsmanager.dynamic_arn
  dynamic_secret_keys    = keys(local.dynamic_secret)
}

module "scheduler" {
  source = "../scheduler"

  name                         = local.name
  schedule_expression          = var.importer_schedule
  cluster_arn                  = module.ecs.cluster_arn
  importer_task_definition_arn = "arn:${data.aws_partition.current.partition}:ecs:${var.region}:${data.aws_caller_identity.current.account_id}:task-definition/${module.ecs.importer_family}"
  role_arn                     = module.iam.scheduler_role_arn
  subnet_ids                   = module.vpc.public_subnet_ids
  security_group_id            = module.security_groups.importer_id
}

module "codesuite" {
  source = "../codesuite"

  name                      = local.name
  account_id                = data.aws_caller_identity.current.account_id
  github_repository         = var.github_repository
  github_branch             = var.github_branch
  api_repository_url        = module.ecr.api_repository_url
  importer_repository_url   = module.ecr.importer_repository_url
  cluster_name              = module.ecs.cluster_name
  web_service_name          = module.ecs.web_service_name
  jobs_service_name         = module.ecs.jobs_service_name
  web_family                = module.ecs.web_family
  importer_family           = module.ecs.importer_family
  app_port                  = local.app_port
  https_listener_arn        = module.load_balancer.https_listener_arn
  target_group_names        = module.load_balancer.target_group_names
  deployment_bucket         = module.s3.deployment_bucket
  log_group_name            = module.cloudwatch.log_group_names["codebuild"]
  docker_hub_parameter_name = module.ssm.docker_hub_credentials_name
  codebuild_role_arn        = module.iam.codebuild_role_arn
  codepipeline_role_arn     = module.iam.codepipeline_role_arn
  codedeploy_role_arn       = module.iam.codedeploy_role_arn
}
