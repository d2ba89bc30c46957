#!/usr/bin/env bash
# The whole test suite, as CI runs it: dependencies, build, every test under ctest; then the same suite
# built with AddressSanitizer + LeakSanitizer + UBSan (clang 14) and run again, end-to-end tests
# included, and every fuzz target for 60 s on that build (docs/reliability.md).
# CMON_MCP_CI_STAGES picks stages for local use (default "test sanitize fuzz"); extra arguments go to
# the first ctest run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
san="${SAN_BUILD_DIR:-$root/build-san}"
stages=" ${CMON_MCP_CI_STAGES:-test sanitize fuzz} "
status=0

stage() { [[ "$stages" == *" $1 "* ]]; }
elapsed() { echo "== $1: $(($(date +%s) - $2)) s"; }

"$root/scripts/install-deps.sh"

if stage test; then
  t0=$(date +%s)
  BUILD_DIR="$build" "$root/scripts/build.sh"
  elapsed "build" "$t0"
  t0=$(date +%s)
  (cd "$build" && ctest --output-on-failure -j2 --timeout 600 "$@") || status=1
  elapsed "tests" "$t0"
fi

if stage sanitize || stage fuzz; then
  t0=$(date +%s)
  SAN_BUILD_DIR="$san" "$root/scripts/build-sanitized.sh"
  elapsed "sanitizer build" "$t0"
fi

if stage sanitize; then
  t0=$(date +%s)
  # A 64 MB quarantine (default 256) keeps many concurrent sanitized processes within a CI machine's
  # memory. Reports go to files (log_path), printed after ctest: a report from a child process whose
  # exit status a test does not look at (a daemon stopped with SIGTERM, leaks found at its exit) still
  # fails the run.
  reports="$san/sanitizer-reports"
  rm -rf "$reports" && mkdir -p "$reports"
  export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:check_initialization_order=1:quarantine_size_mb=64:log_path=$reports/asan:log_exe_name=1"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan:log_exe_name=1"
  export LSAN_OPTIONS="suppressions=$root/tests/sanitizer/lsan.supp:print_suppressions=0"
  # The benchmark smoke test (label bench) measures nothing useful under the sanitizers: left out.
  (cd "$san" && ctest --output-on-failure -j2 --timeout 900 -LE bench) || status=1
  # A report has an ERROR or SUMMARY line (ASan, LSan) or a "runtime error" (UBSan); other lines the
  # runtimes may log there (warnings about the environment) are shown but do not fail the run.
  if compgen -G "$reports/*" >/dev/null; then
    echo "sanitizer logs:"
    for f in "$reports"/*; do echo "--- $f"; cat "$f"; done
    if grep -lqE "ERROR: |SUMMARY: |runtime error:" "$reports"/*; then status=1; fi
  fi
  unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
  elapsed "sanitized tests" "$t0"
fi

if stage fuzz; then
  t0=$(date +%s)
  FUZZ_BUILD_DIR="$san" "$root/scripts/fuzz.sh" "${CMON_MCP_FUZZ_SECONDS:-60}" || status=1
  elapsed "fuzzing" "$t0"
fi
exit $status
