#!/usr/bin/env bash
# Builds the sandbox control plane from Go modules (the Go module proxy is the
# only source): kube-apiserver, kube-controller-manager, kube-scheduler,
# kubectl, etcd and kwok.
#
# Binaries go to $WEIR_CACHE_DIR/cluster/<key>/bin (default WEIR_CACHE_DIR is
# <repo>/.cache, git-ignored); <key> names every version, so a version bump
# builds into a new folder and never mixes binaries. Idempotent: when every
# binary is there it returns at once. The bin folder is the last line of
# stdout; all logging goes to stderr.
#
#   BIN=$(dev/cluster/build.sh | tail -n1)
#
# Versions live in one place each: k8s/go.mod (Kubernetes and its staging
# modules), etcd/go.mod (etcd) and KWOK_VERSION below.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

KWOK_VERSION=v0.8.0
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok)

log() { echo "build.sh: $*" >&2; }

# "require <module> <version>" from a wrapper go.mod, without starting the go
# command (which alone costs more than the whole warm path should).
required_version() { # go.mod module
  awk -v m="$2" '($1 == "require" && $2 == m) { print $3 } ($1 == m) { print $2 }' "$1" | head -n1
}
K8S_VERSION=$(required_version "$HERE/k8s/go.mod" k8s.io/kubernetes)
ETCD_VERSION=$(required_version "$HERE/etcd/go.mod" go.etcd.io/etcd/server/v3)
[[ -n $K8S_VERSION && -n $ETCD_VERSION ]] || { log "cannot read versions from k8s/go.mod, etcd/go.mod"; exit 1; }

CACHE_ROOT=${WEIR_CACHE_DIR:-$REPO/.cache}
KEY="k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}"
OUT=$CACHE_ROOT/cluster/$KEY
BIN=$OUT/bin

missing() { for b in "${BINARIES[@]}"; do [[ -x $BIN/$b ]] || echo "$b"; done; }

# Fast path: nothing to do.
if [[ -z $(missing) ]]; then
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || { log "go is not installed (need Go >= 1.26 for kwok $KWOK_VERSION)"; exit 1; }
mkdir -p "$OUT"
# Two sandboxes starting at once must not build into the same folder twice.
exec 9>"$OUT/.lock"
flock 9
mapfile -t TODO < <(missing)
if ((${#TODO[@]} == 0)); then
  echo "$BIN"
  exit 0
fi

log "building ${TODO[*]} into $BIN (from scratch this takes about 11 minutes on 2 cores)"
START=$SECONDS

# Build into a staging folder and move the binaries in only when all jobs
# succeeded, so an interrupted build never leaves a half-written binary in bin/.
STAGE=$OUT/stage
rm -rf "$STAGE"
mkdir -p "$STAGE" "$BIN"

export CGO_ENABLED=0 GOWORK=off
# Our GOFLAGS, not the caller's: VCS stamping needs git and a trusted checkout,
# and -mod must stay readonly so go.sum is the contract.
export GOFLAGS="-buildvcs=false"

want() { local b; for b in "${TODO[@]}"; do [[ $b == "$1" ]] && return 0; done; return 1; }

build_k8s() {
  local pkgs=() b
  for b in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    want "$b" && pkgs+=("k8s.io/kubernetes/cmd/$b")
  done
  ((${#pkgs[@]})) || return 0
  cd "$HERE/k8s"
  # Upstream's version stamping (hack/lib/version.sh), so /version and
  # "kubectl version" report the release. buildDate is the tag's time in the
  # module proxy (its .info file), which keeps the binaries reproducible.
  # gitCommit is set empty: the module proxy does not tell the commit of a
  # tag, and the default is a "$Format:%H$" placeholder.
  local info_file date minor
  info_file=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"Info": *"\([^"]*\)".*/\1/p')
  date=$(sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p' "$info_file")
  [[ -n $date ]] || { echo "no release time in $info_file" >&2; return 1; }
  minor=$(cut -d. -f2 <<<"${K8S_VERSION#v}")
  local ldflags="-s -w" pkg kv key val
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    for kv in "gitVersion=$K8S_VERSION" gitMajor=1 "gitMinor=$minor" gitCommit= gitTreeState=clean "buildDate=$date"; do
      key=${kv%%=*} val=${kv#*=}
      ldflags+=" -X $pkg.$key=$val"
    done
  done
  # One go build for all four: they share most packages, so this compiles
  # each package once.
  go build -mod=readonly -p 2 -trimpath -ldflags "$ldflags" -o "$STAGE/" "${pkgs[@]}"
}

build_etcd_kwok() {
  if want etcd; then
    (cd "$HERE/etcd" && go build -mod=readonly -p 1 -trimpath -ldflags "-s -w" -o "$STAGE/etcd" .)
  fi
  if want kwok; then
    # kwok's go.mod has no replace directives, so "go install pkg@version"
    # works and checks its go.sum against the checksum database.
    GOBIN=$STAGE go install -p 1 -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  fi
}

# Two jobs side by side: kube (-p 2) and etcd then kwok (-p 1). Module
# downloads overlap with compiling, and the smaller job fills the gaps while
# the big one links.
build_k8s >"$OUT/build-k8s.log" 2>&1 &
K8S_PID=$!
build_etcd_kwok >"$OUT/build-etcd-kwok.log" 2>&1 &
EK_PID=$!
trap 'kill $K8S_PID $EK_PID 2>/dev/null || true' EXIT INT TERM

failed=0
wait $K8S_PID || { failed=1; log "kubernetes build failed; last lines of $OUT/build-k8s.log:"; tail -n 30 "$OUT/build-k8s.log" >&2; }
wait $EK_PID || { failed=1; log "etcd/kwok build failed; last lines of $OUT/build-etcd-kwok.log:"; tail -n 30 "$OUT/build-etcd-kwok.log" >&2; }
trap - EXIT INT TERM
((failed == 0)) || exit 1

for b in "${TODO[@]}"; do
  mv -f "$STAGE/$b" "$BIN/$b"
done
rm -rf "$STAGE"
[[ -z $(missing) ]] || { log "missing after build: $(missing | tr '\n' ' ')"; exit 1; }
log "built ${TODO[*]} in $((SECONDS - START))s"
echo "$BIN"
