#!/usr/bin/env bash
# Publishes the AMI ids of the last `packer build` to an SSM parameter in each region the AMI
# is in, which the CloudFormation stack's image parameters accept in place of an id.
#   publish-ami.sh <packer manifest> <parameter name>
# Run by the templates' shell-local post-processor. RUNS_FLEET_AWS_CLI overrides the `aws`
# command, as in the bootstrap.
set -euo pipefail

manifest="${1:?usage: publish-ami.sh <manifest.json> <ssm parameter name>}"
parameter="${2:?usage: publish-ami.sh <manifest.json> <ssm parameter name>}"
aws_cli="${RUNS_FLEET_AWS_CLI:-aws}"

if [[ ! "$parameter" =~ ^/[A-Za-z0-9_./-]+$ ]]; then
  echo "publish-ami: not an SSM parameter name: $parameter" >&2
  exit 64
fi

# The manifest keeps every run; only the last run's artifact is this build's. Its id is
# "region:ami-…" pairs, comma-separated, one per region the AMI was copied to.
artifact="$(jq -r '.last_run_uuid as $run
  | [.builds[] | select(.packer_run_uuid == $run) | .artifact_id] | last // empty' "$manifest")"
if [[ -z "$artifact" ]]; then
  echo "publish-ami: $manifest has no artifact for its last run" >&2
  exit 1
fi

IFS=',' read -r -a pairs <<<"$artifact"
# Every entry is checked before anything is written: a partial publish would leave regions
# pointing at different images.
for pair in "${pairs[@]}"; do
  if [[ ! "$pair" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+:ami-[0-9a-f]{8,17}$ ]]; then
    echo "publish-ami: unexpected artifact entry: $pair" >&2
    exit 1
  fi
done
for pair in "${pairs[@]}"; do
  region="${pair%%:*}"
  ami="${pair#*:}"
  # The aws:ec2:image data type makes SSM check that the AMI exists before it accepts it.
  version="$("$aws_cli" ssm put-parameter --region "$region" --name "$parameter" --value "$ami" \
    --type String --data-type aws:ec2:image --overwrite --query Version --output text)"
  # The stack resolves a parameter name only when its template or parameters change: give it
  # "<name>:<version>" to move its launch templates to this AMI.
  echo "publish-ami: $parameter = $ami in $region; stack image parameter: $parameter:$version"
done
