#!/usr/bin/env bash
# Soak test, not part of the default CI run: mixed traffic for MINUTES over stdio, legacy SSE and
# Streamable HTTP with connects and disconnects, checking the daemons' RSS, open descriptors and
# sessions for growth (tests/e2e/soak.mjs). Uses the binaries of build/ (or $BUILD_DIR).
#   scripts/soak.sh --soak MINUTES [--workers N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
if [ "${1:-}" != "--soak" ] || [ -z "${2:-}" ]; then
  echo "usage: scripts/soak.sh --soak MINUTES [--workers N]" >&2
  exit 2
fi
for b in cmon-mcp cmon-sim; do
  [ -x "$build/$b" ] || { echo "$build/$b not found: build first (scripts/build.sh)" >&2; exit 2; }
done
[ -d "$root/tests/e2e/node_modules" ] || (cd "$root/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
cd "$root/tests/e2e"
CMON_MCP="$build/cmon-mcp" CMON_SIM="$build/cmon-sim" BUILD_DIR="$build" exec node soak.mjs "$@"
