#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Debian package: makes it with CPack from the build directory, checks its metadata and
# contents with dpkg-deb and, when installed, lintian (errors fail the test, other findings are
# printed), unpacks it into a scratch root with dpkg -x, and runs the unpacked tend: --version in
# the form `docker info` parses, and a short run as PID 1.
# Usage: package.sh BUILD_DIR VERSION CMAKE CPACK
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
build=$1
version=$2
cmake=$3
cpack=$4

echo "== cpack -G DEB"
# The files come from `cmake --install` of the build directory as it is, so the package holds
# the binary the other tests ran. (CPack's own install step would first rebuild the tree.)
"$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" \
  -D CPACK_INSTALL_CMAKE_PROJECTS= \
  -D "CPACK_INSTALL_COMMANDS=$cmake --install $build --prefix /usr" >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
arch=$(dpkg --print-architecture)
deb=$tmp/out/tend_${version}_${arch}.deb
[[ -f $deb ]] || { ls "$tmp/out" >&2; fail "no tend_${version}_${arch}.deb"; }

echo "== dpkg-deb --info"
info=$(dpkg-deb --info "$deb")
echo "$info"
expect "$info" "^ Package: tend$"
expect "$info" "^ Version: $version$"
expect "$info" "^ Architecture: $arch$"
expect "$info" "^ Section: admin$"
expect "$info" "^ Maintainer: .* <.*@.*>$"
expect "$info" "^ Description: minimal init"
if grep -q "^ Depends:" <<<"$info"; then fail "the static tend should depend on nothing"; fi

echo "== dpkg-deb --contents"
contents=$(dpkg-deb --contents "$deb")
echo "$contents"
expect "$contents" "^-rwxr-xr-x root/root .* ./usr/bin/tend$"
expect "$contents" " ./usr/share/man/man1/tend\.1\(\.gz\)\?$"
expect "$contents" " ./usr/share/doc/tend/copyright$"

if command -v lintian >/dev/null; then
  echo "== lintian"
  findings=$(lintian --pedantic --display-info "$deb" 2>&1 | grep -v "running with root privileges" || true)
  echo "${findings:-no findings}"
  if grep -q "^E: " <<<"$findings"; then fail "lintian reports errors"; fi
else
  echo "note: lintian is not installed; the package was not linted"
fi

echo "== dpkg -x, then the unpacked tend"
dpkg -x "$deb" "$tmp/root"
unpacked=$tmp/root/usr/bin/tend
line=$("$unpacked" --version)
echo "$line"
[[ $line =~ ^tend\ version\ $version\ -\ git\.[0-9a-z]+$ ]] ||
  fail "--version prints '$line', not 'tend version $version - git.<sha>'"
# Docker's parseInitVersion: split at " - ", then the second part at "." into "git" and the commit.
commit_part=${line#* - }
IFS=. read -r git commit rest <<<"$commit_part"
[[ $git == git && -n $commit && -z $rest ]] || fail "docker info could not parse '$line'"

status=0
# shellcheck disable=SC2016 # $$ and $PPID are for the sh that tend starts.
out=$(timeout -k 5 20 unshare --pid --fork --mount-proc "$unpacked" --grace 2s -- \
  sh -c 'echo "pid $$, parent $PPID"; kill -TERM 1; sleep 10' 2>&1) || status=$?
echo "$out"
expect "$out" "pid 2, parent 1"
((status == 143)) || fail "the unpacked tend exited $status, expected 143 (128 + SIGTERM)"
echo "OK: the Debian package is well formed and its tend runs"
