variable "name" {
  description = "Name prefix of the secrets (<name>-static, <name>-dynamic)."
  type        = string
}

variable "static_values" {
  description = "Settings (PIREP_* name => value) written into the static secret."
  type        = map(string)
  sensitive   = true
}

variable "dynamic_keys" {
  description = "Settings (PIREP_* names) of the dynamic secret, created empty and set by hand."
  type        = list(string)
}
