variable "name" {
  description = "Name prefix of the secrets (<name>-static, <name>-dynamic)."
  type        = string
}

variable "static_values" {
  description = "Settings (PIREP_* name => value) written into the static secret."
  type        = map(string)
  sensitive   = true
}

variable "dynamic_initial_values" {
  description = "Settings (PIREP_* name => value) of the dynamic secret, with the values it is created with; set by hand afterwards."
  type        = map(string)
}
