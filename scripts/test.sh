#!/usr/bin/env bash
# The whole test suite, as CI runs it: dependencies, build, then every test under ctest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"
BUILD_DIR="$build" "$root/scripts/build.sh"
cd "$build"
ctest --output-on-failure -j2 --timeout 600 "$@"
