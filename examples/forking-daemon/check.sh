#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the forking daemon.sh under `tend --pidfile` and fails unless tend follows the daemon after
# its parent has exited (the daemon is reparented to tend, the child subreaper), forwards signals
# to it, stops it gracefully on SIGTERM (exit 0), and exits with its status when it fails (3);
# a pid file that never appears is an error (125). Also checks the systemd unit with
# `systemd-analyze verify` when that is installed.
# Exits 77 (skipped) when this tend has no --pidfile yet.
# Usage: check.sh [TEND]   (default: build/tend of this checkout)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tend=$(realpath "${1:-${TEND:-$here/../../build/tend}}")
if ! "$tend" --help | grep -q -- "--pidfile"; then
  echo "SKIP: $tend has no --pidfile option yet (the supervisor features of issue 4)"
  exit 77
fi
tmp=$(mktemp -d)
tend_pid=
out=
cleanup() {  # After a failure: kill the daemon and tend, whatever is left of them.
  local pid
  pid=$(cat "$tmp/daemon.pid" 2>/dev/null) && kill -KILL -- "-$pid" "$pid" 2>/dev/null
  [[ -n $tend_pid ]] && kill -KILL "$tend_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
set -m  # Background jobs in process groups of their own, with default signal dispositions.

fail() { echo "FAIL: $*" >&2; [[ -n $out ]] && cat "$out" >&2; exit 1; }
wait_for() {  # TEXT: waits up to 10 s for TEXT to appear in $out
  for _ in $(seq 200); do grep -q -- "$1" "$out" && return 0; sleep 0.05; done
  fail "no '$1' in the output after 10 s"
}
expect() { grep -q -- "$1" "$out" || fail "no '$1' in the output"; }

# Starts tend with daemon.sh and waits until the daemon runs on its own under tend.
start_daemon() {
  out=$1
  : >"$out"
  "$tend" -v --pidfile "$tmp/daemon.pid" -- "$here/daemon.sh" "$tmp/daemon.pid" \
    </dev/null >"$out" 2>&1 &
  tend_pid=$!
  wait_for "daemon.sh: started the daemon, exiting"
  wait_for "daemon: pid [0-9]*, ready"
  daemon_pid=$(cat "$tmp/daemon.pid")
  kill -0 "$tend_pid" 2>/dev/null || fail "tend ended when the daemon's parent exited"
  local parent
  parent=$(ps -o ppid= -p "$daemon_pid" | tr -d ' ')
  [[ $parent == "$tend_pid" ]] || fail "the daemon's parent is $parent, not tend ($tend_pid)"
}
stop_with() {  # SIGNAL: sends it to tend and sets $status to tend's exit status
  kill "-$1" "$tend_pid"
  status=0
  wait "$tend_pid" || status=$?
  tend_pid=
  cat "$out"
}

echo "== tend --pidfile PATH -- daemon.sh PATH, then SIGTERM to tend"
start_daemon "$tmp/stop.out"
stop_with TERM
((status == 0)) || fail "tend exited $status, expected the daemon's 0"
expect "daemon: SIGTERM, stopping"
kill -0 "$daemon_pid" 2>/dev/null && fail "the daemon outlived tend"

echo "== the same, then SIGUSR1 to tend, forwarded to the daemon, which fails with 3"
start_daemon "$tmp/fail.out"
stop_with USR1
((status == 3)) || fail "tend exited $status, expected the daemon's 3"
expect "daemon: SIGUSR1, failing with exit code 3"

echo "== a pid file that never appears"
out=$tmp/missing.out
status=0
timeout -k 5 20 "$tend" --pidfile "$tmp/never.pid" --pidfile-timeout 500ms -- true \
  </dev/null >"$out" 2>&1 || status=$?
cat "$out"
((status == 125)) || fail "tend exited $status, expected 125"
grep -qi "pid" "$out" || fail "the error does not mention the pid file"

if command -v systemd-analyze >/dev/null; then
  echo "== systemd-analyze verify example-daemon.service"
  sed -e "s|/usr/bin/tend|$tend|" -e "s|/usr/local/lib/example-daemon/daemon.sh|$here/daemon.sh|" \
    "$here/example-daemon.service" >"$tmp/example-daemon.service"
  systemd-analyze verify --man=no "$tmp/example-daemon.service" ||
    fail "systemd-analyze found errors in example-daemon.service"
else
  echo "note: systemd-analyze is not installed; example-daemon.service was not verified"
fi
echo "OK: tend supervises the forking daemon through its pid file"
