#!/usr/bin/env bash
# Packages jobs expect (git, Docker, a C/C++ toolchain, the AWS CLI v2, Python) and the
# libraries the Actions runner (.NET) needs. Runs once, at build time, as root.
set -euo pipefail

# The image is brought up to date here and then pinned to that Amazon Linux release, so an
# instance never spends its boot on updates and every instance of one AMI is identical.
dnf -y -q upgrade --releasever=latest

packages=(
  # what the bootstrap and the agent use
  awscli-2 curl-minimal coreutils openssl tar gzip util-linux shadow-utils sudo
  # what the runner's .NET runtime loads
  libicu krb5-libs openssl-libs zlib
  # what most jobs reach for
  git docker gcc gcc-c++ make cmake autoconf automake libtool pkgconf-pkg-config
  python3 python3-pip jq unzip zip xz bzip2 findutils diffutils which procps-ng
)
dnf -y -q install --setopt=install_weak_deps=False "${packages[@]}"

# Fail the build, not a job, when something is missing.
for tool in aws git docker gcc g++ make python3 jq sha256sum curl; do
  command -v "$tool" >/dev/null || { echo "missing after install: $tool" >&2; exit 1; }
done
aws --version | grep -q '^aws-cli/2\.' || { echo "the AWS CLI is not v2" >&2; exit 1; }
