variable "arch" {
  type        = string
  default     = "amd64"
  description = "CPU architecture of the image: amd64 (x86_64) or arm64 (Graviton)."
  validation {
    condition     = contains(["amd64", "arm64"], var.arch)
    error_message = "The arch must be amd64 or arm64."
  }
}

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
  type        = string
  default     = ""
  description = "Build instance type; empty picks c7i.large (amd64) or c7g.large (arm64)."
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

# The SHA-256 lines GitHub publishes with each runner release ("BEGIN SHA linux-x64" and
# "BEGIN SHA linux-arm64"); change them together with runner_version.
variable "runner_sha256" {
  type        = map(string)
  description = "SHA-256 of the runner archive per architecture, from the release notes."
  default = {
    amd64 = "194f1e1e4bd02f80b7e9633fc546084d8d4e19f3928a324d512ea53430102e1d"
    arm64 = "56768348b3d643a6a29d4ad71e9bdae0dc0ef1eb01afe0f7a8ee097b039bfaaf"
  }
  validation {
    condition     = alltrue([for s in values(var.runner_sha256) : can(regex("^[0-9a-f]{64}$", s))])
    error_message = "Each runner_sha256 value must be 64 lower-case hex digits."
  }
}

variable "root_volume_size" {
  type        = number
  default     = 20
  description = "Root volume of the image in GiB; launches grow it to the label's disk= size."
}

variable "ssm_parameter" {
  type        = string
  default     = ""
  description = "SSM parameter that receives the AMI id; empty for /runs-fleet/ami/linux-<arch>."
}

variable "ami_name_prefix" {
  type    = string
  default = "runs-fleet-linux"
}

variable "ami_users" {
  type        = list(string)
  default     = []
  description = "Account ids the AMI is shared with (launches in other accounts)."
}
