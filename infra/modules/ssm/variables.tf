variable "name" {
  description = "Name prefix of the parameters (/<name>/...)."
  type        = string
}
