#!/usr/bin/env bash
# runs-fleet bootstrap for Linux instances (EC2 user data).
#
# Reads IMDSv2, downloads the agent binary (S3, HTTPS or file URL), verifies its SHA-256,
# installs it with its env file, and starts it as a systemd unit. On any failure it sends a
# `bootstrap_failed` event (with the end of this log) to the events queue and shuts the
# instance down, which terminates it (launches set the shutdown behaviour to `terminate`).
# Safe to run again after a reboot: an installed binary with the right checksum is kept.
#
# Inputs (environment, usually set by lines prepended to this script in the user data; the
# runs-fleet:* instance tags named in brackets fill in what is unset):
#   RUNS_FLEET_AGENT_URL         s3://, https:// or file:// URL of the binary, or of the folder
#                                holding runs-fleet-agent-linux-<arch> and SHA256SUMS (ends in /)
#                                [runs-fleet:agent-url]
#   RUNS_FLEET_AGENT_SHA256      expected SHA-256; else looked up in SHA256SUMS beside the binary
#                                [runs-fleet:agent-sha256]
#   RUNS_FLEET_EVENTS_QUEUE_URL  the events queue [runs-fleet:events-queue-url]
#   AWS_REGION                   the control plane's region, where the events queue and the
#                                runner config are [runs-fleet:home-region; else this instance's]
#   RUNS_FLEET_RUNNER_CONFIG_SOURCE, RUNS_FLEET_SSM_PREFIX, RUNS_FLEET_SSM_ENDPOINT
#                                where this instance's runner config is (ssm, /runs-fleet): a
#                                failure report is signed with the event key in it, when the
#                                config is there already; unsigned, the control plane refuses it
#   RUNS_FLEET_*                 every other RUNS_FLEET_ variable is passed on to the agent
# Overrides, for tests and unusual images:
#   RUNS_FLEET_IMDS_ENDPOINT (http://169.254.169.254), RUNS_FLEET_BOOTSTRAP_LOG
#   (/var/log/runs-fleet-bootstrap.log), RUNS_FLEET_INSTALL_DIR (/usr/local/bin),
#   RUNS_FLEET_ETC_DIR (/etc/runs-fleet), RUNS_FLEET_SYSTEMD_DIR (/etc/systemd/system),
#   RUNS_FLEET_SYSTEMCTL (systemctl), RUNS_FLEET_SHUTDOWN_COMMAND (shutdown -h now),
#   RUNS_FLEET_AWS_CLI (aws), RUNS_FLEET_SQS_ENDPOINT (SQS endpoint URL).
set -Eeuo pipefail

IMDS="${RUNS_FLEET_IMDS_ENDPOINT:-http://169.254.169.254}"
LOG="${RUNS_FLEET_BOOTSTRAP_LOG:-/var/log/runs-fleet-bootstrap.log}"
INSTALL_DIR="${RUNS_FLEET_INSTALL_DIR:-/usr/local/bin}"
ETC_DIR="${RUNS_FLEET_ETC_DIR:-/etc/runs-fleet}"
SYSTEMD_DIR="${RUNS_FLEET_SYSTEMD_DIR:-/etc/systemd/system}"
SYSTEMCTL="${RUNS_FLEET_SYSTEMCTL:-systemctl}"
SHUTDOWN="${RUNS_FLEET_SHUTDOWN_COMMAND:-shutdown -h now}"
AWS_CLI="${RUNS_FLEET_AWS_CLI:-aws}"
UNIT=runs-fleet-agent.service
BOOT_STARTED_AT="$(($(date +%s%N) / 1000000))"

STAGE=start
INSTANCE_ID=unknown
REGION="${AWS_REGION:-}"
TOKEN=""

mkdir -p "$(dirname "$LOG")"
exec 3>&2
exec >>"$LOG" 2>&1

log() {
  local line
  line="$(date -u +%Y-%m-%dT%H:%M:%SZ) [$STAGE] $*"
  echo "$line"
  echo "$line" >&3
}

# JSON string contents: escapes backslash, quote and whitespace controls; drops other controls.
json_escape() {
  local s
  s="$(printf '%s' "$1" | tr -d '\000-\010\013\014\016-\037')"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\t'/\\t}"
  s="${s//$'\r'/\\r}"
  s="${s//$'\n'/\\n}"
  printf '%s' "$s"
}

# This instance's event key, from its runner config if that is readable yet (the control plane
# writes the key first, so it is in the first SSM part); prints nothing otherwise.
event_key() {
  local source="${RUNS_FLEET_RUNNER_CONFIG_SOURCE:-ssm}" text=""
  case "$source" in
    file:*) text="$(cat "${source#file:}/$INSTANCE_ID.json" 2>/dev/null || true)" ;;
    ssm)
      local args=(ssm get-parameter --with-decryption --query Parameter.Value --output text
        --name "${RUNS_FLEET_SSM_PREFIX:-/runs-fleet}/runners/$INSTANCE_ID/config")
      [[ -n "$REGION" ]] && args+=(--region "$REGION")
      [[ -n "${RUNS_FLEET_SSM_ENDPOINT:-}" ]] && args+=(--endpoint-url "$RUNS_FLEET_SSM_ENDPOINT")
      text="$(timeout 30 "$AWS_CLI" "${args[@]}" 2>/dev/null || true)"
      ;;
  esac
  if [[ "$text" =~ \"eventKey\":\"([0-9a-f]{64})\" ]]; then printf '%s' "${BASH_REMATCH[1]}"; fi
}

# HMAC-SHA256 of the body (stdin) under the hex key, as lowercase hex: the event's signature.
# The key is on openssl's command line for a moment; no job runs yet, and it is this instance's.
hmac_hex() {
  openssl dgst -sha256 -mac HMAC -macopt "hexkey:$1" | awk '{ print $NF }'
}

send_bootstrap_failed() {
  local queue="${RUNS_FLEET_EVENTS_QUEUE_URL:-}" id at tail body key signature=""
  if [[ -z "$queue" ]]; then
    log "no events queue known: cannot report the failure"
    return 0
  fi
  id="$(cat /proc/sys/kernel/random/uuid 2>/dev/null || echo "bf-$INSTANCE_ID-$BOOT_STARTED_AT")"
  at="$(date -u +%Y-%m-%dT%H:%M:%S.000Z)"
  tail="$(tail -n 60 "$LOG" | tail -c 12000)"
  body="{\"id\":\"$id\",\"type\":\"bootstrap_failed\",\"instanceId\":\"$(json_escape "$INSTANCE_ID")\",\"at\":\"$at\",\"stage\":\"$(json_escape "$STAGE")\",\"logTail\":\"$(json_escape "$tail")\"}"
  key="$(event_key)"
  if [[ -n "$key" ]]; then
    signature="$(printf '%s' "$body" | hmac_hex "$key" || true)"
  fi
  local attributes='{"type":{"DataType":"String","StringValue":"bootstrap_failed"}'
  if [[ "$signature" =~ ^[0-9a-f]{64}$ ]]; then
    attributes+=',"signature":{"DataType":"String","StringValue":"'"$signature"'"}}'
  else
    # No config yet: sent anyway, for the log. The consumer refuses it; the instance ends
    # itself below and EC2's state-change event tells the control plane.
    log "no event key readable yet: bootstrap_failed goes unsigned"
    attributes+='}'
  fi
  local args=(sqs send-message --queue-url "$queue" --message-body "$body"
    --message-attributes "$attributes")
  [[ -n "$REGION" ]] && args+=(--region "$REGION")
  [[ -n "${RUNS_FLEET_SQS_ENDPOINT:-}" ]] && args+=(--endpoint-url "$RUNS_FLEET_SQS_ENDPOINT")
  [[ "$queue" == *.fifo ]] && args+=(--message-group-id "$INSTANCE_ID" --message-deduplication-id "$id")
  local attempt
  for attempt in 1 2 3; do
    if timeout 30 "$AWS_CLI" "${args[@]}" >/dev/null; then
      log "bootstrap_failed sent"
      return 0
    fi
    sleep "$attempt"
  done
  log "could not send bootstrap_failed"
}

on_error() {
  local code=$? line=$1
  # With errtrace the trap also fires inside $(...): leave the reporting to the main shell.
  if [[ "$BASHPID" != "$$" ]]; then exit "$code"; fi
  trap - ERR
  set +e
  log "failed with exit code $code at line $line"
  send_bootstrap_failed
  log "shutting down: $SHUTDOWN"
  sh -c "$SHUTDOWN"
  exit 1
}
trap 'on_error $LINENO' ERR

imds_token() {
  curl -sSf --retry 5 --retry-connrefused --retry-delay 1 --max-time 5 -X PUT \
    -H "X-aws-ec2-metadata-token-ttl-seconds: 21600" "$IMDS/latest/api/token"
}

# A metadata path; prints nothing (and succeeds) when IMDS answers 404.
imds_get() {
  local out status
  out="$(mktemp)"
  status="$(curl -sS --retry 5 --retry-connrefused --retry-delay 1 --max-time 5 -o "$out" \
    -w '%{http_code}' -H "X-aws-ec2-metadata-token: $TOKEN" "$IMDS/latest/meta-data/$1")"
  case "$status" in
    200) cat "$out" ;;
    404) ;;
    *)
      rm -f "$out"
      log "IMDS answered $status for $1"
      return 1
      ;;
  esac
  rm -f "$out"
}

tag() { imds_get "tags/instance/$1"; }

# Copies a URL (s3://, http(s)://, file://) to a local file.
fetch() {
  local url=$1 dest=$2
  case "$url" in
    s3://*) "$AWS_CLI" s3 cp --only-show-errors ${REGION:+--region "$REGION"} "$url" "$dest" ;;
    *) curl -sSfL --retry 5 --retry-connrefused --retry-delay 2 --max-time 600 -o "$dest" "$url" ;;
  esac
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# Env-file value in double quotes, as systemd and the agent read it.
quote() {
  local s=${1//\\/\\\\}
  printf '"%s"' "${s//\"/\\\"}"
}

STAGE=imds
log "bootstrap starting"
TOKEN="$(imds_token)"
INSTANCE_ID="$(imds_get instance-id)"
# An instance in another region than the control plane's reads its config from, and sends its
# events to, the home region, which its launch template names in a tag.
[[ -n "$REGION" ]] || REGION="$(tag runs-fleet:home-region)"
[[ -n "$REGION" ]] || REGION="$(imds_get placement/region)"
export AWS_REGION="$REGION" AWS_DEFAULT_REGION="$REGION"
: "${RUNS_FLEET_EVENTS_QUEUE_URL:=$(tag runs-fleet:events-queue-url)}"
: "${RUNS_FLEET_AGENT_URL:=$(tag runs-fleet:agent-url)}"
: "${RUNS_FLEET_AGENT_SHA256:=$(tag runs-fleet:agent-sha256)}"
export RUNS_FLEET_EVENTS_QUEUE_URL
log "instance $INSTANCE_ID in $REGION"

STAGE=download
case "$(uname -m)" in
  x86_64 | amd64) ARCH=x64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *)
    log "unsupported architecture $(uname -m)"
    false
    ;;
esac
BINARY="runs-fleet-agent-linux-$ARCH"
if [[ -z "${RUNS_FLEET_AGENT_URL:-}" ]]; then
  log "RUNS_FLEET_AGENT_URL is not set (nor the runs-fleet:agent-url tag)"
  false
fi
URL="$RUNS_FLEET_AGENT_URL"
[[ "$URL" == */ ]] && URL="$URL$BINARY"
BASE="${URL%/*}"
mkdir -p "$ETC_DIR" "$INSTALL_DIR"
WORK="$(mktemp -d "$ETC_DIR/.download.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

EXPECTED="${RUNS_FLEET_AGENT_SHA256:-}"
if [[ -z "$EXPECTED" ]]; then
  fetch "$BASE/SHA256SUMS" "$WORK/SHA256SUMS"
  EXPECTED="$(awk -v f="${URL##*/}" '$2 == f || $2 == "*" f { print $1 }' "$WORK/SHA256SUMS")"
  if [[ -z "$EXPECTED" ]]; then
    log "SHA256SUMS at $BASE has no line for ${URL##*/}"
    false
  fi
fi
EXPECTED="${EXPECTED,,}"

AGENT="$INSTALL_DIR/runs-fleet-agent"
if [[ -x "$AGENT" && "$(sha256_of "$AGENT")" == "$EXPECTED" ]]; then
  log "agent already installed with the expected checksum"
else
  log "downloading $URL"
  fetch "$URL" "$WORK/agent"
  STAGE=verify
  ACTUAL="$(sha256_of "$WORK/agent")"
  if [[ "$ACTUAL" != "$EXPECTED" ]]; then
    log "checksum mismatch for $URL: expected $EXPECTED, got $ACTUAL"
    false
  fi
  STAGE=install
  install -m 0755 "$WORK/agent" "$AGENT.new"
  mv -f "$AGENT.new" "$AGENT"
  log "agent installed at $AGENT"
fi

STAGE=configure
ENV_FILE="$ETC_DIR/agent.env"
(
  umask 077
  {
    echo "# Written by the runs-fleet bootstrap; read by runs-fleet-agent --env-file."
    echo "AWS_REGION=$(quote "$REGION")"
    echo "RUNS_FLEET_BOOT_STARTED_AT=$BOOT_STARTED_AT"
    while IFS='=' read -r name _; do
      case "$name" in
        RUNS_FLEET_AGENT_URL | RUNS_FLEET_AGENT_SHA256 | RUNS_FLEET_BOOTSTRAP_LOG | \
          RUNS_FLEET_INSTALL_DIR | RUNS_FLEET_ETC_DIR | RUNS_FLEET_SYSTEMD_DIR | \
          RUNS_FLEET_SYSTEMCTL | RUNS_FLEET_AWS_CLI | RUNS_FLEET_BOOT_STARTED_AT) ;;
        RUNS_FLEET_*) echo "$name=$(quote "${!name}")" ;;
      esac
    done < <(env | grep -E '^RUNS_FLEET_[A-Z0-9_]+=' | sort)
  } >"$ENV_FILE.new"
  mv -f "$ENV_FILE.new" "$ENV_FILE"
)

mkdir -p "$SYSTEMD_DIR"
cat >"$SYSTEMD_DIR/$UNIT.new" <<EOF
[Unit]
Description=runs-fleet agent
Wants=network-online.target
After=network-online.target
StartLimitIntervalSec=300
StartLimitBurst=3

[Service]
Type=simple
ExecStart=$AGENT --env-file $ENV_FILE
# The agent stops the runner itself (SIGTERM, grace period, then SIGKILL) and reports.
KillMode=mixed
TimeoutStopSec=90
Restart=on-failure
RestartSec=5
# A configuration error will not fix itself by restarting.
RestartPreventExitStatus=64 78
# The instance guarantees its own teardown: an agent that cannot run powers it off.
FailureAction=poweroff

[Install]
WantedBy=multi-user.target
EOF
mv -f "$SYSTEMD_DIR/$UNIT.new" "$SYSTEMD_DIR/$UNIT"

STAGE=start
"$SYSTEMCTL" daemon-reload
"$SYSTEMCTL" enable --now "$UNIT"
log "agent service started"
