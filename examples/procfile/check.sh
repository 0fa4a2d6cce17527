#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the Procfile (nginx serving a page, a worker loop writing a file) under
# `tend --procfile`, fetches the page and the worker's file over loopback, checks the prefixed
# output, then stops tend with SIGTERM as `docker stop` would and expects exit 0 from both
# services' clean stops. Skipped (77) without nginx and curl.
# Usage: check.sh [TEND]   (default: build/tend of this checkout)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tend=$(realpath "${1:-${TEND:-$here/../../build/tend}}")
if ! command -v nginx >/dev/null || ! command -v curl >/dev/null; then
  echo "SKIP: needs nginx and curl"
  exit 77
fi
PATH=$PATH:/usr/sbin
site=$(mktemp -d)
tend_pid=
cleanup() {  # After a failure: tend's group, then each service's group (the pids tend logged).
  if [[ -n $tend_pid ]]; then
    # shellcheck disable=SC2013  # pids: one word each
    for pid in $(grep -o 'started [a-z]* (pid [0-9]*' "$site/out" 2>/dev/null | grep -o '[0-9]*$'); do
      kill -KILL -- "-$pid" 2>/dev/null || true
    done
    kill -KILL -- "-$tend_pid" 2>/dev/null || true
  fi
  rm -rf "$site"
}
trap cleanup EXIT
set -m  # tend gets a process group of its own, and default SIGINT/SIGQUIT dispositions.

fail() { echo "FAIL: $*" >&2; tail -40 "$site/out" >&2; exit 1; }
wait_for() {  # TEXT: waits up to 10 s for TEXT in tend's output
  for _ in $(seq 200); do grep -q -- "$1" "$site/out" && return 0; sleep 0.05; done
  fail "no '$1' in the output after 10 s"
}
free_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  echo "no free port" >&2; exit 1
}

chmod 755 "$site"  # nginx's workers run as nobody when it is started as root.
mkdir -p "$site/www" "$site/tmp"
echo "hello from a Procfile" >"$site/www/index.html"
sed "s/@PORT@/$(free_port)/" "$here/nginx.conf.in" >"$site/nginx.conf"
port=$(grep -o '127.0.0.1:[0-9]*' "$site/nginx.conf" | cut -d: -f2)

echo "== tend --rewrite TERM:QUIT --procfile Procfile"
SITE=$site "$tend" -v --grace 5s --rewrite TERM:QUIT --procfile "$here/Procfile" \
  </dev/null >"$site/out" 2>&1 &
tend_pid=$!
wait_for "worker | wrote tick 3"
wait_for "started web"
page=
for _ in $(seq 100); do page=$(curl -fsS "http://127.0.0.1:$port/" 2>/dev/null) && break; sleep 0.05; done
[[ $page == "hello from a Procfile" ]] || fail "the page was '$page'"
tick=$(curl -fsS "http://127.0.0.1:$port/tick.txt")
[[ $tick == tick\ * ]] || fail "the worker's file was '$tick'"
wait_for 'web    | 127.0.0.1 - - .*"GET /tick.txt'

kill -TERM "$tend_pid"
status=0
wait "$tend_pid" || status=$?
tend_pid=
tail -20 "$site/out"
((status == 0)) || fail "tend exited $status, expected 0"
grep -q "worker | worker: bye" "$site/out" || fail "the worker did not stop cleanly"
grep -q "sent SIGQUIT to 2 services" "$site/out" || fail "SIGTERM was not rewritten for both"
if grep -Ev '^(web   |worker) \| |^tend: ' "$site/out"; then fail "lines without a prefix"; fi
echo "OK: nginx and the worker ran from the Procfile and stopped together"
