# PostgreSQL 16 for Pirep (the migrations create the PostGIS extension, which RDS ships).
# Private subnets only, SSL forced, encrypted, backed up daily, protected from deletion.
#
# Re-creating the database from a backup: set var.snapshot_identifier to a snapshot name
# (e.g. the final snapshot), set deletion_protection to false below for one apply, then apply
# again with it true:
# Terraform replaces the instance by one restored from the snapshot.

resource "random_password" "master" {
  length  = 40
  special = false # Goes into a URL unescaped.
}

resource "aws_db_subnet_group" "this" {
  name       = var.identifier
  subnet_ids = var.subnet_ids
}

resource "aws_db_parameter_group" "this" {
  name   = "${var.identifier}-postgres16"
  family = "postgres16"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_db_instance" "this" {
  identifier     = var.identifier
  engine         = "postgres"
  engine_version = "16"
  instance_class = var.instance_class

  db_name  = var.database_name
  username = var.username
  password = random_password.master.result
  port     = var.port

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [var.security_group_id]
  publicly_accessible    = false
  parameter_group_name   = aws_db_parameter_group.this.name

  snapshot_identifier       = var.snapshot_identifier
  backup_retention_period   = var.backup_retention_days
  backup_window             = "10:00-10:30"
  maintenance_window        = "sun:11:00-sun:11:30"
  copy_tags_to_snapshot     = true
  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${var.identifier}-final"

  auto_minor_version_upgrade          = true
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  performance_insights_enabled        = var.performance_insights
  monitoring_interval                 = 0
  apply_immediately                   = false
}
