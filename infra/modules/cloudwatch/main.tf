resource "aws_cloudwatch_log_group" "this" {
  for_each = {
    web       = "/ecs/${var.name}/web"
    jobs      = "/ecs/${var.name}/jobs"
    importer  = "/ecs/${var.name}/importer"
    codebuild = "/codebuild/${var.name}"
  }

  name              = each.value
  retention_in_days = var.retention_days
}

# Alarms mail var.alarm_email when it is set; otherwise they only show in the console.
resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = "alias/aws/sns"
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == "" ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_cloudwatch_metric_alarm" "web_5xx" {
  alarm_name          = "${var.name}-web-5xx"
  alarm_description   = "The web tasks answered more than ${var.max_5xx_per_5_minutes} 5xx in 5 minutes"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  dimensions          = { LoadBalancer = var.alb_arn_suffix }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.max_5xx_per_5_minutes
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

# One alarm per colour: only the live group has targets, the idle one reports nothing.
resource "aws_cloudwatch_metric_alarm" "unhealthy_hosts" {
  for_each = var.target_group_arn_suffixes

  alarm_name          = "${var.name}-web-${each.key}-unhealthy"
  alarm_description   = "A web task of the ${each.key} group fails its health check (/health)"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  dimensions          = { LoadBalancer = var.alb_arn_suffix, TargetGroup = each.value }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}
