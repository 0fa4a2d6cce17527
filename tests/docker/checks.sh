# SPDX-License-Identifier: MIT
# The checks of tend inside the private engine, sourced by run.sh: each is a function run in a
# subshell with errexit; `fail` ends it with a reason, `wait_until` polls for an event.
#
# Images (test.Dockerfile): tend-test:base (no ENTRYPOINT), tend-test:entry (ENTRYPOINT
# ["/tend", "--"]; options through tend's TEND_* variables), tend-test:ready (a HEALTHCHECK).
# shellcheck shell=bash
# shellcheck disable=SC2154  # run.sh sets $tend and the rest before it sources this file.

build_test_images() {
  local context=$T/context target
  mkdir -p "$context"
  if [[ $(LC_ALL=C readelf -lW /bin/busybox) == *"program interpreter"* ]]; then
    fail "/bin/busybox is not Debian's static busybox (busybox-static)"
  fi
  cp /bin/busybox "$context/busybox"
  cp "$tend" "$context/tend"
  cc -static -Os -Wall -Wextra -Werror -o "$context/notify" "$here/notify.c"
  echo "not a program" >"$context/noexec"
  chmod 644 "$context/noexec"
  for target in base entry ready; do
    dk build --network none -q --target "$target" -t "tend-test:$target" \
      -f "$here/test.Dockerfile" "$context"
  done
}

# Reads the whole output before matching: grep -q would stop early, and under pipefail the
# writer's SIGPIPE would turn a match into a failure.
log_has() {
  dk logs "$1" >"$T/logs" 2>&1
  grep -Eq -- "$2" "$T/logs"
}
wait_for_log() { wait_until "${3:-30}" "'$2' in the output of $1" log_has "$1" "$2"; }
exit_code_of() { dk inspect -f '{{.State.ExitCode}}' "$1"; }

check_engine_reports_tend() {
  local binary commit expected
  binary=$(dk info -f '{{.InitBinary}}')
  [[ $binary == "$tend" ]] || fail "docker info names init binary '$binary', not $tend"
  expected=$("$tend" --version | sed -n 's/^tend version .* - git\.\([0-9a-z]*\)$/\1/p')
  [[ -n $expected ]] || fail "tend --version does not end in git.<sha>: $("$tend" --version)"
  commit=$(dk info -f '{{.InitCommit.ID}}')
  [[ $commit == "$expected" ]] || fail "docker info reads init commit '$commit', not '$expected'"
  dk info >"$T/info"
  grep -qx " init version: $expected" "$T/info" || fail "no 'init version: $expected' in info"
}

# Runs tend-test:entry with COMMAND... and fails unless docker run exits EXPECTED.
expect_run_status() {  # EXPECTED ARGS...
  local expected=$1 status=0
  shift
  drun --rm tend-test:entry "$@" >"$T/out" 2>&1 || status=$?
  cat "$T/out"
  ((status == expected)) || fail "docker run exited $status, expected $expected"
}

check_exit_code() { expect_run_status 3 sh -c 'exit 3'; }

check_exit_signal() {
  expect_run_status $((128 + 10)) sh -c 'kill -USR1 $$'
  expect_run_status $((128 + 9)) sh -c 'kill -KILL $$'
}

check_exit_not_executable() {
  expect_run_status 126 /noexec
  grep -q "tend: cannot run '/noexec': Permission denied" "$T/out" || fail "no error message"
}

check_exit_not_found() {
  expect_run_status 127 /missing
  grep -q "tend: cannot run '/missing': No such file or directory" "$T/out" ||
    fail "no error message"
}

# Times `docker stop -t 30 NAME` in ms into $took and fails unless the exit code is EXPECTED.
time_docker_stop() {  # NAME EXPECTED
  local begin status
  begin=$(now_ms)
  dk stop -t 30 "$1" >/dev/null
  took=$(($(now_ms) - begin))
  status=$(exit_code_of "$1")
  dk logs "$1" 2>&1
  echo "docker stop took ${took}ms, exit code $status"
  ((status == $2)) || fail "exit code $status after docker stop, expected $2"
}

# A COMMAND that ignores SIGTERM: tend sends SIGKILL after --grace 2s, long before Docker's 30 s.
expect_stop_after_grace() {  # DOCKER_RUN_ARGS...
  drun -d --name grace -e TEND_GRACE=2s -e TEND_VERBOSE=1 "$@" \
    sh -c 'trap "" TERM; echo started; exec sleep 1000'
  wait_for_log grace started
  time_docker_stop grace 137
  ((took >= 2000)) || fail "docker stop took ${took}ms, less than tend's --grace 2s"
  ((took < 10000)) || fail "docker stop took ${took}ms, not well under docker stop -t 30"
  log_has grace "SIGKILL" || fail "tend did not log its SIGKILL"
}

check_stop_escalates_after_grace() { expect_stop_after_grace tend-test:entry; }

check_stop_prompt() {
  drun -d --name prompt -e TEND_GRACE=20s tend-test:entry \
    sh -c 'trap "echo got TERM; exit 0" TERM; echo started; sleep 1000 & wait $!'
  wait_for_log prompt started
  time_docker_stop prompt 0
  ((took < 5000)) || fail "docker stop took ${took}ms for a COMMAND that exits on SIGTERM"
  log_has prompt "got TERM" || fail "COMMAND did not get SIGTERM"
}

check_kill_reaches_command() {
  drun -d --name kill tend-test:entry \
    sh -c 'trap "echo got USR1; exit 42" USR1; echo started; sleep 1000 & wait $!'
  wait_for_log kill started
  dk kill -s USR1 kill >/dev/null
  local status
  status=$(dk wait kill)
  ((status == 42)) || fail "exit code $status after docker kill -s USR1, expected COMMAND's 42"
  log_has kill "got USR1" || fail "COMMAND did not report SIGUSR1"
}

# True when the container holds tend, COMMAND and the ps itself, and nothing else: every
# orphan has exited and been reaped (a zombie would be listed, with state Z).
only_tend_and_command_left() {
  dk exec "$1" ps -o pid,stat,args >"$T/ps"
  ! grep -Eq '^ *[0-9]+ +Z' "$T/ps" && (($(wc -l <"$T/ps") == 4))
}

check_no_zombies() {
  drun -d --name reaper tend-test:entry sh -c \
    'i=0; while [ $i -lt 20 ]; do sh -c "sleep 0.$((i % 5)) & exit 0"; i=$((i + 1)); done
     echo spawned; exec sleep 1000'
  wait_for_log reaper spawned
  local deadline=$((SECONDS + 30))
  until only_tend_and_command_left reaper; do
    ((SECONDS < deadline)) || fail "after 30s, ps shows: $(tr -s ' \n' ' ' <"$T/ps")"
    sleep 0.1
  done
  cat "$T/ps"
}

check_init_is_tend() {
  local out version
  out=$(drun --rm --init tend-test:base ps -o pid,args)
  echo "$out"
  grep -Eq '^ +1 /sbin/docker-init -- ps -o pid,args$' <<<"$out" ||
    fail "PID 1 is not /sbin/docker-init -- COMMAND"
  version=$(drun --rm --init tend-test:base /sbin/docker-init --version)
  [[ $version == "$("$tend" --version)" ]] || fail "docker-init --version says '$version'"
}

check_init_exit_status() {
  local status=0
  drun --rm --init tend-test:base sh -c 'exit 5' || status=$?
  ((status == 5)) || fail "docker run --init exited $status, expected 5"
  status=0
  drun --rm --init tend-test:base sh -c 'kill -USR1 $$' || status=$?
  ((status == 138)) || fail "docker run --init exited $status for SIGUSR1, expected 138"
}

check_init_stop_escalates() { expect_stop_after_grace --init tend-test:base; }

health_of() { dk inspect -f '{{.State.Health.Status}}' "$1"; }
health_is() { [[ $(health_of "$1") == "$2" ]]; }
failed_probes_at_least() {
  (($(dk inspect -f '{{range .State.Health.Log}}{{.ExitCode}} {{end}}' "$1" |
    tr ' ' '\n' | grep -c '^[1-9]') >= $2))
}

# READY=1 comes when the check writes to the COMMAND's fifo: until then the probes fail and the
# container is "starting"; after it, tend creates the ready file and the container turns healthy.
check_healthcheck_ready_file() {
  # shellcheck disable=SC2034 # read by wait_until
  diagnose="dk logs health; dk inspect -f '{{json .State.Health}}' health"
  drun -d --name health -e TEND_VERBOSE=2 tend-test:ready sh -c \
    'mkfifo /tmp/go; echo started; read x </tmp/go; notify READY=1 && echo notified; exec sleep 1000'
  wait_for_log health started
  wait_until 30 "two failed health probes" failed_probes_at_least health 2
  health_is health starting || fail "health is '$(health_of health)' before READY=1"
  dk exec health test ! -e /tmp/ready || fail "the ready file exists before READY=1"
  dk exec health sh -c 'echo go >/tmp/go'
  wait_until 30 "healthy status after READY=1" health_is health healthy
  log_has health notified || fail "COMMAND could not send READY=1"
  log_has health "main process \(pid [0-9]+\) is ready" || fail "tend did not log readiness"
}

# A client that sends READY=1 and exits at once (no BARRIER=1), reaped by its shell before tend
# reads the datagram: as PID 1 tend takes every sender inside its PID namespace, so the container
# turns healthy, five times in a row.
check_healthcheck_exit_at_once_client() {
  local i
  for i in 1 2 3 4 5; do
    # shellcheck disable=SC2034 # read by wait_until
    diagnose="dk logs quick$i; dk inspect -f '{{json .State.Health}}' quick$i"
    drun -d --name "quick$i" -e TEND_VERBOSE=2 tend-test:ready sh -c \
      'notify --exit-at-once READY=1 && echo notified; exec sleep 1000'
    wait_until 30 "healthy status after an exit-at-once READY=1 (run $i)" \
      health_is "quick$i" healthy
    dk rm -f "quick$i" >/dev/null
  done
}

check_user_docker() {
  local out status=0
  out=$(drun --rm --user 1234:1234 tend-test:entry \
    sh -c 'id; test -e /etc/passwd || echo no-passwd; exit 9') || status=$?
  echo "$out"
  ((status == 9)) || fail "docker run --user exited $status, expected 9"
  grep -q "uid=1234 gid=1234" <<<"$out" || fail "COMMAND did not run as 1234:1234"
  grep -q "no-passwd" <<<"$out" || fail "the image has an /etc/passwd"
}

check_user_tend() {
  local out
  out=$(drun --rm --entrypoint /tend tend-test:entry --user 1234:1234 -- id)
  echo "$out"
  grep -q "^uid=1234 gid=1234" <<<"$out" || fail "tend --user 1234:1234 did not apply"
}

# tend restarts COMMAND itself (Docker's RestartCount stays 0): it exits 1 twice, then 0.
check_restart_on_failure() {
  local out status=0 restarts
  out=$(drun --name restart -e TEND_RESTART=on-failure -e TEND_VERBOSE=1 tend-test:entry sh -c \
    'n=$(($(cat /tmp/runs 2>/dev/null || echo 0) + 1)); echo $n >/tmp/runs; echo "run $n"
     [ $n -ge 3 ] || exit 1' 2>&1) || status=$?
  echo "$out"
  ((status == 0)) || fail "docker run exited $status, expected 0 from the third run"
  grep -q "^run 3$" <<<"$out" || fail "COMMAND did not run three times"
  (($(grep -c "restarting COMMAND" <<<"$out") == 2)) || fail "tend did not log two restarts"
  restarts=$(dk inspect -f '{{.RestartCount}}' restart)
  ((restarts == 0)) || fail "Docker restarted the container $restarts times"
}

check_stop_during_backoff() {
  drun -d --name backoff -e TEND_RESTART=on-failure -e TEND_RESTART_DELAY=1m -e TEND_VERBOSE=1 \
    tend-test:entry sh -c 'echo run; exit 1'
  wait_for_log backoff "restarting COMMAND in (1m|60s) "
  time_docker_stop backoff 1
  ((took < 5000)) || fail "docker stop took ${took}ms during a 1m back-off"
}
