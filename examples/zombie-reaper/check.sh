#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs leaves-zombies.sh under tend twice, as PID 1 of a fresh PID namespace (as in a container)
# and as child subreaper (as on a server), and fails unless tend reaped every zombie, cleaned up
# the background children (SIGKILL for the one that ignores SIGTERM) and exited 0.
# Usage: check.sh [TEND]   (default: build/tend of this checkout; needs root for unshare)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tend=$(realpath "${1:-${TEND:-$here/../../build/tend}}")
tmp=$(mktemp -d)
cleanup() {  # After a failure: the background children noted by the workload, if any is left.
  local pid
  if [[ -f $tmp/pids ]]; then
    while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$tmp/pids"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { grep -q -- "$2" "$1" || { cat "$1" >&2; fail "no '$2' in the output"; }; }

echo "== as PID 1: unshare --pid --fork --mount-proc tend -v --grace 1s -- leaves-zombies.sh"
status=0
timeout -k 5 30 unshare --pid --fork --mount-proc "$tend" -v --grace 1s -- \
  "$here/leaves-zombies.sh" </dev/null >"$tmp/pid1.out" 2>&1 || status=$?
cat "$tmp/pid1.out"
((status == 0)) || fail "tend exited $status, expected the workload's 0"
expect "$tmp/pid1.out" "my parent is pid 1 (tend)"
expect "$tmp/pid1.out" "zombies left: 0"
expect "$tmp/pid1.out" "sent SIGTERM"
expect "$tmp/pid1.out" "sent SIGKILL"

echo "== as subreaper: tend -v --grace 1s -- leaves-zombies.sh"
status=0
timeout -k 5 30 "$tend" -v --grace 1s -- "$here/leaves-zombies.sh" "$tmp/pids" \
  </dev/null >"$tmp/sub.out" 2>&1 || status=$?
cat "$tmp/sub.out"
((status == 0)) || fail "tend exited $status, expected the workload's 0"
expect "$tmp/sub.out" "(tend)"
expect "$tmp/sub.out" "zombies left: 0"
expect "$tmp/sub.out" "sent SIGTERM"
expect "$tmp/sub.out" "sent SIGKILL"
[[ $(wc -l <"$tmp/pids") -eq 3 ]] || fail "the workload did not note its 3 background children"
while read -r pid; do
  if kill -0 "$pid" 2>/dev/null; then fail "background child $pid outlived tend"; fi
done <"$tmp/pids"
echo "OK: zombies reaped and background children cleaned up, both as PID 1 and as subreaper"
