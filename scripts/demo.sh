#!/usr/bin/env bash
# Builds cmon-mcp and runs it. With no controller configured (CMON_ENDPOINT unset and no
# /etc/default/cmon-mcp) it starts the bundled CMON simulator and points cmon-mcp at it, so that
# anyone can try cmon-mcp without a ClusterControl installation. Ctrl-C stops everything.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"
BUILD_DIR="$build" "$root/scripts/build.sh"

bind="${MCP_BIND_ADDRESS:-127.0.0.1:3000}"
token="${MCP_AUTH_TOKEN:-$(openssl rand -hex 32)}"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if [ -z "${CMON_ENDPOINT:-}" ] && [ ! -f /etc/default/cmon-mcp ]; then
  out="$(mktemp)"
  "$build/cmon-sim" --bind 127.0.0.1:0 --job-speed 1 >"$out" &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q '^listening on ' "$out" && break; sleep 0.1; done
  export CMON_ENDPOINT="$(sed -n 's/^listening on //p' "$out" | head -1)"
  export CMON_USERNAME=admin CMON_PASSWORD=admin
  echo "CMON simulator (demo data, no real databases) at $CMON_ENDPOINT"
fi

cat <<INFO

cmon-mcp on http://$bind   (Ctrl-C stops it)
  Streamable HTTP: http://$bind/mcp      legacy SSE: http://$bind/sse
  Bearer token:    $token

Connect a client, for example:
  claude mcp add --transport http cmon http://$bind/mcp --header "Authorization: Bearer $token"
  npx @modelcontextprotocol/inspector --cli http://$bind/mcp --header "Authorization: Bearer $token" --method tools/list

INFO
MCP_AUTH_TOKEN="$token" "$build/cmon-mcp" --bind "$bind" &
pids+=($!)
wait -n "${pids[@]}"
