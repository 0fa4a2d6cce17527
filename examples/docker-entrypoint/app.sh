#!/bin/sh
# SPDX-License-Identifier: MIT
# The example application: starts two workers, tells tend it is ready (a newline on fd 3, for
# tend's --ready-fd 3), and on SIGTERM shuts down and exits 0. tend stops the workers with it,
# since they are in its process group.
set -u
echo "app: starting as pid $$"
for _ in 1 2; do
  sh -c 'while :; do sleep 1; done' &
done
trap 'echo "app: SIGTERM, shutting down"; exit 0' TERM
echo "app: ready"
echo >&3
exec 3>&-
while :; do
  sleep 1 &
  wait $!
done
