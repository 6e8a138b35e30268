module "project" {
  source = "../../modules/project"

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name_prefix            = "pirep-${var.environment}"
  environment            = var.environment
  region                 = var.region
  domain                 = var.domain
  bucket_suffix          = var.bucket_suffix
  github_repository      = var.github_repository
  github_branch          = var.github_branch
  smtp_host              = var.smtp_host
  smtp_username          = var.smtp_username
  mail_from              = var.mail_from
  alarm_email            = var.alarm_email
  db_instance_class      = var.db_instance_class
  db_snapshot_identifier = var.db_snapshot_identifier
  web_desired_count      = var.web_desired_count
  jobs_desired_count     = var.jobs_desired_count
  importer_schedule      = var.importer_schedule
}
