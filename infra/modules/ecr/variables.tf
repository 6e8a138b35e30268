variable "name" {
  description = "Name prefix of the repositories (<name>-api, <name>-importer)."
  type        = string
}

variable "images_kept" {
  description = "Images kept in each repository."
  type        = number
  default     = 10
}
