# Who may talk to whom: the internet reaches the load balancer only; the load balancer reaches
# the web tasks only; the tasks reach the database; nothing else reaches the database.

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "Load balancer: HTTP and HTTPS from the internet"
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

# Load balancer. Port 80 only answers a redirect to HTTPS.
resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  for_each = toset(["0.0.0.0/0", "::/0"])

  security_group_id = aws_security_group.alb.id
  description       = "HTTP (redirected to HTTPS)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = strcontains(each.value, ":") ? null : each.value
  cidr_ipv6         = strcontains(each.value, ":") ? each.value : null
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  for_each = toset(["0.0.0.0/0", "::/0"])

  security_group_id = aws_security_group.alb.id
  description       = "HTTPS"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = strcontains(each.value, ":") ? null : each.value
  cidr_ipv6         = strcontains(each.value, ":") ? each.value : null
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
