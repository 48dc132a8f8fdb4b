#!/usr/bin/env bash
# The GitHub Actions runner at a pinned version, checked against its published SHA-256, in
# the folder the agent expects, owned by the unprivileged user that runs jobs.
set -euo pipefail

: "${RUNNER_VERSION:?RUNNER_VERSION is required}"
: "${RUNNER_ARCH:?RUNNER_ARCH is required (x64 or arm64)}"
: "${RUNNER_SHA256:?RUNNER_SHA256 is required}"
RUNNER_DIR="${RUNNER_DIR:-/opt/actions-runner}"
RUNNER_USER="${RUNNER_USER:-runner}"

if [[ ! "$RUNNER_SHA256" =~ ^[0-9a-f]{64}$ ]]; then
  echo "RUNNER_SHA256 is not a SHA-256: $RUNNER_SHA256" >&2
  exit 1
fi

archive="actions-runner-linux-$RUNNER_ARCH-$RUNNER_VERSION.tar.gz"
url="https://github.com/actions/runner/releases/download/v$RUNNER_VERSION/$archive"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

curl -fsSL --retry 5 --retry-connrefused --retry-delay 2 -o "$work/$archive" "$url"
# A mismatch stops the build: an archive that is not the published one is never baked in.
echo "$RUNNER_SHA256  $work/$archive" | sha256sum --check --strict -

# The job user, as on GitHub-hosted runners: its own home, Docker without sudo, and sudo
# without a password (jobs install packages); the agent starts the runner as this user.
if ! id "$RUNNER_USER" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/bash --user-group "$RUNNER_USER"
fi
usermod -aG docker "$RUNNER_USER"
echo "$RUNNER_USER ALL=(ALL) NOPASSWD:ALL" >"/etc/sudoers.d/90-$RUNNER_USER"
chmod 0440 "/etc/sudoers.d/90-$RUNNER_USER"
visudo -cq

mkdir -p "$RUNNER_DIR"
tar -xzf "$work/$archive" -C "$RUNNER_DIR"
mkdir -p "$RUNNER_DIR/_work"
chown -R "$RUNNER_USER:$RUNNER_USER" "$RUNNER_DIR"

# First-run work, done now rather than on every instance: env.sh writes the .env and .path
# files config.sh would write (a JIT runner never runs config.sh), and starting the listener
# once proves the runtime's libraries are all present.
(cd "$RUNNER_DIR" && sudo -u "$RUNNER_USER" ./env.sh >/dev/null)
sudo -u "$RUNNER_USER" "$RUNNER_DIR/bin/Runner.Listener" --version
echo "$RUNNER_VERSION" >"$RUNNER_DIR/.runs-fleet-runner-version"

# The agent reads these from its environment as well as from the env file the bootstrap
# writes, so the image tells it who runs jobs without any change to the user data.
mkdir -p /etc/systemd/system/runs-fleet-agent.service.d
cat >/etc/systemd/system/runs-fleet-agent.service.d/10-image.conf <<UNIT
[Service]
Environment=RUNS_FLEET_RUNNER_DIR=$RUNNER_DIR
Environment=RUNS_FLEET_RUNNER_USER=$RUNNER_USER
UNIT
