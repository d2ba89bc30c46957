#!/usr/bin/env bash
# Installs what building and testing cmon-mcp needs on Debian 12, from Debian's packages and npm.
# Idempotent and quick when everything is already there. Run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libboost1.81-dev nlohmann-json3-dev libspdlog-dev libcli11-dev libssl-dev libsystemd-dev
  libgtest-dev libgmock-dev
  openssl curl procps
  wrk hyperfine binutils
  # lld: links faster, and lays out cmon-mcp's code by cmake/cmon-mcp.order (cmake/CmonMcp.cmake)
  lld
  # The sanitizer build and the fuzzers (scripts/build-sanitized.sh, fuzz.sh): clang, libFuzzer and the
  # sanitizer runtimes, llvm-symbolizer for readable reports.
  clang-14 libclang-rt-14-dev llvm-14
  # the packaging stage: dpkg-shlibdeps, rpmbuild, systemd-analyze; adduser for the .deb's postinst
  dpkg-dev rpm systemd adduser init-system-helpers
)
# A machine that already has Node.js (the end-to-end tests need 18+) keeps it; else Debian's.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The end-to-end tests drive cmon-mcp with the official MCP clients, pinned in tests/e2e/package-lock.json;
# the benchmark's reference server is built on the official TypeScript SDK, pinned in bench/package-lock.json.
root="$(cd "$(dirname "$0")/.." && pwd)"
for dir in "$root/tests/e2e" "$root/bench"; do
  if [ -f "$dir/package-lock.json" ]; then
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  fi
done
