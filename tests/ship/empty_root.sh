#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tend as PID 1 in an empty root file system, which is what an image `FROM scratch` gives it: a
# directory holding only tend and a static test program (no libc, no /proc, no /dev, no /etc),
# entered with unshare and chroot. Fails unless tend runs there, starts the program as pid 2,
# reaps the orphan it leaves, cleans up the child it leaves behind and exits with its status;
# and unless --version, an exec failure and --user with numbers work there too.
# Usage: empty_root.sh TEND CC
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
tend=$1
cc=$2
here=$(cd "$(dirname "$0")" && pwd)

if LC_ALL=C readelf -lW "$tend" | grep -q "program interpreter"; then
  fail "$tend is dynamically linked; an empty root file system has no loader"
fi
root=$tmp/root
mkdir "$root"
cp "$tend" "$root/tend"
"$cc" -static -O2 -o "$root/prog" "$here/empty_root_prog.c"
echo "== the root file system: $(cd "$root" && echo *)"

# Runs tend in the empty root as PID 1 of a new PID namespace; sets $status and $out.
run() {
  status=0
  out=$(timeout -k 5 20 unshare --pid --fork chroot "$root" /tend "$@" </dev/null 2>&1) ||
    status=$?
  printf '%s\n' "$out"
}

echo "== unshare --pid --fork chroot ROOT /tend -v --grace 2s -- /prog"
run -v --grace 2s -- /prog
((status == 7)) || fail "tend exited $status, expected the program's 7"
expect "$out" "prog: pid 2, parent 1"
expect "$out" "prog: orphan [0-9]* was reaped"
expect "$out" "sent SIGTERM"
if grep -q "SIGKILL" <<<"$out"; then fail "the leftover child needed SIGKILL"; fi

echo "== /tend --version"
run --version
((status == 0)) || fail "tend --version exited $status"
expect "$out" "^tend version [0-9.]* - git\.[0-9a-z]*$"

echo "== /tend -- /missing"
run -- /missing
((status == 127)) || fail "tend exited $status for a missing COMMAND, expected 127"
expect "$out" "tend: cannot run '/missing': No such file or directory"

echo "== /tend --user 65534:65534 -- /prog ids   (no /etc/passwd: numbers only)"
run --user 65534:65534 -- /prog ids
((status == 0)) || fail "tend --user exited $status"
expect "$out" "prog: uid 65534 gid 65534"
echo "OK: tend works as PID 1 in an empty root file system"
