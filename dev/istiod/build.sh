#!/usr/bin/env bash
# Builds istiod (pilot-discovery) for the sandbox from the istio.io/istio Go module pinned in go.mod (the Go
# module proxy is the only source). The binary goes to $WEIR_CACHE_DIR/istiod/<version>/bin (default
# WEIR_CACHE_DIR is <repo>/.cache, git-ignored); idempotent: when it is there, it returns at once. The bin
# folder is the last line of stdout; logging goes to stderr.
#
#   ISTIOD_BIN=$(dev/istiod/build.sh | tail -n1)
#
# About 8 minutes cold on 2 cores (with the control plane's Go module cache), a 190 MB binary.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

log() { echo "istiod/build.sh: $*" >&2; }

VERSION=$(awk '$1 == "require" && $2 == "istio.io/istio" { print $3 }' "$HERE/go.mod")
[[ -n $VERSION ]] || { log "cannot read the istio.io/istio version from $HERE/go.mod"; exit 1; }
OUT=${WEIR_CACHE_DIR:-$REPO/.cache}/istiod/$VERSION
BIN=$OUT/bin

if [[ -x $BIN/pilot-discovery ]]; then
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || { log "go is not installed (need Go >= 1.26)"; exit 1; }
mkdir -p "$OUT" "$BIN"
# Two sandboxes starting at once must not build twice.
exec 9>"$OUT/.lock"
flock 9
if [[ -x $BIN/pilot-discovery ]]; then
  echo "$BIN"
  exit 0
fi

log "building pilot-discovery (istio.io/istio $VERSION) into $BIN (from scratch this takes about 8 minutes on 2 cores)"
START=$SECONDS
export CGO_ENABLED=0 GOWORK=off GOFLAGS="-buildvcs=false"
# Into a staging name first, so an interrupted build never leaves a half-written binary behind.
if ! (cd "$HERE" && go build -mod=readonly -p 2 -trimpath -ldflags "-s -w" -o "$BIN/pilot-discovery.tmp" istio.io/istio/pilot/cmd/pilot-discovery) >"$OUT/build.log" 2>&1; then
  log "build failed; last lines of $OUT/build.log:"
  tail -n 30 "$OUT/build.log" >&2
  exit 1
fi
mv -f "$BIN/pilot-discovery.tmp" "$BIN/pilot-discovery"
log "built pilot-discovery in $((SECONDS - START))s"
echo "$BIN"
