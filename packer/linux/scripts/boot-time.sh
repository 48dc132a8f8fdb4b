#!/usr/bin/env bash
# Boot time is the product: nothing at boot that a job does not need. Each choice and its
# reason is in docs/images.md.
set -euo pipefail

# No package work at boot: cloud-init would otherwise check the repositories first.
mkdir -p /etc/cloud/cloud.cfg.d
cat >/etc/cloud/cloud.cfg.d/90-runs-fleet.cfg <<'CFG'
# runs-fleet: the image is already up to date; an instance lives for one job.
repo_upgrade: none
package_update: false
package_upgrade: false
CFG

# Units that cost boot or CPU time and do nothing for a one-job instance. Missing ones are
# skipped, so the list survives changes to the base image.
quiet_units=(
  dnf-makecache.timer   # repository metadata refresh, only useful to a long-lived host
  atd.service           # deferred jobs
  rngd.service          # the kernel's own entropy is enough on Nitro
  kdump.service         # crash dumps from an instance that is thrown away
  systemd-homed.service # home areas, unused
  nfs-client.target     # network file systems, unused
)
for unit in "${quiet_units[@]}"; do
  if systemctl list-unit-files --no-legend "$unit" 2>/dev/null | grep -q .; then
    systemctl disable "$unit" >/dev/null 2>&1 || true
    systemctl mask "$unit" >/dev/null 2>&1 || true
  fi
done

# Docker starts on first use (socket activation), not at boot: jobs that never touch it do
# not wait for dockerd and containerd.
systemctl disable docker.service containerd.service >/dev/null 2>&1 || true
systemctl enable docker.socket

# The agent waits for the network itself; nothing else should hold boot for it.
systemctl disable systemd-networkd-wait-online.service >/dev/null 2>&1 || true

# Journald in memory, capped: a runner's logs go to the agent and CloudWatch, and not
# writing a journal to a fresh EBS volume (lazily loaded from the snapshot) saves I/O.
mkdir -p /etc/systemd/journald.conf.d
cat >/etc/systemd/journald.conf.d/90-runs-fleet.conf <<'CONF'
[Journal]
Storage=volatile
RuntimeMaxUse=256M
CONF

# No boot menu wait.
if [[ -f /etc/default/grub ]] && grep -q '^GRUB_TIMEOUT=' /etc/default/grub; then
  sed -i 's/^GRUB_TIMEOUT=.*/GRUB_TIMEOUT=0/' /etc/default/grub
  if command -v grub2-mkconfig >/dev/null && [[ -f /boot/grub2/grub.cfg ]]; then
    grub2-mkconfig -o /boot/grub2/grub.cfg >/dev/null 2>&1
  fi
fi
