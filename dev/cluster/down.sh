#!/usr/bin/env bash
# Stops a sandbox started by up.sh and removes its folder.
#
#   dev/cluster/down.sh DIR          # stop everything, then rm -rf DIR
#   dev/cluster/down.sh --keep DIR   # stop everything, keep DIR (logs); up.sh
#                                    # uses this when a start fails
#
# Safe when DIR is missing or was only partly started. Stops the processes in
# DIR/pids with their process groups (TERM, then KILL after 10 s), then looks
# for any sandbox binary still running with DIR in its arguments (e.g. when
# up.sh was killed between starting a process and writing its pid) and stops
# it too. Exits non-zero, and keeps DIR, if anything is still running.
set -euo pipefail

KEEP=0
if [[ ${1-} == --keep ]]; then KEEP=1; shift; fi
[[ $# -eq 1 && -n $1 ]] || { echo "usage: $0 [--keep] DIR" >&2; exit 2; }

log() { echo "down.sh: $*" >&2; }
MARKER=.weir-sandbox
# prometheus and node (the traffic simulator) are started by dev/sandbox/traffic.ts with DIR in their arguments.
BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok pilot-discovery prometheus node)

if [[ ! -e $1 ]]; then
  log "$1 does not exist; nothing to stop"
  exit 0
fi
DIR=$(cd "$1" && pwd)
if [[ ! -f $DIR/$MARKER ]]; then
  # Never rm -rf a folder up.sh did not make.
  log "$DIR is not a sandbox folder (no $MARKER); leaving it alone"
  exit 1
fi

alive() { # pid: running and not a zombie
  local stat
  stat=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $stat != Z* ]]
}

# Is pid one of this sandbox's processes? Guards against a pid reused since
# (every daemon has DIR in its arguments) and matches only our binaries.
ours() {
  local pid=$1 args exe
  args=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ $args == *"$DIR/"* ]] || return 1
  exe=$(basename "${args%% *}")
  local b
  for b in "${BINARIES[@]}"; do [[ $exe == "$b" ]] && return 0; done
  return 1
}

# Sandbox processes by scanning, not by the pid file.
scan() {
  local pid
  for pid in $(ps -e -o pid=); do
    ours "$pid" && alive "$pid" && echo "$pid"
  done
  return 0
}

# signal SIG PID: the process group when the pid leads one (up.sh starts each
# daemon with setsid), else just the process.
signal() {
  local sig=$1 pid=$2 pgid
  pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') || return 0
  if [[ $pgid == "$pid" ]]; then
    kill "-$sig" -- "-$pid" 2>/dev/null || true
  else
    kill "-$sig" "$pid" 2>/dev/null || true
  fi
}

PIDS=()
if [[ -f $DIR/pids ]]; then
  # Newest first: kwok, the scheduler and kcm before the apiserver, etcd last.
  while read -r name pid; do
    [[ -n ${pid-} ]] || continue
    if alive "$pid" && ours "$pid"; then PIDS+=("$pid"); log "stopping $name (pid $pid)"; fi
  done < <(tac "$DIR/pids")
fi
for pid in $(scan); do
  [[ " ${PIDS[*]-} " == *" $pid "* ]] && continue
  log "stopping pid $pid, not in $DIR/pids: $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | cut -c1-120)"
  PIDS+=("$pid")
done

if ((${#PIDS[@]})); then
  for pid in "${PIDS[@]}"; do signal TERM "$pid"; done
  deadline=$((SECONDS + 10))
  while ((SECONDS < deadline)); do
    left=0
    for pid in "${PIDS[@]}"; do alive "$pid" && left=1; done
    ((left)) || break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do
    if alive "$pid"; then log "pid $pid ignored TERM; killing"; signal KILL "$pid"; fi
  done
  sleep 0.2
fi

LEFT=$(scan)
if [[ -n $LEFT ]]; then
  log "still running after stop: ${LEFT//$'\n'/ }; keeping $DIR"
  exit 1
fi

if ((KEEP)); then
  log "stopped; kept $DIR"
else
  rm -rf "$DIR"
  log "stopped; removed $DIR"
fi
