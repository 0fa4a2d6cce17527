#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tend in a real Docker engine, as users run it: a private dockerd (Debian's docker.io) with tend
# as its init binary, images built offline FROM scratch with Debian's static busybox, and checks
# of exit codes, `docker stop`/`kill`, reaping, `--init`, `docker run -it` job control, a
# HEALTHCHECK on --ready-file, --user, --restart; then the repository's own Dockerfile on a
# Debian 12 base made with debootstrap, and examples/docker-entrypoint. Each check prints
# `ok NAME` or `FAIL NAME: why`; the last line counts them. Containers get no network.
# Usage: tests/docker/run.sh [TEND [REGEX]]   (as root; TEND defaults to build/tend of this
# checkout; REGEX, if given, runs only the checks whose names match it)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tend=$(realpath -m "${1:-$repo/build/tend}")
only=${2:-}
started=${EPOCHREALTIME/./}
passed=0
failed=0
T=

"$repo/scripts/deps.sh" docker.io busybox-static debootstrap tmux
if [[ ! -x $tend ]]; then
  echo "FAIL setup: no tend binary at $tend"
  echo "docker: 0 passed, 1 failed"
  exit 1
fi

# shellcheck source=tests/docker/daemon.sh
source "$here/daemon.sh"
# shellcheck source=tests/docker/checks.sh
source "$here/checks.sh"
# shellcheck source=tests/docker/tty_checks.sh
source "$here/tty_checks.sh"
# shellcheck source=tests/docker/dockerfile_checks.sh
source "$here/dockerfile_checks.sh"

now_ms() { local now=${EPOCHREALTIME/./}; echo $((now / 1000)); }

# Inside a check: records why it failed and ends it.
fail() {
  echo "$*" >"$T/why"
  exit 1
}

# Inside a check: a line printed after its result (timings).
note() { echo "# $*" >>"$T/note"; }

# Inside a check: polls COMMAND every 0.1 s until it succeeds, or fails the check after SECONDS,
# first running the check's $diagnose (if it set one) to show what it was waiting on.
wait_until() {  # SECONDS WHAT COMMAND...
  local limit=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      [[ -z ${diagnose:-} ]] || eval "$diagnose"
      fail "no $what within ${limit}s"
    fi
    sleep 0.1
  done
}

# Every container of the run has no network.
drun() { dk run --network none "$@"; }

# Runs FUNCTION in a subshell with errexit, so that any failed step fails the check; then
# removes every container (the engine is ours alone).
run_check() {  # NAME FUNCTION
  local name=$1 status
  [[ $name == test_images || $name =~ $only ]] || return 0
  : >"$T/why"
  : >"$T/note"
  set +e
  (
    set -e
    "$2"
  ) >"$T/check.log" 2>&1
  status=$?
  set -e
  if ((status == 0)); then
    echo "ok $name"
    cat "$T/note"
    passed=$((passed + 1))
  else
    local why
    why=$(cat "$T/why")
    echo "FAIL $name: ${why:-a step failed (exit $status)}"
    sed 's/^/    /' "$T/check.log" | tail -40
    failed=$((failed + 1))
  fi
  remove_all_containers
}

remove_all_containers() {
  local containers
  containers=$(dk ps -aq) || return 0
  # shellcheck disable=SC2086 # one word per container
  [[ -z $containers ]] || dk rm -f $containers >/dev/null 2>&1 || true
}

# The EXIT trap: cleaning up goes on past any error.
finish() {
  local status=$?
  set +e
  [[ -n $T ]] || return
  stop_tty_server
  stop_engine
  rm -rf --one-file-system "$T"
  local took=$((($(now_ms) - started / 1000) / 1000))
  echo "# the docker part took ${took}s"
  echo "docker: $passed passed, $failed failed"
  ((failed == 0 && status == 0)) || exit 1
}

T=$(mktemp -d /tmp/td.XXXX)
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
report_system_docker
start_engine "$tend"
echo "# tend under test: $tend ($("$tend" --version))"

run_check test_images build_test_images
run_check engine_reports_tend check_engine_reports_tend
run_check exit_code check_exit_code
run_check exit_signal check_exit_signal
run_check exit_not_executable check_exit_not_executable
run_check exit_not_found check_exit_not_found
run_check stop_escalates_after_grace check_stop_escalates_after_grace
run_check stop_prompt_when_command_exits check_stop_prompt
run_check kill_reaches_command check_kill_reaches_command
run_check no_zombies check_no_zombies
run_check init_is_tend check_init_is_tend
run_check init_exit_status check_init_exit_status
run_check init_stop_escalates check_init_stop_escalates
run_check healthcheck_ready_file check_healthcheck_ready_file
run_check healthcheck_exit_at_once_client check_healthcheck_exit_at_once_client
run_check user_docker_no_passwd check_user_docker
run_check user_tend_no_passwd check_user_tend
run_check restart_on_failure check_restart_on_failure
run_check stop_during_backoff check_stop_during_backoff
start_tty_server
run_check tty_ctrl_c_entrypoint check_tty_ctrl_c_entrypoint
run_check tty_ctrl_c_init check_tty_ctrl_c_init
run_check tty_ctrl_z_entrypoint check_tty_ctrl_z_entrypoint
run_check tty_ctrl_z_init check_tty_ctrl_z_init
run_check tty_shell_job_fg check_tty_shell_job_fg
run_check debian_base_image make_debian_base_image
run_check dockerfile_build check_dockerfile_build
run_check dockerfile_version check_dockerfile_version
run_check dockerfile_only_tend check_dockerfile_only_tend
run_check example_build check_example_build
run_check example_ready_and_stop check_example_ready_and_stop
