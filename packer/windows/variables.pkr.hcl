variable "region" {
  type        = string
  default     = "us-east-1"
  description = "Region the image is built in (and its SSM parameter written to)."
}

variable "copy_to_regions" {
  type        = list(string)
  default     = []
  description = "Further regions the AMI is copied to; each gets its own SSM parameter."
}

variable "instance_type" {
  type    = string
  default = "m7i.large"
}

variable "subnet_id" {
  type        = string
  default     = ""
  description = "Subnet of the build instance; empty for the default VPC."
}

variable "runner_version" {
  type        = string
  default     = "2.329.0"
  description = "GitHub Actions runner version baked in."
  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.runner_version))
    error_message = "The runner_version must look like 2.329.0."
  }
}

# The SHA-256 GitHub publishes with the release ("BEGIN SHA win-x64"); change it together with
# runner_version.
variable "runner_sha256" {
  type    = string
  default = "f60be5ddf373c52fd735388c3478536afd12bfd36d1d0777c6b855b758e70f25"
  validation {
    condition     = can(regex("^[0-9a-f]{64}$", var.runner_sha256))
    error_message = "The runner_sha256 must be 64 lower-case hex digits."
  }
}

variable "winsw_version" {
  type    = string
  default = "2.12.0"
}

# SHA-256 of WinSW-x64.exe of that release.
variable "winsw_sha256" {
  type    = string
  default = "05b82d46ad331cc16bdc00de5c6332c1ef818df8ceefcd49c726553209b3a0da"
  validation {
    condition     = can(regex("^[0-9a-f]{64}$", var.winsw_sha256))
    error_message = "The winsw_sha256 must be 64 lower-case hex digits."
  }
}

variable "git_version" {
  type        = string
  default     = "2.47.1"
  description = "Git for Windows version (its installer's Authenticode signature is checked)."
}

variable "root_volume_size" {
  type    = number
  default = 50
}

variable "ssm_parameter" {
  type        = string
  default     = "/runs-fleet/ami/windows-amd64"
  description = "SSM parameter that receives the AMI id."
}

variable "ami_name_prefix" {
  type    = string
  default = "runs-fleet-windows"
}

variable "ami_users" {
  type        = list(string)
  default     = []
  description = "Account ids the AMI is shared with (launches in other accounts)."
}
