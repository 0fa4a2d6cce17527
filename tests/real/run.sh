#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tend with real daemons and real terminal programs from Debian's packages: nginx, redis-server
# and PostgreSQL supervised the way examples/ shows (pid file, sd_notify readiness, graceful
# stop), and less, vim, top and bash under tmux, typed at and read off the screen. Prints
# "ok NAME" or "FAIL NAME: why" for each check, then "real: N passed, M failed"; exits 1 if any
# failed. A check whose program is not installed fails. Runs as root, on 127.0.0.1 only, in a
# temporary directory, and kills every process it started by its process group or session.
# Usage: tests/real/run.sh TEND [REGEX]   (REGEX: run only the checks whose names match it)
# The packages it needs: scripts/deps.sh $(grep -v '^#' tests/real/packages)
# shellcheck source-path=SCRIPTDIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
examples=$repo/examples
if (($# < 1 || $# > 2)) || [[ ! -x $1 ]]; then
  echo "usage: $0 TEND [REGEX]" >&2
  exit 2
fi
if ((EUID != 0)); then
  echo "$0: run as root (the daemons run as their own users, given directories chown-ed to them)" >&2
  exit 2
fi
tend=$(realpath "$1")
only=${2:-}
PATH=$PATH:/usr/sbin:/sbin  # nginx, runuser
# Readable by the users the daemons run as (www-data, redis, postgres).
work=$(mktemp -d /tmp/tend-real.XXXXXX)
chmod 755 "$work"

source "$here/lib.sh"
source "$here/daemons.sh"
source "$here/examples.sh"
source "$here/terminals.sh"

# What the terminal windows find on PATH: tend and the helper programs, by short names.
mkdir -p "$work/bin"
ln -s "$tend" "$work/bin/tend"
ln -s "$here/signal-counter.sh" "$work/bin/signal-counter"
ln -s "$here/tty-modes.sh" "$work/bin/tty-modes"

finish() {
  stop_tmux_server
  rm -rf "$work"
}
trap finish EXIT

passed=0
failed=0
# Runs FUNCTION in a subshell of its own, with job control (each background job in a process
# group of its own, with default signal dispositions) and its processes killed when it ends.
run_check() {  # NAME FUNCTION [COMMAND-IT-NEEDS...]
  local name=$1 function=$2 status
  shift 2
  [[ $name =~ $only ]] || return 0
  check_dir=$work/$name
  mkdir -p "$check_dir"
  chmod 755 "$check_dir"
  (
    set -m
    trap kill_owned EXIT
    need "$@"
    "$function"
  ) </dev/null >"$check_dir/log" 2>&1
  status=$?
  if ((status == 0)); then
    echo "ok $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name: $(cat "$check_dir/why" 2>/dev/null || echo "exited $status")"
    grep -v '^ *$' "$check_dir/log" | tail -40 | sed 's/^/    | /'
    failed=$((failed + 1))
  fi
}

started=$SECONDS
run_check examples-have-readme check_examples_have_readme
run_check units-verify check_units_verify systemd-analyze
run_check nginx-pidfile-graceful-stop check_nginx_graceful_stop nginx curl ss
run_check nginx-fast-stop-without-rewrite check_nginx_fast_stop_without_rewrite nginx curl ss
run_check redis-ready-file-means-pong check_redis_ready_file_means_pong redis-server redis-cli ss
run_check redis-ready-file-waits-for-loading check_redis_ready_file_waits_for_loading redis-server redis-cli ss
run_check redis-without-notify-never-ready check_redis_without_notify_never_ready redis-server redis-cli ss
run_check postgres-ready-and-fast-stop check_postgres_ready_and_fast_stop runuser ss
if command -v tmux >/dev/null && ! start_tmux_server; then
  echo "note: cannot start a tmux server; the terminal checks will fail"
fi
run_check tty-less-suspend-resume check_tty_less_suspend_resume tmux less
run_check tty-vim-suspend-resume check_tty_vim_suspend_resume tmux vim.tiny
run_check tty-top-suspend-resume check_tty_top_suspend_resume tmux top
run_check tty-ctrl-c-and-resize-reach-once check_tty_ctrl_c_and_resize_reach_once tmux
run_check tty-sane-after-sigkill check_tty_sane_after_sigkill tmux vim.tiny
run_check tty-background-job-leaves-terminal check_tty_background_job_leaves_terminal tmux
echo "real: took $((SECONDS - started)) s"
echo "real: $passed passed, $failed failed"
((failed == 0 && passed > 0))  # A REGEX that matches no check has checked nothing.
