output "schedule_arn" {
  description = "The daily importer schedule."
  value       = aws_scheduler_schedule.importer.arn
}
