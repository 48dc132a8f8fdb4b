#!/usr/bin/env bash
# Leaves nothing of the build machine in the image: each instance gets its own identity.
set -euo pipefail

dnf -y -q clean all
rm -rf /var/cache/dnf/* /tmp/* /var/tmp/*

# Per-instance state: cloud-init runs its first-boot modules again, SSH host keys and the
# machine id are made anew on each instance.
cloud-init clean --logs
rm -f /etc/ssh/ssh_host_*
truncate -s 0 /etc/machine-id

# The build's temporary key is not a way into runners: keys come from the launch template.
rm -f /home/ec2-user/.ssh/authorized_keys /root/.ssh/authorized_keys
rm -f /root/.bash_history /home/ec2-user/.bash_history
