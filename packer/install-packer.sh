#!/usr/bin/env bash
# Builds Packer and its Amazon plugin from the Go module proxy and registers the plugin, so
# `packer fmt` / `packer validate` can run where no Packer release archive can be downloaded.
# Idempotent: does nothing when the pinned versions are already installed.
set -euo pipefail

# Pinned versions: releases whose module, zip and checksum-database entry the proxy all serve.
PACKER_VERSION=1.12.0
AMAZON_PLUGIN_VERSION=1.8.2

gobin="$(go env GOBIN)"
if [[ -z "$gobin" ]]; then
  gobin="$(go env GOPATH)/bin"
fi
mkdir -p "$gobin"
packer_bin="$gobin/packer"
plugin_bin="$gobin/packer-plugin-amazon-v$AMAZON_PLUGIN_VERSION"

# Packer's go.mod carries a `replace`, which `go install module@version` refuses; a throwaway
# module that requires it (with the same replace) builds the identical dependency graph.
build() {
  local module="$1" version="$2" out="$3" workdir
  workdir="$(mktemp -d)"
  (
    cd "$workdir"
    go mod init runs-fleet.local/packer-build >/dev/null 2>&1
    go mod edit -require="$module@v$version" \
      -replace=github.com/zclconf/go-cty=github.com/nywilken/go-cty@v1.13.3
    # -trimpath and a stripped symbol table keep the link step short on small CI machines.
    GOFLAGS=-mod=mod go build -trimpath -ldflags=-s -o "$out" "$module"
  )
  rm -rf "$workdir"
}

if [[ -x "$packer_bin" ]] && "$packer_bin" version 2>/dev/null | grep -q "v$PACKER_VERSION"; then
  echo "packer $PACKER_VERSION already installed"
else
  echo "building packer $PACKER_VERSION from the Go module proxy"
  build github.com/hashicorp/packer "$PACKER_VERSION" "$packer_bin"
fi

if [[ -x "$plugin_bin" ]]; then
  echo "amazon plugin $AMAZON_PLUGIN_VERSION already built"
else
  echo "building packer-plugin-amazon $AMAZON_PLUGIN_VERSION from the Go module proxy"
  build github.com/hashicorp/packer-plugin-amazon "$AMAZON_PLUGIN_VERSION" "$plugin_bin"
fi

# Registering from a local path is what `required_plugins` then finds; repeating it is harmless.
"$packer_bin" plugins install --path "$plugin_bin" github.com/hashicorp/amazon >/dev/null
echo "packer $PACKER_VERSION with amazon plugin $AMAZON_PLUGIN_VERSION ready in $gobin"
