#!/usr/bin/env bash
# Installs the .deb built by build_and_inspect.sh on this machine, checks what the maintainer scripts
# did (system user, generated token, modes, enablement), runs the installed binary and `cmon-mcp check`
# as the service user against a cmon-sim started here on 127.0.0.1, reinstalls it (the edited conffile
# and the token must survive), then purges it and checks that nothing is left.
# Runs only as root and when CI=true or CMON_MCP_PACKAGE_INSTALL_TEST=1: it changes the machine.
# Env: BUILD_DIR, CMON_MCP (the built binary, for the version), CMON_SIM.
set -euo pipefail
if [ "$(id -u)" -ne 0 ] || { [ "${CI:-}" != true ] && [ "${CMON_MCP_PACKAGE_INSTALL_TEST:-}" != 1 ]; }; then
  echo "SKIPPED: installing the .deb needs root and CI=true or CMON_MCP_PACKAGE_INSTALL_TEST=1 (it installs, then purges, cmon-mcp on this machine)"
  exit 77
fi
build="${BUILD_DIR:?}"
sim_bin="${CMON_SIM:?}"
version="$("${CMON_MCP:?}" --version | awk '{print $2}')"
deb="$build/packages/cmon-mcp_${version}_amd64.deb"
[ -f "$deb" ] || { echo "FAIL: $deb is missing (package_build_inspect builds it)" >&2; exit 1; }
if dpkg-query -W -f='${Status}' cmon-mcp 2>/dev/null | grep -q installed; then
  echo "FAIL: a cmon-mcp package is already installed here; this test does not touch it (dpkg --purge cmon-mcp first)" >&2
  exit 1
fi
if getent passwd cmon-mcp >/dev/null || [ -e /etc/default/cmon-mcp ] || [ -e /etc/cmon-mcp ]; then
  echo "FAIL: leftovers of an earlier cmon-mcp installation (user cmon-mcp, /etc/default/cmon-mcp or /etc/cmon-mcp)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
wants=/etc/systemd/system/multi-user.target.wants/cmon-mcp.service
work="$(mktemp -d)"
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  if dpkg-query -W -f='${Status}' cmon-mcp 2>/dev/null | grep -q 'ok installed\|config-files\|half'; then
    rm -f /etc/cmon-mcp/cmon-password
    dpkg --purge cmon-mcp >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
pass() { echo "ok:   $*"; }
start=$SECONDS

echo "[$((SECONDS - start)) s] == dpkg -i"
dpkg -i "$deb" </dev/null >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; echo "FAIL: dpkg -i" >&2; exit 1; }
cat "$work/install.log"
grep -q "generated a bearer token into /etc/default/cmon-mcp" "$work/install.log" && pass "postinst says where the token is" ||
  fail "postinst did not report the generated token"
[ "$(/usr/bin/cmon-mcp --version)" = "cmon-mcp $version" ] && pass "/usr/bin/cmon-mcp --version: cmon-mcp $version" ||
  fail "/usr/bin/cmon-mcp --version printed '$(/usr/bin/cmon-mcp --version 2>&1)'"
IFS=: read -r _ _ uid gid _ home shell < <(getent passwd cmon-mcp) || true
if [ -n "${uid:-}" ] && ((uid < 1000)) && [ "$home" = /nonexistent ] && [ "$shell" = /usr/sbin/nologin ] &&
  [ "$(getent group cmon-mcp | cut -d: -f3)" = "$gid" ]; then
  pass "system user cmon-mcp (uid $uid, group cmon-mcp, no home, nologin)"
else
  fail "system user cmon-mcp: '$(getent passwd cmon-mcp)'"
fi
[ "$(stat -c '%a %U %G' /etc/default/cmon-mcp)" = "640 root cmon-mcp" ] && pass "/etc/default/cmon-mcp 0640 root:cmon-mcp" ||
  fail "/etc/default/cmon-mcp is $(stat -c '%a %U %G' /etc/default/cmon-mcp)"
token="$(sed -n 's/^MCP_AUTH_TOKEN=//p' /etc/default/cmon-mcp)"
[[ "$token" =~ ^[0-9a-f]{64}$ ]] && pass "generated token: 256 bits, hex" || fail "MCP_AUTH_TOKEN is '$token'"
[ "$(stat -c '%a %U %G' /etc/cmon-mcp)" = "750 root cmon-mcp" ] && pass "/etc/cmon-mcp 0750 root:cmon-mcp" ||
  fail "/etc/cmon-mcp is $(stat -c '%a %U %G' /etc/cmon-mcp 2>&1)"
# deb-systemd-helper may link through /lib (merged /usr): compare where the link leads.
[ -L "$wants" ] && [ "$(readlink -f "$wants")" = "$(readlink -f /usr/lib/systemd/system/cmon-mcp.service)" ] &&
  pass "enabled (multi-user.target.wants)" || fail "$wants is not a link to the unit"
if command -v systemd-analyze >/dev/null; then
  # With man(1) and the installed page, Documentation=man:cmon-mcp(1) is checked too.
  man_opt=--man=yes
  if ! command -v man >/dev/null || [ ! -e /usr/share/man/man1/cmon-mcp.1 ]; then man_opt=--man=no; fi
  systemd-analyze verify "$man_opt" /usr/lib/systemd/system/cmon-mcp.service &&
    pass "systemd-analyze verify $man_opt of the installed unit" || fail "systemd-analyze verify of the installed unit"
fi

echo "[$((SECONDS - start)) s] == cmon-mcp check as the service user, against cmon-sim"
"$sim_bin" --bind 127.0.0.1:0 --admin-bind 127.0.0.1:0 --user mcp:pkg-test-pw >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
endpoint=""
for _ in $(seq 100); do
  endpoint="$(sed -n 's/^listening on //p' "$work/sim.out" | head -1)"
  [ -n "$endpoint" ] && break
  sleep 0.1
done
[ -n "$endpoint" ] || { cat "$work/sim.err" >&2; echo "FAIL: cmon-sim did not start" >&2; exit 1; }
install -m 0640 -o root -g cmon-mcp /dev/null /etc/cmon-mcp/cmon-password
echo pkg-test-pw >/etc/cmon-mcp/cmon-password
sed -i -e "s#^CMON_ENDPOINT=.*#CMON_ENDPOINT=$endpoint#" -e 's#^CMON_USERNAME=.*#CMON_USERNAME=mcp#' \
  -e 's#^CMON_PASSWORD_FILE=.*#CMON_PASSWORD_FILE=/etc/cmon-mcp/cmon-password#' \
  -e 's#^MCP_BIND_ADDRESS=.*#MCP_BIND_ADDRESS=127.0.0.1:0#' /etc/default/cmon-mcp
if runuser -u cmon-mcp -- /usr/bin/cmon-mcp check >"$work/check.out" 2>"$work/check.err"; then
  pass "cmon-mcp check exits 0"
else
  fail "cmon-mcp check exited $?"
fi
cat "$work/check.out"
grep -q "^PASS  logged in to CMON at $endpoint; [1-9][0-9]* cluster(s) visible" "$work/check.out" &&
  pass "check logged in and listed clusters" || fail "check did not log in to the simulator"
grep -q "^PASS  bearer token configured" "$work/check.out" && pass "check sees the generated token" || fail "token not seen"
grep -q "readable by every user" "$work/check.err" && fail "unexpected permission warning: $(cat "$work/check.err")"
chmod 0644 /etc/cmon-mcp/cmon-password
runuser -u cmon-mcp -- /usr/bin/cmon-mcp check >/dev/null 2>"$work/check.err" || true
grep -q "CMON_PASSWORD_FILE /etc/cmon-mcp/cmon-password is readable by every user" "$work/check.err" &&
  pass "warns about a world-readable password file" || fail "no warning for a world-readable password file"
chmod 0640 /etc/cmon-mcp/cmon-password

echo "[$((SECONDS - start)) s] == reinstall (upgrade path): the edited conffile and the token survive"
dpkg -i "$deb" </dev/null >"$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log" >&2; fail "dpkg -i (reinstall)"; }
grep -qx "MCP_AUTH_TOKEN=$token" /etc/default/cmon-mcp && grep -qx "CMON_ENDPOINT=$endpoint" /etc/default/cmon-mcp &&
  pass "conffile kept" || fail "reinstall changed /etc/default/cmon-mcp"
grep -q "generated a bearer token" "$work/reinstall.log" && fail "reinstall generated a new token"
[ "$(stat -c '%a %U %G' /etc/default/cmon-mcp)" = "640 root cmon-mcp" ] || fail "reinstall changed the conffile's mode"
kill "$sim_pid" && wait "$sim_pid" 2>/dev/null || true
sim_pid=""

echo "[$((SECONDS - start)) s] == dpkg --purge"
rm -f /etc/cmon-mcp/cmon-password
dpkg --purge cmon-mcp </dev/null >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "dpkg --purge"; }
cat "$work/purge.log"
for gone in /usr/bin/cmon-mcp /usr/lib/systemd/system/cmon-mcp.service /etc/default/cmon-mcp /etc/cmon-mcp \
  "$wants" /etc/systemd/system/cmon-mcp.service /usr/share/doc/cmon-mcp /usr/share/man/man1/cmon-mcp.1; do
  { [ -e "$gone" ] || [ -L "$gone" ]; } && fail "$gone is still there after purge"
done
getent passwd cmon-mcp >/dev/null && fail "user cmon-mcp is still there after purge"
getent group cmon-mcp >/dev/null && fail "group cmon-mcp is still there after purge"
dpkg-query -W -f='${Status}' cmon-mcp 2>/dev/null | grep -q 'installed\|config-files' && fail "dpkg still knows cmon-mcp"
((fails)) || pass "purge removed the binary, unit, enablement, configuration, /etc/cmon-mcp, user and group"

echo "install test: $((SECONDS - start)) s"
if ((fails)); then
  echo "$fails install check(s) failed" >&2
  exit 1
fi
echo "all install checks passed"
