#!/usr/bin/env bash
# ThreadSanitizer run, not part of CI (another whole build of the libraries: docs/reliability.md).
# Builds build-tsan/ (or $TSAN_BUILD_DIR) with clang 14 and -fsanitize=thread, runs the unit tests
# whose code has threads or strands (transport HTTP and stdio, mcp, CMON client) and then the daemon
# and the simulator under the soak's mixed load (io thread pool, all three transports) for MINUTES
# (default 3). Any ThreadSanitizer report fails it.
#   scripts/tsan.sh [MINUTES]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${TSAN_BUILD_DIR:-$root/build-tsan}"
minutes="${1:-3}"
tests=(transport_http_tests transport_stdio_tests mcp_tests cmon_client_tests)

CXX=clang++-14 CC=clang-14 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -gline-tables-only" -DCMON_MCP_TSAN=ON -DCMON_MCP_WERROR=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${tests[@]}" cmon-mcp cmon-sim

reports="$build/tsan-reports"
rm -rf "$reports" && mkdir -p "$reports"
rm -f "$build"/test-logs/soak-*
export TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:log_path=$reports/tsan:log_exe_name=1"
status=0
for t in "${tests[@]}"; do
  echo "== $t"
  "$build/$t" --gtest_brief=1 || status=1
done
echo "== soak, $minutes min, on the ThreadSanitizer binaries"
# The soak starts its servers with a reduced environment; what they print goes to $build/test-logs.
BUILD_DIR="$build" "$root/scripts/soak.sh" --soak "$minutes" || status=1
if compgen -G "$reports/*" >/dev/null || grep -lq "ThreadSanitizer" "$build"/test-logs/soak-* 2>/dev/null; then
  echo "ThreadSanitizer reports:"
  cat "$reports"/* 2>/dev/null || true
  grep -l "ThreadSanitizer" "$build"/test-logs/soak-* 2>/dev/null || true
  status=1
fi
((status == 0)) && echo "tsan: no report"
exit $status
