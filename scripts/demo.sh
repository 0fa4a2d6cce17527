#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Quick start: installs what is missing, builds the static tend, and shows its main job: tend as
# PID 1 of a fresh PID namespace reaps orphans and stops a workload gracefully, escalating to
# SIGKILL for the part that ignores SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh release
ls -l build/tend
file build/tend 2>/dev/null || true
echo
echo "\$ unshare --pid --fork --mount-proc build/tend -v --grace 2s -- examples/demo/workload.sh"
status=0
unshare --pid --fork --mount-proc build/tend -v --grace 2s -- examples/demo/workload.sh || status=$?
echo "tend exited with status $status (the workload's own: it exited 0 on SIGTERM)"
