#!/usr/bin/env bash
# The systemd unit: `systemd-analyze verify` (with ExecStart pointed at the built binary, which is not
# installed here) and the offline `systemd-analyze security` exposure score, which must stay below 2.0.
# Env: CMON_MCP (the built binary), UNIT (systemd/cmon-mcp.service).
set -euo pipefail
command -v systemd-analyze >/dev/null || { echo "SKIPPED: systemd-analyze is not installed"; exit 77; }
unit="${UNIT:?}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed "s#^ExecStart=/usr/bin/cmon-mcp#ExecStart=${CMON_MCP:?}#" "$unit" >"$work/cmon-mcp.service"
grep -q "^ExecStart=${CMON_MCP}" "$work/cmon-mcp.service" || { echo "FAIL: no ExecStart=/usr/bin/cmon-mcp in $unit" >&2; exit 1; }
# man pages are checked by the install test, where the package has installed cmon-mcp(1).
if ! systemd-analyze verify --man=no "$work/cmon-mcp.service"; then
  echo "FAIL: systemd-analyze verify $unit" >&2
  exit 1
fi
echo "ok:   systemd-analyze verify"
report="$(systemd-analyze security --offline=true --no-pager "$work/cmon-mcp.service" 2>&1)" || true
score="$(sed -n 's/.*Overall exposure level for cmon-mcp.service: \([0-9.]*\).*/\1/p' <<<"$report")"
if [ -z "$score" ]; then
  echo "$report" >&2
  echo "FAIL: systemd-analyze security printed no exposure level" >&2
  exit 1
fi
grep -E '^✗' <<<"$report" || true
if awk -v s="$score" 'BEGIN { exit !(s < 2.0) }'; then
  echo "ok:   exposure level $score (< 2.0; docs/security.md records it)"
else
  echo "FAIL: exposure level $score is not below 2.0: a hardening setting was lost" >&2
  exit 1
fi
