#!/bin/sh
# SPDX-License-Identifier: MIT
# A stand-in for nginx's signal handling: a master process and a worker with a request in flight.
#   SIGQUIT          graceful stop: the worker finishes its request, then the master exits 0
#   SIGTERM, SIGINT  fast stop: the request is dropped, the master exits 1
# Real nginx behaves the same way; see README.md for running it under tend.
log() { echo "server: $*"; }

# The worker serves until the master tells it to finish (nginx's master does that on SIGQUIT).
sh -c 'trap "echo \"worker: finishing the request in flight\"; sleep 0.2;
             echo \"worker: request done\"; exit 0" USR1
       echo "worker: serving a request"
       while :; do sleep 1 & wait $!; done' &
worker=$!

trap 'log "SIGQUIT: graceful stop"; kill -USR1 "$worker"; wait "$worker";
      log "graceful stop done"; exit 0' QUIT
trap 'log "fast stop, dropping the request in flight"; kill -TERM "$worker" 2>/dev/null;
      exit 1' TERM INT

log "ready"
while :; do
  sleep 1 &
  wait $!
done
