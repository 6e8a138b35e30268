output "pipeline_name" {
  description = "The pipeline pirep deploy starts."
  value       = aws_codepipeline.this.name
}

output "codestar_connection_arn" {
  description = "GitHub connection (confirm it once in the console)."
  value       = aws_codestarconnections_connection.github.arn
}
