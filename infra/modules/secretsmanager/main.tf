# Two secrets, both read by the task definitions (`secrets`, one environment variable per key):
# - static: built by Terraform from what it created (database URL with its password, buckets,
#   URLs); changes with an apply, read by the tasks when they start;
# - dynamic: created with its initial values (placeholders the API refuses in production for
#   the required keys, empty for the optional ones) and filled by hand (aws secretsmanager
#   put-secret-value); Terraform never overwrites it.

resource "aws_secretsmanager_secret" "static" {
  name                    = "${var.name}-static"
  description             = "Pirep settings made by Terraform"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "static" {
  secret_id     = aws_secretsmanager_secret.static.id
  secret_string = jsonencode(var.static_values)
}

resource "aws_secretsmanager_secret" "dynamic" {
  name                    = "${var.name}-dynamic"
  description             = "Pirep settings set by hand: ${join(", ", keys(var.dynamic_initial_values))}"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "dynamic" {
  secret_id     = aws_secretsmanager_secret.dynamic.id
  secret_string = jsonencode(var.dynamic_initial_values)

  lifecycle {
    ignore_changes = [secret_string]
  }
}
