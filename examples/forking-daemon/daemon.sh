#!/bin/sh
# SPDX-License-Identifier: MIT
# A classic forking daemon: the parent starts the server in a session of its own, in the
# background, and exits 0 at once; the server writes its pid file and serves until
#   SIGTERM  it removes its pid file and exits 0
#   SIGUSR1  it fails: removes its pid file and exits 3
# When it has a NOTIFY_SOCKET (from tend) and systemd-notify is installed, it reports READY=1.
# Usage: daemon.sh PIDFILE
set -eu
setsid sh -c '
  pidfile=$1
  trap "echo \"daemon: SIGTERM, stopping\"; rm -f \"\$pidfile\"; exit 0" TERM
  trap "echo \"daemon: SIGUSR1, failing with exit code 3\"; rm -f \"\$pidfile\"; exit 3" USR1
  echo $$ >"$pidfile"
  if [ -n "${NOTIFY_SOCKET:-}" ] && command -v systemd-notify >/dev/null; then
    systemd-notify --ready --status="serving" || true
  fi
  echo "daemon: pid $$, ready"
  while :; do
    sleep 1 &
    wait $!
  done
' daemon "$1" </dev/null &
echo "daemon.sh: started the daemon, exiting"
exit 0
