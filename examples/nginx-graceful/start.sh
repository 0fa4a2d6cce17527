#!/bin/sh
# SPDX-License-Identifier: MIT
# Starts nginx as a classic forking daemon under tend, stopped gracefully on SIGTERM: prepares
# DIR (nginx.conf listening on 127.0.0.1:PORT, and www/slow/file.bin, 12 KiB served at 4 KiB/s)
# and replaces itself with tend, so that a signal to this script's pid goes to tend.
# Usage: start.sh [PORT [DIR]]   (default 8080 and /run/nginx-tend; TEND names the tend binary)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
port=${1:-8080}
dir=${2:-/run/nginx-tend}
mkdir -p "$dir/www/slow"
chmod 755 "$dir"  # nginx's workers run as www-data and must reach www/.
sed "s/listen 127.0.0.1:8080;/listen 127.0.0.1:$port;/" "$here/nginx.conf" >"$dir/nginx.conf"
head -c 12288 /dev/urandom >"$dir/www/slow/file.bin"
# nginx forks, its master writes nginx.pid and the launcher exits: tend follows the master.
# docker stop, Kubernetes and systemd send SIGTERM, nginx's fast stop; tend sends SIGQUIT,
# its graceful stop, and SIGKILL if nginx is not gone after --grace.
exec "${TEND:-tend}" --pidfile "$dir/nginx.pid" --rewrite TERM:QUIT --grace 30s -- \
  nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log"
