# Who may talk to whom: CloudFront reaches the load balancer only; the load balancer reaches
# the web tasks only; the tasks reach the database; nothing else reaches the database.

# The addresses CloudFront connects to origins from, kept current by AWS.
data "aws_ec2_managed_prefix_list" "cloudfront" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "Load balancer: HTTPS from CloudFront"
  vpc_id      = var.vpc_id
}

resource "aws_security_group" "web" {
  name        = "${var.name}-web"
  description = "Web tasks: the app port from the load balancer only"
  vpc_id      = var.vpc_id
}

resource "aws_security_group" "jobs" {
  name        = "${var.name}-jobs"
  description = "Worker and one-off tasks (migrations): no inbound traffic"
  vpc_id      = var.vpc_id
}

resource "aws_security_group" "importer" {
  name        = "${var.name}-importer"
  description = "Importer task: no inbound traffic"
  vpc_id      = var.vpc_id
}

resource "aws_security_group" "database" {
  name        = "${var.name}-database"
  description = "PostgreSQL: from the tasks only"
  vpc_id      = var.vpc_id
}

# Load balancer: HTTPS from CloudFront only, so viewers cannot go around the site distribution
# (nor send the API a CloudFront-Viewer-Address of their own making). The prefix list is all of
# CloudFront's, not only this account's distributions. One rule: the prefix list weighs 55 of a
# security group's 60 rules, leaving no room for port 80; CloudFront redirects viewers to HTTPS
# itself and reads the origin over HTTPS only, so the port 80 listener (a redirect) stays only
# as the answer should port 80 ever be opened again.
resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from CloudFront"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront.id
}

resource "aws_vpc_security_group_egress_rule" "alb_to_web" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the web tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
  referenced_security_group_id = aws_security_group.web.id
}

# Web tasks.
resource "aws_vpc_security_group_ingress_rule" "web_from_alb" {
  security_group_id            = aws_security_group.web.id
  description                  = "From the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
  referenced_security_group_id = aws_security_group.alb.id
}

# The tasks call the internet (ECR, FAA and weather downloads, Secrets Manager, Sentry, SMTP):
# without a NAT gateway or proxy there is no narrower destination to name.
resource "aws_vpc_security_group_egress_rule" "tasks_to_internet" {
  for_each = {
    web      = aws_security_group.web.id
    jobs     = aws_security_group.jobs.id
    importer = aws_security_group.importer.id
  }

  security_group_id = each.value
  description       = "Everything out (HTTPS APIs, ECR, SMTP, PostgreSQL)"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# Database: PostgreSQL from the three task groups, nothing else.
resource "aws_vpc_security_group_ingress_rule" "database_from_tasks" {
  for_each = {
    web      = aws_security_group.web.id
    jobs     = aws_security_group.jobs.id
    importer = aws_security_group.importer.id
  }

  security_group_id            = aws_security_group.database.id
  description                  = "PostgreSQL from the ${each.key} tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
  referenced_security_group_id = each.value
}
