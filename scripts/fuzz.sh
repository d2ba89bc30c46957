#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS (default 60) from its seed corpus in tests/fuzz/corpus/<target>,
# on the sanitizer build (ASan + UBSan, scripts/build-sanitized.sh; $FUZZ_BUILD_DIR, default build-san/),
# FUZZ_JOBS targets at a time (default: the number of cores; each fuzzer uses one).
# Prints executions and coverage per target; exits non-zero when a target finds a crash (the reproducer
# is left in the work directory: fix the bug, then add the file to the target's corpus, where the
# fuzz_*_corpus ctest entries replay it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
build="${FUZZ_BUILD_DIR:-$root/build-san}"
jobs="${FUZZ_JOBS:-$(nproc)}"
targets=(fuzz_dispatcher fuzz_http fuzz_cmon_replies fuzz_env_file fuzz_argv fuzz_json_parse)

SAN_BUILD_DIR="$build" "$root/scripts/build-sanitized.sh" "${targets[@]}"

work="$build/fuzz-work"
run_one() {
  local t=$1
  rm -rf "${work:?}/$t" && mkdir -p "$work/$t"
  # New inputs go to the work directory; the seed corpus in the repository is only read.
  (cd "$work" && ASAN_OPTIONS="detect_leaks=1:halt_on_error=1" UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
    "$build/$t" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$work/$t-" "$work/$t" "$root/tests/fuzz/corpus/${t#fuzz_}" >"$work/$t.log" 2>&1)
  echo $? >"$work/$t.rc"
}

mkdir -p "$work"
declare -A pid
status=0
running=()
for t in "${targets[@]}"; do
  while ((${#running[@]} >= jobs)); do
    wait -n || true
    still=()
    for r in "${running[@]}"; do kill -0 "${pid[$r]}" 2>/dev/null && still+=("$r"); done
    running=("${still[@]}")
  done
  rm -f "$work/$t.rc"
  (set +e; run_one "$t") & pid[$t]=$!
  running+=("$t")
done
wait
for t in "${targets[@]}"; do
  log="$work/$t.log"
  if [ "$(cat "$work/$t.rc" 2>/dev/null)" != 0 ]; then
    echo "== $t: FAILED (see $log)"; tail -40 "$log"; status=1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
  echo "== $t: ${seconds}s, executions: ${execs:-?}, ${cov:-cov: ?}, new corpus files: $(ls "$work/$t" | wc -l)"
done
exit $status
