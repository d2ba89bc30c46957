#!/usr/bin/env bash
# Builds the .deb and the .rpm with CPack from the build directory and inspects them: file list and
# modes, the conffile, dependencies computed from the binary's shared libraries, and the syntax of every
# maintainer script. Leaves the packages in $BUILD_DIR/packages for package_install.sh.
# Env: BUILD_DIR (the CMake build directory), CMON_MCP (the built binary).
set -euo pipefail
build="${BUILD_DIR:?BUILD_DIR must name the CMake build directory}"
bin="${CMON_MCP:?CMON_MCP must name the built cmon-mcp}"
out="$build/packages"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
pass() { echo "ok:   $*"; }
for tool in cpack dpkg-deb dpkg-shlibdeps rpm rpmbuild readelf; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done

version="$("$bin" --version | awk '{print $2}')"
[ -n "$version" ] || { echo "FAIL: cannot read the version from $bin --version" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
start=$SECONDS
(cd "$build" && cpack -G "DEB;RPM" --config "$build/CPackConfig.cmake" -B "$out") >"$out/cpack.log" 2>&1 || {
  cat "$out/cpack.log" >&2
  echo "FAIL: cpack failed" >&2
  exit 1
}
rm -rf "$out/_CPack_Packages"
echo "cpack: $((SECONDS - start)) s"
deb="$out/cmon-mcp_${version}_amd64.deb"
rpm_file="$(ls "$out"/cmon-mcp-"$version"-*.x86_64.rpm 2>/dev/null | head -1 || true)"
[ -f "$deb" ] || { ls -l "$out" >&2; echo "FAIL: $deb was not built" >&2; exit 1; }
[ -n "$rpm_file" ] || { ls -l "$out" >&2; echo "FAIL: no cmon-mcp-$version-*.x86_64.rpm was built" >&2; exit 1; }
ls -l "$deb" "$rpm_file" | awk '{print "size: " $5 " bytes  " $NF}'

# The shared libraries the binary needs (DT_NEEDED).
mapfile -t needed < <(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
((${#needed[@]})) || fail "readelf found no DT_NEEDED entry in $bin"

echo "== .deb"
listing="$(dpkg-deb -c "$deb")"
expect_entry() { # mode path
  if grep -qE "^$1 root/root .* \./${2#/}\$" <<<"$listing"; then pass "$1 $2"; else fail "$deb lacks $1 $2"; fi
}
expect_entry '-rwxr-xr-x' /usr/bin/cmon-mcp
expect_entry '-rw-r--r--' /usr/lib/systemd/system/cmon-mcp.service
expect_entry '-rw-r-----' /etc/default/cmon-mcp
expect_entry '-rw-r--r--' /usr/share/man/man1/cmon-mcp.1
expect_entry '-rw-r--r--' /usr/share/doc/cmon-mcp/README.md
expect_entry '-rw-r--r--' /usr/share/doc/cmon-mcp/LICENSE
for doc in install configuration clients security operations troubleshooting tools; do
  expect_entry '-rw-r--r--' "/usr/share/doc/cmon-mcp/docs/$doc.md"
done
if grep -qE 'cmon-sim|transcript|_tests' <<<"$listing"; then fail "test binaries leaked into the .deb"; fi
ctrl="$(mktemp -d)"
trap 'rm -rf "$ctrl"' EXIT
dpkg-deb -e "$deb" "$ctrl"
if [ "$(cat "$ctrl/conffiles")" = /etc/default/cmon-mcp ]; then pass "conffile /etc/default/cmon-mcp"; else
  fail "conffiles is '$(cat "$ctrl/conffiles")', want /etc/default/cmon-mcp"; fi
for script in preinst postinst prerm postrm; do
  [ -e "$ctrl/$script" ] || continue
  [ -x "$ctrl/$script" ] || fail "maintainer script $script is not executable"
  if sh -n "$ctrl/$script"; then pass "sh -n $script"; else fail "sh -n $script"; fi
done
[ -e "$ctrl/postinst" ] && [ -e "$ctrl/prerm" ] && [ -e "$ctrl/postrm" ] || fail "postinst/prerm/postrm missing"
[ "$(dpkg-deb -f "$deb" Package)" = cmon-mcp ] || fail "Package field"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version field is not $version"
[ "$(dpkg-deb -f "$deb" Architecture)" = amd64 ] || fail "Architecture field"
depends="$(dpkg-deb -f "$deb" Depends)"
echo "Depends: $depends"
# The package names Depends lists (alternatives included, versions dropped).
dep_names="$(tr ',|' '\n\n' <<<"$depends" | awk 'NF { print $1 }')"
has_dep() { grep -qxF "$1" <<<"$dep_names"; }
has_dep adduser && pass "Depends on adduser (postinst)" || fail "Depends lacks adduser"
grep -q -- '-dev' <<<"$depends" && fail "Depends names a -dev package"
grep -qE 'libc6 \(>= [0-9.]+\)' <<<"$depends" && pass "libc6 with a version (dpkg-shlibdeps ran)" ||
  fail "Depends has no versioned libc6: dpkg-shlibdeps did not run"
# Every shared library the binary needs belongs to a package the .deb depends on.
for lib in "${needed[@]}"; do
  pkg="$(dpkg-query -S "*/$(uname -m)-linux-gnu/$lib" 2>/dev/null | head -1 | cut -d: -f1 || true)"
  if [ -z "$pkg" ]; then fail "no installed package provides $lib"; continue; fi
  # The dependency may name the package or a virtual package it provides (libspdlog1.10-fmt9).
  found=""
  for name in "$pkg" $(dpkg-query -W -f='${Provides}' "$pkg" 2>/dev/null | tr ',' '\n' | awk 'NF { print $1 }'); do
    has_dep "$name" && found="$name" && break
  done
  if [ -n "$found" ]; then pass "$lib -> $found in Depends"; else fail "$lib comes from $pkg, which Depends lacks"; fi
done

echo "== .rpm"
rpm_list="$(rpm -qpl "$rpm_file" 2>/dev/null)"
for f in /usr/bin/cmon-mcp /usr/lib/systemd/system/cmon-mcp.service /etc/default/cmon-mcp \
  /usr/share/man/man1/cmon-mcp.1 /usr/share/doc/cmon-mcp/README.md /usr/share/doc/cmon-mcp/docs/tools.md; do
  grep -qxF "$f" <<<"$rpm_list" && pass "rpm has $f" || fail "rpm lacks $f"
done
# Directories of the base system belong to the filesystem package; owning them makes rpm -i conflict.
for d in / /etc /etc/default /usr /usr/bin /usr/lib /usr/lib/systemd /usr/lib/systemd/system /usr/share \
  /usr/share/doc /usr/share/man /usr/share/man/man1; do
  grep -qxF "$d" <<<"$rpm_list" && fail "rpm owns the system directory $d"
done
[ "$(rpm -qp --configfiles "$rpm_file" 2>/dev/null)" = /etc/default/cmon-mcp ] && pass "rpm %config /etc/default/cmon-mcp" ||
  fail "rpm config files: $(rpm -qp --configfiles "$rpm_file" 2>/dev/null)"
# Read the whole listing first: with pipefail, `rpm ... | grep -q` fails whenever grep quits before rpm has
# written everything (SIGPIPE), which made this check fail now and then.
rpm_long="$(rpm -qplv "$rpm_file" 2>/dev/null)"
grep -qE '^-rw-r----- .* /etc/default/cmon-mcp$' <<<"$rpm_long" && pass "rpm conffile mode 0640" ||
  fail "rpm /etc/default/cmon-mcp is not -rw-r-----"
requires="$(rpm -qp --requires "$rpm_file" 2>/dev/null)"
for lib in "${needed[@]}"; do
  grep -qF "$lib()(64bit)" <<<"$requires" && pass "rpm requires $lib" || fail "rpm does not require $lib()(64bit)"
done
grep -qx 'shadow-utils' <<<"$requires" && pass "rpm requires shadow-utils (useradd in %pre)" || fail "rpm lacks shadow-utils"
scripts_dir="$ctrl/rpm-scripts"
mkdir -p "$scripts_dir"
rpm -qp --scripts "$rpm_file" 2>/dev/null | awk -v d="$scripts_dir" '
  /^[a-z]+ scriptlet \(using [^)]*\):$/ { name = $1; file = d "/" name; printf "" > file; next }
  /^[a-z]+ program: / { name = ""; next }
  name != "" { print >> file }'
for s in preinstall postinstall preuninstall postuninstall; do
  if [ ! -s "$scripts_dir/$s" ]; then fail "rpm has no $s scriptlet"; continue; fi
  if sh -n "$scripts_dir/$s"; then pass "sh -n rpm $s"; else fail "sh -n rpm $s"; fi
done

echo "packaging stage: $((SECONDS - start)) s"
if ((fails)); then
  echo "$fails packaging check(s) failed" >&2
  exit 1
fi
echo "all packaging checks passed"
