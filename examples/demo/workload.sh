#!/bin/sh
# SPDX-License-Identifier: MIT
# The demo's COMMAND: leaves orphans for tend to reap, then asks PID 1 (tend) to stop it, while
# one stubborn worker ignores SIGTERM and has to be killed when the grace period is over.
# shellcheck disable=SC2009  # selects by state (Z), which busybox's and older pgreps cannot
zombies() { ps -eo stat= | grep -c '^Z' || true; }

echo "workload: I am pid $$, my init is: $(cat /proc/1/comm)"
for _ in 1 2 3 4 5; do sh -c 'sleep 0.2 & exit 0'; done
echo "workload: left 5 orphans behind; their parent exited, so PID 1 must reap them"
sleep 0.5
echo "workload: zombies in this namespace now: $(zombies)"

sh -c 'trap "" TERM; echo "stubborn worker: ignoring SIGTERM"; while :; do sleep 1; done' &
trap 'echo "workload: got SIGTERM, shutting down cleanly"; exit 0' TERM
sleep 0.2
echo "workload: sending SIGTERM to PID 1, as 'docker stop' would"
kill -TERM 1
while :; do sleep 1; done
