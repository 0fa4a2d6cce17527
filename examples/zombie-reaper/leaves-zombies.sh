#!/bin/sh
# SPDX-License-Identifier: MIT
# A careless workload: it leaves zombies and background children behind, then exits 0.
# Run it under tend, which reaps the zombies and cleans up the children.
# Usage: leaves-zombies.sh [PIDS_FILE]   (the background children's pids are noted there)
set -u
pids_file=${1:-/dev/null}
init=$PPID  # tend: PID 1 of a fresh PID namespace, or the child subreaper outside one

# Zombies among the processes whose parent is tend: the orphans it has not reaped (yet).
# shellcheck disable=SC2009  # selects by state (Z), which busybox's and older pgreps cannot
zombies() { ps -o stat= --ppid "$init" | grep -c '^Z' || true; }

echo "workload: pid $$, my parent is pid $init ($(cat "/proc/$init/comm"))"

# Orphans: each 'sh' exits at once, so its 'sleep' is handed to tend and becomes tend's zombie
# when it ends, unless tend reaps it.
for _ in 1 2 3 4 5 6 7 8 9 10; do sh -c 'sleep 0.1 & exit 0'; done
# A zombie of a parent that never waits: 'true' stays a zombie until 'sleep' (its parent) ends
# and hands it to tend.
sh -c 'true & exec sleep 0.3' &
unwaited_parent=$!
echo "workload: left 10 orphans and 1 unwaited child behind"
wait "$unwaited_parent"

# Wait (up to 5 s) for tend to reap them all.
tries=0
while [ "$(zombies)" -gt 0 ]; do
  tries=$((tries + 1))
  if [ "$tries" -gt 100 ]; then
    echo "workload: FAIL: $(zombies) zombies are still there after 5 s"
    exit 1
  fi
  sleep 0.05
done
echo "workload: zombies left: $(zombies)"

# Background children that outlive the script: two sleepers, and one that ignores SIGTERM and
# must be killed with SIGKILL when the grace period is over.
sleep 1000 &
echo $! >>"$pids_file"
sleep 1000 &
echo $! >>"$pids_file"
marker=$(mktemp)
sh -c 'trap "" TERM; rm -f "$1"; while :; do sleep 1; done' stubborn "$marker" &
echo $! >>"$pids_file"
while [ -e "$marker" ]; do sleep 0.01; done  # It ignores SIGTERM from here on.
echo "workload: exiting, with 3 background children still running"
exit 0
