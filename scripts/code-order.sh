#!/usr/bin/env bash
# Regenerates cmake/cmon-mcp.order, the list of functions the linker places first in cmon-mcp's text:
# those run at start-up, then those a first session runs (initialize, tools/list, tools/call, ping).
# Why: start-up touches about 800 KB of functions scattered over 5.6 MB of text, and the kernel maps
# 64 KiB of the file around each page it faults in, so scattered start-up code kept 4.2 MiB of the
# binary resident. Grouped, the same code fills about 1 MiB (docs/performance.md, "Idle RSS").
#
# How: runs build/cmon-mcp (or $BUILD_DIR) under callgrind against cmon-sim, dumps the profile once
# the daemon serves, drives one Streamable HTTP session with curl, and lists the executed functions
# of the binary by their symbol names, start-up first. Needs valgrind, python3 and curl; takes about
# a minute. Rerun it after larger changes to start-up or the request path, then rebuild; a stale list
# costs memory, never correctness (names no longer found are skipped by the linker).
#
#   scripts/code-order.sh          regenerate the list
#   scripts/code-order.sh --check  only check that most listed functions still exist in the binary (a test)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
out="$root/cmake/cmon-mcp.order"

if [ "${1:-}" = "--check" ]; then
  # Renamed or removed functions leave names behind that the linker skips; once a fifth are gone,
  # start-up code is scattered again and idle RSS grows by megabytes: time to regenerate.
  listed=$(grep -c . "$out")
  found=$(nm --defined-only "$build/cmon-mcp" | awk '{print $NF}' | sort -u | comm -12 - <(sort -u "$out") | wc -l)
  echo "$found of $listed functions of cmake/cmon-mcp.order are in $build/cmon-mcp"
  if [ $((found * 100)) -lt $((listed * 80)) ]; then
    echo "the code order is stale: run scripts/code-order.sh and rebuild" >&2
    exit 1
  fi
  exit 0
fi
for b in cmon-mcp cmon-sim; do
  [ -x "$build/$b" ] || { echo "$build/$b not found: build first (scripts/build.sh)" >&2; exit 2; }
done
for c in valgrind callgrind_control python3 curl; do
  command -v "$c" >/dev/null || { echo "$c is needed (apt-get install valgrind python3 curl)" >&2; exit 2; }
done

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() {  # FILE PATTERN SECONDS
  for _ in $(seq $(($3 * 10))); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1" >&2
  cat "$1" >&2
  exit 1
}

"$build/cmon-sim" --bind 127.0.0.1:0 >"$work/sim.out" 2>"$work/sim.err" &
pids+=($!)
wait_for "$work/sim.out" "listening on" 10
endpoint="$(sed -n 's/^listening on //p' "$work/sim.out" | head -1)"

: >"$work/empty.env"
CMON_PASSWORD=admin valgrind --tool=callgrind --demangle=no --dump-instr=no \
  --callgrind-out-file="$work/cg.out" "$build/cmon-mcp" --config "$work/empty.env" \
  -endpoint "$endpoint" -username admin -bind 127.0.0.1:0 2>"$work/daemon.err" &
daemon=$!
pids+=($daemon)
wait_for "$work/daemon.err" "serving MCP on" 120
sleep 2  # the initial CMON login runs after the listener opens
callgrind_control -d startup "$daemon" >/dev/null 2>&1

url="$(grep -o 'serving MCP on http://127.0.0.1:[0-9]*' "$work/daemon.err" | sed 's/serving MCP on //')/mcp"
post() {  # BODY [SESSION]
  curl -sS -D "$work/headers" -o "$work/body" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' -H 'MCP-Protocol-Version: 2025-06-18' \
    ${2:+-H "Mcp-Session-Id: $2"} --data "$1" "$url"
}
post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"code-order","version":"1"}}}'
session="$(tr -d '\r' <"$work/headers" | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: //p')"
[ -n "$session" ] || { echo "no session id in the initialize answer" >&2; cat "$work/headers" "$work/body" >&2; exit 1; }
post '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$session"
post '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' "$session"
for tool in list_clusters get_cluster_health list_backups; do
  args='{}'
  [ "$tool" = list_clusters ] || args='{"cluster_id":1}'
  post "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"$tool\",\"arguments\":$args}}" "$session"
  grep -q '"result"' "$work/body" || { echo "tools/call $tool failed:" >&2; cat "$work/body" >&2; exit 1; }
done
post '{"jsonrpc":"2.0","id":4,"method":"ping"}' "$session"
curl -sS -o /dev/null -X DELETE -H "Mcp-Session-Id: $session" "$url"
kill -INT "$daemon"
wait "$daemon" || true

binary="$(readlink -f "$build/cmon-mcp")"
python3 - "$binary" "$out" "$work"/cg.out* <<'EOF'
import re, sys
binary, out, dumps = sys.argv[1], sys.argv[2], sys.argv[3:]
# callgrind numbers its dumps: cg.out.1 is the start-up, the final one the session.
dumps.sort(key=lambda p: int(p.rsplit('.', 1)[1]) if p.rsplit('.', 1)[1].isdigit() else 1 << 30)
compressed = re.compile(r'\((\d+)\)(?: (.*))?')
order, seen = [], set()
for path in dumps:
    names = {'ob': {}, 'fn': {}}
    ob = None
    group = []
    for line in open(path, errors='replace'):
        key, sep, value = line.rstrip('\n').partition('=')
        if not sep or key not in ('ob', 'cob', 'fn', 'cfn'):
            continue
        kind = 'ob' if key.endswith('ob') else 'fn'
        m = compressed.match(value)
        if m:
            if m.group(2) is not None:
                names[kind][m.group(1)] = m.group(2)
            value = names[kind].get(m.group(1), '')
        if key == 'ob':
            ob = value
        # Every named function: C++ ones, main, and the static initialisers (_GLOBAL__sub_I_...) of
        # each object; callgrind names code without a symbol by its address (0x...), left out.
        elif key == 'fn' and ob == binary and not value.startswith('0x') and ' ' not in value:
            value = re.sub(r"'\d+$", '', value)  # callgrind's recursion depth suffix
            if value not in seen:
                seen.add(value)
                group.append(value)
    # Sorted within each group: callgrind's order varies from run to run, and only the grouping
    # matters (a group shares pages); a regenerated list then differs only where the code did.
    order += sorted(group)
with open(out, 'w') as f:
    f.write('\n'.join(order) + '\n')
print(f'{out}: {len(order)} functions')
EOF
