#!/usr/bin/env bash
# Starts a local Kubernetes sandbox with all its state in DIR:
#   etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok
#   (fake Nodes whose Pods turn Running + Ready), on 127.0.0.1 only;
#   Weir's RBAC (deploy/rbac), the CRDs in ../shared/crds and deploy/crds;
#   istiod (pilot-discovery, built by dev/istiod/build.sh), the real Istio
#   control plane: it computes what every sidecar would be told (xDS) and
#   writes Gateway API route status and Istio's analysis into object status;
#   sandbox users admin, alice, bob and victor with random tokens.
#
#   dev/cluster/up.sh DIR      # returns once everything is ready
#   set -a; . DIR/sandbox.env; set +a   # KUBECONFIG, WEIR_APISERVER_URL, ports
#   dev/cluster/down.sh DIR    # stops it and removes DIR
#
# The processes run detached (own session, see start()); their pids are in
# DIR/pids and their logs in DIR/logs. If anything fails to start, up.sh prints
# the end of its log, stops what it started and exits non-zero, leaving DIR
# for a look (down.sh DIR removes it).
#
# Environment:
#   WEIR_CACHE_DIR        where build.sh keeps the binaries (default <repo>/.cache)
#   WEIR_CLUSTER_BIN      use the binaries in this folder instead of calling build.sh
#   WEIR_ISTIOD_BIN       use the pilot-discovery in this folder instead of calling dev/istiod/build.sh
#   WEIR_SANDBOX_NODES    number of fake Nodes (default 3)
#   WEIR_CRDS_DIR         CRDs to install (default <repo>/../shared/crds)
#   WEIR_SANDBOX_SAME_USERS  a tokens.csv of another sandbox: these people (e.g. "admin alice bob") keep their
#                         tokens from it, as one identity provider serves several clusters; the rest get new ones
#   WEIR_SANDBOX_SAME_USERS_NAMES  who keeps a token (default: admin alice bob)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

[[ $# -eq 1 && -n $1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }

T0=$(date +%s%N)
log() { echo "up.sh [$(( ($(date +%s%N) - T0) / 1000000 ))ms]: $*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in openssl python3 curl setsid base64; do
  command -v "$tool" >/dev/null || die "$tool is required (Debian: apt-get install -y openssl python3 curl util-linux coreutils)"
done

# Keys, tokens and the kubeconfig are credentials: keep DIR private.
umask 077

SERVICE_CIDR=10.96.0.0/16  # room for tens of thousands of Services (benchmarks create thousands)
KUBERNETES_SERVICE_IP=10.96.0.1
NODES=${WEIR_SANDBOX_NODES:-3}
CRDS_DIR=${WEIR_CRDS_DIR:-$REPO/../shared/crds}
MARKER=.weir-sandbox

alive() { # pid: running and not a zombie
  local stat
  stat=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $stat != Z* ]]
}

# --- DIR: new, empty, or a stopped sandbox of ours ---------------------------
if [[ -e $1 ]]; then
  [[ -d $1 ]] || die "$1 exists and is not a folder"
  if [[ -f $1/$MARKER ]]; then
    if [[ -f $1/pids ]]; then
      while read -r name pid; do
        alive "$pid" && die "a sandbox is already running in $1 ($name, pid $pid); stop it with: $HERE/down.sh $1"
      done <"$1/pids"
    fi
    log "removing the stopped sandbox in $1"
    "$HERE/down.sh" "$1"
  elif [[ -n $(ls -A "$1") ]]; then
    die "$1 is not empty and not a sandbox folder; choose another DIR"
  fi
fi
mkdir -p "$1"
DIR=$(cd "$1" && pwd) # absolute: the daemons get these paths in their flags
touch "$DIR/$MARKER"
mkdir -p "$DIR/pki" "$DIR/logs" "$DIR/etcd" "$DIR/components"
: >"$DIR/pids"

# Stop whatever was started unless we get to the end.
READY=0
on_exit() {
  local rc=$?
  if ((READY == 0)); then
    log "failed; stopping what was started (logs stay in $DIR/logs)"
    "$HERE/down.sh" --keep "$DIR" >&2 || true
    ((rc != 0)) || rc=1
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# --- binaries ---------------------------------------------------------------
# WEIR_CLUSTER_BIN: a folder with the binaries already built (else build.sh
# finds or builds them; when they are cached that takes milliseconds).
BIN=${WEIR_CLUSTER_BIN:-$("$HERE/build.sh" | tail -n1)}
for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok; do
  [[ -x $BIN/$b ]] || die "no $b in $BIN"
done
ISTIOD_BIN=${WEIR_ISTIOD_BIN:-$("$REPO/dev/istiod/build.sh" | tail -n1)}
[[ -x $ISTIOD_BIN/pilot-discovery ]] || die "no pilot-discovery in $ISTIOD_BIN"
export KUBECACHEDIR=$DIR/kube-cache # kubectl's discovery cache, per sandbox
kubectl() { "$BIN/kubectl" --kubeconfig "$DIR/kubeconfig" --context admin "$@"; }

# --- ports ------------------------------------------------------------------
# Ask the kernel for free loopback ports, all at once so they differ. Another
# process could take one before our daemon binds it; the daemon then fails to
# start, up.sh says so, and a rerun picks new ports.
read -r ETCD_PORT ETCD_PEER_PORT APISERVER_PORT KCM_PORT SCHEDULER_PORT KWOK_PORT ISTIOD_XDS_PORT ISTIOD_HTTP_PORT ISTIOD_MONITORING_PORT < <(
  python3 -c '
import socket
socks = [socket.socket() for _ in range(9)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))'
)
APISERVER_URL=https://127.0.0.1:$APISERVER_PORT
log "ports: etcd $ETCD_PORT/$ETCD_PEER_PORT, kube-apiserver $APISERVER_PORT, kcm $KCM_PORT, scheduler $SCHEDULER_PORT, kwok $KWOK_PORT, istiod xDS $ISTIOD_XDS_PORT / http $ISTIOD_HTTP_PORT"

# --- PKI (openssl) ------------------------------------------------------------
# EC P-256 keys: quick to generate, and accepted for TLS and for signing
# ServiceAccount tokens (ES256). Our own config file, so the result does not
# depend on the distribution's openssl.cnf.
PKI=$DIR/pki
cat >"$PKI/openssl.cnf" <<EOF
[req]
prompt = no
distinguished_name = dn
[dn]
CN = weir-sandbox
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[apiserver]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:$KUBERNETES_SERVICE_IP
EOF
ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ec_key "$PKI/ca.key"
openssl req -x509 -new -config "$PKI/openssl.cnf" -extensions ca -subj "/CN=weir-sandbox-ca" \
  -key "$PKI/ca.key" -days 3650 -out "$PKI/ca.crt" 2>/dev/null
ec_key "$PKI/apiserver.key"
openssl req -new -config "$PKI/openssl.cnf" -subj "/CN=kube-apiserver" \
  -key "$PKI/apiserver.key" -out "$PKI/apiserver.csr" 2>/dev/null
openssl x509 -req -in "$PKI/apiserver.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
  -set_serial "0x$(openssl rand -hex 16)" -days 365 \
  -extfile "$PKI/openssl.cnf" -extensions apiserver -out "$PKI/apiserver.crt" 2>/dev/null
ec_key "$PKI/sa.key"
openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
CA_DATA=$(base64 -w0 <"$PKI/ca.crt")

# --- users: static token file -------------------------------------------------
# token,user,uid,"groups". People are bound by deploy/rbac/sandbox-users.yaml;
# the components are in system:masters (a sandbox shortcut; a real cluster
# gives each its own RBAC identity).
declare -A TOKEN
USERS=(admin alice bob victor system:kube-controller-manager system:kube-scheduler kwok)
for u in "${USERS[@]}"; do TOKEN[$u]=$(openssl rand -hex 32); done
# A second cluster of the same people (a multi-cluster sandbox): some keep the token the first one knows.
if [[ -n ${WEIR_SANDBOX_SAME_USERS:-} ]]; then
  [[ -r $WEIR_SANDBOX_SAME_USERS ]] || die "WEIR_SANDBOX_SAME_USERS: cannot read $WEIR_SANDBOX_SAME_USERS"
  for u in ${WEIR_SANDBOX_SAME_USERS_NAMES:-admin alice bob}; do
    shared=$(awk -F, -v user="$u" '$2 == user { print $1; exit }' "$WEIR_SANDBOX_SAME_USERS")
    [[ -n $shared ]] || die "WEIR_SANDBOX_SAME_USERS: no token for $u in $WEIR_SANDBOX_SAME_USERS"
    TOKEN[$u]=$shared
  done
fi
{
  echo "${TOKEN[admin]},admin,admin,\"system:masters\""
  for u in alice bob victor; do echo "${TOKEN[$u]},$u,$u"; done
  for u in system:kube-controller-manager system:kube-scheduler kwok; do
    echo "${TOKEN[$u]},$u,$u,\"system:masters\""
  done
} >"$DIR/tokens.csv"

# kubeconfig FILE CONTEXT=USER... : one cluster, one context and user per
# argument, the first is current. Tokens and the CA are embedded.
kubeconfig() {
  local file=$1 first=${2%%=*} arg; shift
  {
    echo "apiVersion: v1"
    echo "kind: Config"
    echo "clusters:"
    echo "- name: weir-sandbox"
    echo "  cluster:"
    echo "    server: $APISERVER_URL"
    echo "    certificate-authority-data: $CA_DATA"
    echo "contexts:"
    for arg in "$@"; do
      echo "- name: ${arg%%=*}"
      echo "  context: {cluster: weir-sandbox, user: ${arg%%=*}}"
    done
    echo "current-context: $first"
    echo "users:"
    for arg in "$@"; do
      echo "- name: ${arg%%=*}"
      echo "  user: {token: ${arg#*=}}"
    done
  } >"$file.tmp"
  mv -f "$file.tmp" "$file"
}
kubeconfig "$DIR/kubeconfig" admin="${TOKEN[admin]}" alice="${TOKEN[alice]}" bob="${TOKEN[bob]}" victor="${TOKEN[victor]}"
kubeconfig "$DIR/components/kube-controller-manager.kubeconfig" kcm="${TOKEN[system:kube-controller-manager]}"
kubeconfig "$DIR/components/kube-scheduler.kubeconfig" scheduler="${TOKEN[system:kube-scheduler]}"
kubeconfig "$DIR/components/kwok.kubeconfig" kwok="${TOKEN[kwok]}"
log "pki, tokens and kubeconfigs written"

# --- process control --------------------------------------------------------
# start NAME CMD...: run detached in its own session (setsid; no terminal, so
# no SIGHUP, and its own process group, so down.sh can stop it with all its
# children). A background job of a non-interactive shell is not a process
# group leader, so setsid execs in place and $! is the daemon's own pid.
start() {
  local name=$1; shift
  setsid "$@" >"$DIR/logs/$name.log" 2>&1 </dev/null &
  echo "$name $!" >>"$DIR/pids"
}
pid_of() { awk -v n="$1" '$1 == n { print $2 }' "$DIR/pids"; }

# wait_for NAME TIMEOUT CMD...: until CMD succeeds; fail early if NAME exits.
wait_for() {
  local name=$1 timeout=$2 pid deadline; shift 2
  pid=$(pid_of "$name")
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$pid"; then
      log "$name exited; last 30 lines of $DIR/logs/$name.log:"
      tail -n 30 "$DIR/logs/$name.log" >&2
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "$name not ready after ${timeout}s; last 30 lines of $DIR/logs/$name.log:"
      tail -n 30 "$DIR/logs/$name.log" >&2
      exit 1
    fi
    sleep 0.1
  done
}

# step NAME CMD...: run a setup command, log to DIR/logs/NAME.log; on failure
# print its end and fail.
step() {
  local name=$1; shift
  if ! "$@" >"$DIR/logs/$name.log" 2>&1; then
    log "$name failed; last 30 lines of $DIR/logs/$name.log:"
    tail -n 30 "$DIR/logs/$name.log" >&2
    exit 1
  fi
}

https_ok() { curl -sf --max-time 2 --cacert "$PKI/ca.crt" "$1"; }
# kcm and the scheduler serve with a self-signed certificate of their own.
https_insecure_ok() { curl -sfk --max-time 2 "$1"; }
http_ok() { curl -sf --max-time 2 "$1"; }

# --- etcd -------------------------------------------------------------------
# Plain HTTP on loopback. --unsafe-no-fsync: the data lives only as long as the
# sandbox, and fsync is the slowest part of etcd on a shared disk.
start etcd "$BIN/etcd" \
  --name=weir-sandbox \
  --data-dir="$DIR/etcd" \
  --listen-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster="weir-sandbox=http://127.0.0.1:$ETCD_PEER_PORT" \
  --unsafe-no-fsync \
  --log-level=warn
wait_for etcd 20 http_ok "http://127.0.0.1:$ETCD_PORT/health"
log "etcd ready"

# --- kube-apiserver ---------------------------------------------------------
# Admission: the 1.35 defaults plus NodeRestriction (as kubeadm does). No
# ServiceAccount token Secrets are created automatically since 1.24, so the
# ServiceAccount plugin needs nothing special. --endpoint-reconciler-type=none:
# the apiserver cannot publish its loopback address as the endpoint of
# Service default/kubernetes (Endpoints refuse 127.0.0.0/8) and would log an
# error every 10 s; nothing in the sandbox reaches it through that Service.
start kube-apiserver "$BIN/kube-apiserver" \
  --bind-address=127.0.0.1 \
  --advertise-address=127.0.0.1 \
  --secure-port="$APISERVER_PORT" \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --authorization-mode=Node,RBAC \
  --token-auth-file="$DIR/tokens.csv" \
  --client-ca-file="$PKI/ca.crt" \
  --tls-cert-file="$PKI/apiserver.crt" \
  --tls-private-key-file="$PKI/apiserver.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" \
  --service-account-signing-key-file="$PKI/sa.key" \
  --allow-privileged=true \
  --enable-admission-plugins=NodeRestriction \
  --endpoint-reconciler-type=none \
  --audit-policy-file="$HERE/audit-policy.yaml" \
  --audit-log-path="$DIR/logs/audit.log" \
  --audit-log-maxsize=100 \
  --audit-log-maxbackup=1 \
  --cert-dir="$DIR/pki/apiserver-generated" \
  --profiling=false
wait_for kube-apiserver 60 https_ok "$APISERVER_URL/readyz"
VERSION=$(curl -sf --cacert "$PKI/ca.crt" "$APISERVER_URL/version" | sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p')
log "kube-apiserver $VERSION ready"

# --- controllers, scheduler, kwok -------------------------------------------
# They talk to the apiserver as token users in system:masters (see tokens.csv).
# Leader election is off: there is only one of each. Their /healthz is open to
# anonymous requests; --authentication-skip-lookup: there is no front proxy,
# so there is no request-header CA to look up (it would log errors otherwise).
KCM_KUBECONFIG=$DIR/components/kube-controller-manager.kubeconfig
start kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig="$KCM_KUBECONFIG" \
  --authentication-kubeconfig="$KCM_KUBECONFIG" \
  --authorization-kubeconfig="$KCM_KUBECONFIG" \
  --authentication-skip-lookup=true \
  --bind-address=127.0.0.1 \
  --secure-port="$KCM_PORT" \
  --controllers='*' \
  --service-account-private-key-file="$PKI/sa.key" \
  --root-ca-file="$PKI/ca.crt" \
  --cluster-signing-cert-file="$PKI/ca.crt" \
  --cluster-signing-key-file="$PKI/ca.key" \
  --use-service-account-credentials=false \
  --leader-elect=false \
  --kube-api-qps=100 \
  --kube-api-burst=200 \
  --profiling=false

SCHEDULER_KUBECONFIG=$DIR/components/kube-scheduler.kubeconfig
start kube-scheduler "$BIN/kube-scheduler" \
  --kubeconfig="$SCHEDULER_KUBECONFIG" \
  --authentication-kubeconfig="$SCHEDULER_KUBECONFIG" \
  --authorization-kubeconfig="$SCHEDULER_KUBECONFIG" \
  --authentication-skip-lookup=true \
  --bind-address=127.0.0.1 \
  --secure-port="$SCHEDULER_PORT" \
  --leader-elect=false \
  --profiling=false

start kwok "$BIN/kwok" \
  --config="$HERE/kwok.yaml" \
  --kubeconfig="$DIR/components/kwok.kubeconfig" \
  --server-address="127.0.0.1:$KWOK_PORT"

# --- objects ------------------------------------------------------------------
# Meanwhile: RBAC, CRDs and the fake Nodes. Server-side apply for CRDs: the
# Istio CRD file is too big for client-side apply's last-applied annotation.
step apply-rbac kubectl apply -f "$REPO/deploy/rbac/"
log "deploy/rbac applied"

CRDS=0
if [[ -d $CRDS_DIR ]]; then
  CRDS=1
  step apply-crds kubectl apply --server-side --field-manager=weir-sandbox -R -f "$CRDS_DIR"
  log "CRDs from $CRDS_DIR applied"
else
  log "warning: no $CRDS_DIR; Istio, Gateway API and SMI CRDs not installed"
fi
if [[ -d $REPO/deploy/crds ]] && [[ -n $(find "$REPO/deploy/crds" -name '*.yaml' -o -name '*.yml' -o -name '*.json') ]]; then
  CRDS=1
  step apply-weir-crds kubectl apply --server-side --field-manager=weir-sandbox -R -f "$REPO/deploy/crds"
  log "deploy/crds applied"
fi

# Fake Nodes, managed by kwok (annotation kwok.x-k8s.io/node=fake). Their
# status is set on create (allowed for Nodes); kwok's node-initialize Stage
# keeps what is there and marks them Ready. Each has its own pod CIDR, from
# which kwok gives Pods their IPs. Pod IPs are made up: nothing listens on
# them, never dial them. Node addresses are loopback addresses, so anything
# that dials a Node (kubectl logs/exec, the node proxy) stays on this machine
# and is refused.
nodes_yaml() {
  local i
  for ((i = 0; i < NODES; i++)); do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kwok.x-k8s.io/node: fake
    type: kwok
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: kwok-node-$i
    node-role.kubernetes.io/agent: ""
spec:
  podCIDR: 10.244.$i.0/24
  podCIDRs: [10.244.$i.0/24]
status:
  addresses:
  - {type: InternalIP, address: 127.0.1.$((i + 1))}
  - {type: Hostname, address: kwok-node-$i}
  # 250 pods a Node (a kubelet's default is 110), just under the 254 addresses of its /24: the integration run
  # leaves every test's namespace in place, and at 3 x 110 its last suites' pods stayed Pending ("Too many pods").
  capacity: {cpu: "32", memory: 256Gi, pods: "250"}
  allocatable: {cpu: "32", memory: 256Gi, pods: "250"}
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    kubeletVersion: $VERSION
    kubeProxyVersion: $VERSION
EOF
  done
}
step apply-nodes kubectl apply -f <(nodes_yaml)
log "$NODES fake nodes created"

((CRDS == 0)) || step wait-crds kubectl wait --for=condition=Established --timeout=60s crd --all

# A token for the console's own ServiceAccount (deploy/rbac/console.yaml),
# as context "weir-console".
CONSOLE_TOKEN=$(kubectl -n weir-system create token weir-console --duration=8760h) ||
  die "could not create a token for ServiceAccount weir-system/weir-console"
kubeconfig "$DIR/kubeconfig" admin="${TOKEN[admin]}" alice="${TOKEN[alice]}" bob="${TOKEN[bob]}" \
  victor="${TOKEN[victor]}" weir-console="$CONSOLE_TOKEN"

# --- istiod -------------------------------------------------------------------
# Istio's control plane, run as a process against this API server with the
# shipped CRDs: plaintext xDS and its debug HTTP on loopback ports; nothing that
# needs a real node or network (no CA, no TLS listeners, no webhooks, no
# gateway Deployments). It writes Gateway API route status and, with analysis
# on, Istio's own validation messages into the status of the objects it reads.
# It talks to the API server as the admin (a sandbox shortcut, like the
# components above).
step istio-namespace kubectl create namespace istio-system
mkdir -p "$DIR/istiod"
start istiod env --chdir="$DIR/istiod" \
  POD_NAMESPACE=istio-system POD_NAME=istiod-sandbox CLUSTER_ID=Kubernetes \
  ENABLE_CA_SERVER=false VALIDATION_WEBHOOK_CONFIG_NAME= INJECTION_WEBHOOK_CONFIG_NAME= \
  PILOT_ENABLE_GATEWAY_API=true PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER=false \
  PILOT_ENABLE_STATUS=true PILOT_ENABLE_CONFIG_DISTRIBUTION_TRACKING=true PILOT_ENABLE_ANALYSIS=true \
  "$ISTIOD_BIN/pilot-discovery" discovery \
  --kubeconfig="$DIR/kubeconfig" \
  --grpcAddr="127.0.0.1:$ISTIOD_XDS_PORT" \
  --httpAddr="127.0.0.1:$ISTIOD_HTTP_PORT" \
  --monitoringAddr="127.0.0.1:$ISTIOD_MONITORING_PORT" \
  --secureGRPCAddr= \
  --httpsAddr= \
  --domain=cluster.local

# --- ready? -------------------------------------------------------------------
wait_for kube-controller-manager 30 https_insecure_ok "https://127.0.0.1:$KCM_PORT/healthz"
wait_for kube-scheduler 30 https_insecure_ok "https://127.0.0.1:$SCHEDULER_PORT/healthz"
wait_for kwok 30 http_ok "http://127.0.0.1:$KWOK_PORT/healthz"
step wait-nodes kubectl wait --for=condition=Ready --timeout=30s node --all
# Pods are refused until their namespace's "default" ServiceAccount exists
# (created by kube-controller-manager); wait for it in "default".
step wait-default-sa kubectl -n default wait --for=create --timeout=30s serviceaccount/default
wait_for istiod 60 http_ok "http://127.0.0.1:$ISTIOD_HTTP_PORT/ready"
ISTIOD_VERSION=$(basename "$(dirname "$ISTIOD_BIN")")
log "istiod ($ISTIOD_VERSION) ready: xDS at 127.0.0.1:$ISTIOD_XDS_PORT"

# --- contract for other tools ---------------------------------------------------
{
  printf 'WEIR_SANDBOX_DIR=%q\n' "$DIR"
  printf 'KUBECONFIG=%q\n' "$DIR/kubeconfig"
  printf 'WEIR_APISERVER_URL=%q\n' "$APISERVER_URL"
  printf 'WEIR_APISERVER_CA_FILE=%q\n' "$PKI/ca.crt"
  printf 'WEIR_K8S_VERSION=%q\n' "$VERSION"
  printf 'WEIR_APISERVER_PORT=%q\n' "$APISERVER_PORT"
  printf 'WEIR_ETCD_PORT=%q\n' "$ETCD_PORT"
  printf 'WEIR_ETCD_PEER_PORT=%q\n' "$ETCD_PEER_PORT"
  printf 'WEIR_KCM_PORT=%q\n' "$KCM_PORT"
  printf 'WEIR_SCHEDULER_PORT=%q\n' "$SCHEDULER_PORT"
  printf 'WEIR_KWOK_PORT=%q\n' "$KWOK_PORT"
  printf 'WEIR_ISTIOD_XDS=%q\n' "127.0.0.1:$ISTIOD_XDS_PORT"
  printf 'WEIR_ISTIOD_URL=%q\n' "http://127.0.0.1:$ISTIOD_HTTP_PORT"
  printf 'WEIR_ISTIOD_VERSION=%q\n' "$ISTIOD_VERSION"
  printf 'WEIR_SANDBOX_PIDS=%q\n' "$DIR/pids"
  printf 'WEIR_SANDBOX_LOGS=%q\n' "$DIR/logs"
  printf 'WEIR_SANDBOX_BIN=%q\n' "$BIN"
} >"$DIR/sandbox.env"

READY=1
log "ready in $(( ($(date +%s%N) - T0) / 1000000 ))ms; environment in $DIR/sandbox.env"
echo "sandbox ready: kube-apiserver $VERSION at $APISERVER_URL"
