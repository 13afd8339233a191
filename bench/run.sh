#!/usr/bin/env bash
# `npm run bench`: Node 24 first on PATH (the project's, as ./weir test installs it), then bench/run.ts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source dev/bootstrap.sh
ensure_node
exec node bench/run.ts "$@"
