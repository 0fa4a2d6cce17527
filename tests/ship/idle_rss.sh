#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Idle memory budget: tend as PID 1 of a new PID namespace (unshare, as root) running `sleep`,
# once it sleeps in its event loop. Fails, naming the figure, when its VmRSS stays over the budget.
# Usage: idle_rss.sh TEND [BUDGET_KIB]   (1024 by default; bench/README.md states the target)
set -euo pipefail
tend=$1
budget=${2:-1024}
fail() { echo "FAIL: $*" >&2; exit 1; }
if [[ $EUID -ne 0 ]]; then echo "skipped: needs root for a PID namespace"; exit 77; fi

unshare --pid --fork --mount-proc --kill-child "$tend" -- sleep 1000 </dev/null &
outer=$!
init=
trap '[[ -n $init ]] && kill -KILL "$init" 2>/dev/null; kill -KILL "$outer" 2>/dev/null; wait "$outer" 2>/dev/null || true' EXIT

# until SECONDS_LEFT COMMAND...: polls COMMAND every 20 ms until it succeeds, at most that long.
until_true() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.02
  done
}
tend_found() { init=$(pgrep -P "$outer" | head -1) && [[ -n $init ]]; }
# Asleep in the event loop with COMMAND running: only then is start-up over.
tend_idle() {
  pgrep -x sleep -P "$init" >/dev/null && [[ $(cat "/proc/$init/wchan" 2>/dev/null) == *poll* ]]
}
until_true 10 tend_found || fail "tend did not start under unshare"
until_true 10 tend_idle || fail "tend (pid $init) did not go to sleep in its event loop with COMMAND running"

# tend lets go of its start-up pages a moment after COMMAND starts: wait up to 5 s for that.
rss=
within_budget() {
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$init/status") && ((rss <= budget))
}
until_true 5 within_budget || fail "idle RSS $rss KiB is over the budget of $budget KiB"
echo "idle tend: VmRSS $rss KiB (budget $budget KiB)"
