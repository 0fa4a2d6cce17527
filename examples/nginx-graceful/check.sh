#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# nginx stops gracefully on SIGQUIT, but `docker stop` and Kubernetes send SIGTERM. Runs the
# stand-in server.sh under `tend --rewrite TERM:QUIT`, sends tend SIGTERM as `docker stop` would,
# and fails unless the request in flight was finished and tend exited 0; then checks that without
# the rewrite the same SIGTERM is a fast stop (request dropped, exit 1).
# Usage: check.sh [TEND]   (default: build/tend of this checkout)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tend=$(realpath "${1:-${TEND:-$here/../../build/tend}}")
tmp=$(mktemp -d)
tend_pid=
out=
cleanup() {  # After a failure: kill what is left, COMMAND's process group and tend's.
  if [[ -n $tend_pid ]]; then
    local command_pid
    # The first pid tend logs (-v) is COMMAND's: "main process 'server.sh' is pid N (started)".
    command_pid=$(grep '^tend: ' "$out" 2>/dev/null | grep -o 'pid [0-9]*' | head -1 | cut -d' ' -f2)
    [[ -n $command_pid ]] && kill -KILL -- "-$command_pid" 2>/dev/null
    kill -KILL -- "-$tend_pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
# Job control: each background job gets a process group of its own (so that cleanup can kill
# all of it) and keeps SIGINT and SIGQUIT at their defaults, which tend hands on to COMMAND.
set -m

fail() { echo "FAIL: $*" >&2; exit 1; }
wait_for() {  # FILE TEXT: waits up to 10 s for TEXT to appear in FILE
  for _ in $(seq 200); do grep -q -- "$2" "$1" && return 0; sleep 0.05; done
  cat "$1" >&2; fail "no '$2' in the output after 10 s"
}
expect() { grep -q -- "$2" "$1" || { cat "$1" >&2; fail "no '$2' in the output"; }; }

# Starts tend with the given options, waits until the request is in flight, sends SIGTERM to tend
# and sets $status to tend's exit status.
run_and_stop() {
  out=$1; shift
  : >"$out"
  "$tend" -v --grace 5s "$@" -- "$here/server.sh" </dev/null >"$out" 2>&1 &
  tend_pid=$!
  wait_for "$out" "worker: serving a request"
  wait_for "$out" "server: ready"
  kill -TERM "$tend_pid"
  status=0
  wait "$tend_pid" || status=$?
  tend_pid=
  cat "$out"
}

echo "== tend --rewrite TERM:QUIT -- server.sh, then SIGTERM to tend"
run_and_stop "$tmp/graceful.out" --rewrite TERM:QUIT
((status == 0)) || fail "tend exited $status, expected 0 from a graceful stop"
expect "$tmp/graceful.out" "forwarded SIGQUIT"
expect "$tmp/graceful.out" "worker: request done"
expect "$tmp/graceful.out" "graceful stop done"

echo "== tend -- server.sh, then SIGTERM to tend"
run_and_stop "$tmp/fast.out"
((status == 1)) || fail "tend exited $status, expected 1 from a fast stop"
expect "$tmp/fast.out" "fast stop"
if grep -q "request done" "$tmp/fast.out"; then fail "the fast stop finished the request"; fi
echo "OK: with --rewrite TERM:QUIT a SIGTERM stops the server gracefully"
