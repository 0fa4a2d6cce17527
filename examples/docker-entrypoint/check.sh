#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Without Docker: runs what the image runs, the Dockerfile's ENTRYPOINT and CMD, with tend as PID 1
# of a fresh PID namespace, and fails unless the app becomes ready (the HEALTHCHECK's file
# appears), and a SIGTERM to tend, as from `docker stop`, ends it with status 0 and removes the file.
# Usage: check.sh [TEND]   (default: build/tend of this checkout; root, for unshare)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tend=$(realpath "${1:-${TEND:-$here/../../build/tend}}")
tmp=$(mktemp -d)
unshare_pid=
cleanup() {
  [[ -n $unshare_pid ]] && kill -KILL -- "-$unshare_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
set -m

fail() { echo "FAIL: $*" >&2; cat "$tmp/out" >&2 2>/dev/null; exit 1; }
# The exec-form ENTRYPOINT and CMD, one word a line, with the image's paths made local.
json_words() { sed -n "s/^$1 \[\(.*\)\]\$/\1/p" "$here/Dockerfile" | sed 's/", *"/\n/g; s/"//g'; }
mapfile -t entrypoint < <(json_words ENTRYPOINT | sed "s|^/tend\$|$tend|; s|^/tmp/ready\$|$tmp/ready|")
mapfile -t command < <(json_words CMD | sed "s|^/app/app.sh\$|$here/app.sh|")
((${#entrypoint[@]} > 1 && ${#command[@]} == 1)) || fail "cannot read ENTRYPOINT and CMD"
[[ ${entrypoint[0]} == "$tend" ]] || fail "the ENTRYPOINT does not start with /tend"
echo "== ${entrypoint[*]} ${command[*]}"

unshare --pid --fork --mount-proc "${entrypoint[@]}" "${command[@]}" </dev/null >"$tmp/out" 2>&1 &
unshare_pid=$!
for _ in $(seq 200); do [[ -e $tmp/ready ]] && break; sleep 0.05; done
[[ -e $tmp/ready ]] || fail "the app did not become ready (no $tmp/ready) within 10 s"
grep -q "app: starting as pid 2" "$tmp/out" || fail "the app is not tend's first child"
tend_pid=$(ps -o pid= --ppid "$unshare_pid" | tr -d ' ')
kill -TERM "$tend_pid"  # what `docker stop` does: SIGTERM to PID 1
status=0
wait "$unshare_pid" || status=$?
unshare_pid=
cat "$tmp/out"
((status == 0)) || fail "tend exited $status, expected the app's 0"
grep -q "app: SIGTERM, shutting down" "$tmp/out" || fail "the app did not get SIGTERM"
[[ ! -e $tmp/ready ]] || fail "tend left the ready file behind"
echo "OK: the image's ENTRYPOINT and CMD start, become ready and stop gracefully under tend"
