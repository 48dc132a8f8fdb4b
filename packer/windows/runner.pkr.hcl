# runs-fleet runner image for Windows Server 2022 (x64):
#   packer init packer/windows
#   packer build packer/windows
# What is in it and why: docs/images.md.

packer {
  required_version = ">= 1.11.0"
  required_plugins {
    amazon = {
      version = ">= 1.8.0"
      source  = "github.com/hashicorp/amazon"
    }
  }
}

locals {
  stamp    = formatdate("YYYYMMDD-hhmmss", timestamp())
  manifest = "${path.root}/manifest-amd64.json"
}

source "amazon-ebs" "windows" {
  region          = var.region
  ami_regions     = var.copy_to_regions
  ami_users       = var.ami_users
  instance_type   = var.instance_type
  subnet_id       = var.subnet_id != "" ? var.subnet_id : null
  ami_name        = "${var.ami_name_prefix}-amd64-${local.stamp}"
  ami_description = "runs-fleet runner, Windows Server 2022 x64, Actions runner ${var.runner_version}"
  ena_support     = true
  imds_support    = "v2.0"

  source_ami_filter {
    filters = {
      name                = "Windows_Server-2022-English-Full-Base-*"
      architecture        = "x86_64"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["amazon"]
    most_recent = true
  }

  # WinRM over HTTPS, opened by the user data for this build instance only, and reachable
  # only from the machine running Packer.
  user_data_file                            = "${path.root}/scripts/winrm.ps1"
  communicator                              = "winrm"
  winrm_username                            = "Administrator"
  winrm_use_ssl                             = true
  winrm_insecure                            = true
  winrm_timeout                             = "20m"
  temporary_security_group_source_public_ip = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  launch_block_device_mappings {
    device_name           = "/dev/sda1"
    volume_size           = var.root_volume_size
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    delete_on_termination = true
  }

  tags = {
    Name                  = "${var.ami_name_prefix}-amd64"
    "runs-fleet:image"    = "windows-amd64"
    "runs-fleet:runner"   = var.runner_version
    "runs-fleet:base-ami" = "{{ .SourceAMIName }}"
  }
  run_tags = {
    Name = "runs-fleet image build windows-amd64"
  }
}

build {
  sources = ["source.amazon-ebs.windows"]

  provisioner "powershell" {
    environment_vars = [
      "RUNNER_VERSION=${var.runner_version}",
      "RUNNER_SHA256=${var.runner_sha256}",
      "WINSW_VERSION=${var.winsw_version}",
      "WINSW_SHA256=${var.winsw_sha256}",
      "GIT_VERSION=${var.git_version}",
    ]
    scripts = [
      "${path.root}/scripts/tools.ps1",
      "${path.root}/scripts/runner.ps1",
      "${path.root}/scripts/boot-time.ps1",
    ]
  }

  # Last: EC2Launch forgets this build instance, so each runner runs its own user data, gets
  # its own Administrator password and its own host name. No sysprep: see docs/images.md.
  provisioner "powershell" {
    inline = ["& \"$env:ProgramFiles\\Amazon\\EC2Launch\\EC2Launch.exe\" reset --block"]
  }

  post-processors {
    post-processor "manifest" {
      output     = local.manifest
      strip_path = true
    }
    post-processor "shell-local" {
      inline = ["bash '${path.root}/../scripts/publish-ami.sh' '${local.manifest}' '${var.ssm_parameter}'"]
    }
  }
}
