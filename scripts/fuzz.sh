#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan, and runs each for SECONDS (default 60)
# from its seed corpus in tests/fuzz/corpus/<target>. Prints executions and coverage per target;
# exits non-zero when a target finds a crash (the reproducer is left in the work directory).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
targets=(fuzz_dispatcher fuzz_env_file fuzz_argv)

if ! command -v clang++-14 >/dev/null || [ ! -f /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev llvm-14 >/dev/null
fi
CXX=clang++-14 CC=clang-14 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMON_MCP_FUZZ=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

work="$build/fuzz-work"
status=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  log="$work/$t.log"
  echo "== $t: ${seconds}s"
  if ! (cd "$work" && "$build/$t" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 \
        -timeout=10 -artifact_prefix="$work/$t-" "$work/$t" "$root/tests/fuzz/corpus/${t#fuzz_}" >"$log" 2>&1); then
    echo "   FAILED: see $log"; tail -30 "$log"; status=1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
  echo "   executions: ${execs:-?}  ${cov:-cov: ?}  corpus: $(ls "$work/$t" | wc -l) files"
done
exit $status
