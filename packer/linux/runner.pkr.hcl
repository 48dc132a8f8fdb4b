# runs-fleet runner image for Linux (Amazon Linux 2023), x64 or arm64 from one template:
#   packer init packer/linux
#   packer build -var arch=arm64 packer/linux
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
  # Build time in the name keeps every AMI distinct; the SSM parameter names the current one.
  stamp         = formatdate("YYYYMMDD-hhmmss", timestamp())
  ec2_arch      = var.arch == "amd64" ? "x86_64" : "arm64"
  runner_arch   = var.arch == "amd64" ? "x64" : "arm64"
  instance_type = var.instance_type != "" ? var.instance_type : (var.arch == "amd64" ? "c7i.large" : "c7g.large")
  ssm_parameter = var.ssm_parameter != "" ? var.ssm_parameter : "/runs-fleet/ami/linux-${var.arch}"
  runner_sha256 = lookup(var.runner_sha256, var.arch, "")
  manifest      = "${path.root}/manifest-${var.arch}.json"
}

source "amazon-ebs" "linux" {
  region          = var.region
  ami_regions     = var.copy_to_regions
  ami_users       = var.ami_users
  instance_type   = local.instance_type
  subnet_id       = var.subnet_id != "" ? var.subnet_id : null
  ami_name        = "${var.ami_name_prefix}-${var.arch}-${local.stamp}"
  ami_description = "runs-fleet runner, Amazon Linux 2023 ${local.ec2_arch}, Actions runner ${var.runner_version}"
  ssh_username    = "ec2-user"
  ena_support     = true
  imds_support    = "v2.0"

  source_ami_filter {
    filters = {
      name                = "al2023-ami-2023.*-kernel-*-${local.ec2_arch}"
      architecture        = local.ec2_arch
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["amazon"]
    most_recent = true
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  # gp3 at its baseline (3000 IOPS, 125 MB/s) costs nothing extra; the launch template sets the
  # runners' own volume, this is the snapshot they start from.
  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = var.root_volume_size
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    delete_on_termination = true
  }

  tags = {
    Name                  = "${var.ami_name_prefix}-${var.arch}"
    "runs-fleet:image"    = "linux-${var.arch}"
    "runs-fleet:runner"   = var.runner_version
    "runs-fleet:base-ami" = "{{ .SourceAMIName }}"
  }
  run_tags = {
    Name = "runs-fleet image build linux-${var.arch}"
  }
}

build {
  sources = ["source.amazon-ebs.linux"]

  provisioner "shell" {
    execute_command = "sudo -E bash '{{ .Path }}'"
    environment_vars = [
      "RUNNER_VERSION=${var.runner_version}",
      "RUNNER_ARCH=${local.runner_arch}",
      "RUNNER_SHA256=${local.runner_sha256}",
    ]
    scripts = [
      "${path.root}/scripts/packages.sh",
      "${path.root}/scripts/runner.sh",
      "${path.root}/scripts/boot-time.sh",
      "${path.root}/scripts/cleanup.sh",
    ]
  }

  post-processors {
    post-processor "manifest" {
      output     = local.manifest
      strip_path = true
    }
    post-processor "shell-local" {
      inline = ["bash '${path.root}/../scripts/publish-ami.sh' '${local.manifest}' '${local.ssm_parameter}'"]
    }
  }
}
