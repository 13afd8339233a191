#!/usr/bin/env bash
# Builds the simulator's xDS agent (this folder's Go module) into
# $WEIR_CACHE_DIR/xds-agent/<hash of its sources>/xds-agent (default WEIR_CACHE_DIR is <repo>/.cache,
# git-ignored) and prints the binary's path as the last line of stdout; logging goes to stderr. Idempotent:
# when the binary for these sources is there, it returns at once (without needing Go). The simulator runs
# this at start-up.
#
#   AGENT=$(dev/simulator/xds-agent/build.sh | tail -n1)
#
# Its dependencies are the versions istiod's build (dev/istiod) uses, so a machine that built istiod
# builds this from the module cache in seconds.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)

log() { echo "xds-agent/build.sh: $*" >&2; }

# The sources that make the binary; tests do not, so changing one does not rebuild.
HASH=$(cd "$HERE" && find . -maxdepth 1 \( -name '*.go' ! -name '*_test.go' -o -name go.mod -o -name go.sum \) -print0 \
  | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
OUT=${WEIR_CACHE_DIR:-$REPO/.cache}/xds-agent/$HASH
BIN=$OUT/xds-agent

if [[ -x $BIN ]]; then
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || { log "go is not installed (need Go >= 1.26) and $BIN is not built"; exit 1; }
mkdir -p "$OUT"
# Two simulators starting at once must not build twice.
exec 9>"$OUT/.lock"
flock 9
if [[ -x $BIN ]]; then
  echo "$BIN"
  exit 0
fi

log "building the xDS agent into $BIN"
START=$SECONDS
export CGO_ENABLED=0 GOWORK=off GOFLAGS="-buildvcs=false"
# Into a staging name first, so an interrupted build never leaves a half-written binary behind.
if ! (cd "$HERE" && go build -mod=readonly -trimpath -ldflags "-s -w" -o "$BIN.tmp" .) >"$OUT/build.log" 2>&1; then
  log "build failed; last lines of $OUT/build.log:"
  tail -n 30 "$OUT/build.log" >&2
  exit 1
fi
mv -f "$BIN.tmp" "$BIN"
log "built in $((SECONDS - START))s"
echo "$BIN"
