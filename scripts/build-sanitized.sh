#!/usr/bin/env bash
# Configures and builds the sanitizer tree (default build-san/, or $SAN_BUILD_DIR): clang 14 with
# AddressSanitizer + LeakSanitizer + UndefinedBehaviorSanitizer and libFuzzer's coverage instrumentation,
# so that one compilation serves both the sanitized test run and the fuzzers (scripts/test.sh, fuzz.sh).
# -O0 without debug info: compiling with the sanitizers costs about what the normal RelWithDebInfo build
# costs (at -O1 it was three times as much, docs/reliability.md); reports still name every function.
# Warnings are not errors here (clang's set differs from GCC's; the normal build enforces them).
# Arguments, if any, are the targets to build (default: everything).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SAN_BUILD_DIR:-$root/build-san}"

if ! command -v clang++-14 >/dev/null || ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "clang-14 and libclang-rt-14-dev are needed: run scripts/install-deps.sh" >&2
  exit 2
fi
CXX=clang++-14 CC=clang-14 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  "-DCMAKE_CXX_FLAGS_DEBUG=${SAN_CXX_FLAGS:--O0 -g0}" -DCMON_MCP_SANITIZE=ON -DCMON_MCP_FUZZ=ON \
  -DCMON_MCP_WERROR=OFF ${CMAKE_ARGS:-} >/dev/null
if (($#)); then
  cmake --build "$build" -j"$(nproc)" --target "$@"
else
  cmake --build "$build" -j"$(nproc)"
fi
