# SPDX-License-Identifier: MIT
# What the real-daemon and terminal checks share: failing with a reason, bounded waits, owning
# (and at the end killing) the processes a check starts, free loopback ports, and the command
# line of an example's systemd unit. Sourced by run.sh; each check runs in a subshell of its own.
# shellcheck shell=bash
# shellcheck disable=SC2154  # run.sh sets $tend and the rest before it sources this file.

# Ends the check with a reason, which run.sh prints after "FAIL NAME:".
fail() {
  echo "$*" >"$check_dir/why"
  echo "FAIL: $*" >&2
  exit 1
}

# Processes the check started, killed by its EXIT trap whatever happened: a process group, or
# a session (a terminal window's shell and everything started in it), named by its leader's pid
# and the leader's start time. pid_max may be as low as 32768, so a pid can come back as
# someone else's: a leader pid that now belongs to a process started at another time is left
# alone. One that no process has is still ours: the kernel gives no new process a pid that is
# still a process group's or a session's id.
owned=()
start_time() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }
own_group() { owned+=("group $1 $(start_time "$1")"); }
own_session() { owned+=("session $1 $(start_time "$1")"); }
kill_owned() {
  local entry kind id started now
  for entry in "${owned[@]}"; do
    read -r kind id started <<<"$entry"
    now=$(start_time "$id")
    [[ -z $now || $now == "$started" ]] || continue
    if [[ $kind == session ]]; then
      ps -e -o pid=,sid= | awk -v sid="$id" '$2 == sid { print $1 }' | xargs -r kill -KILL 2>/dev/null
    else
      kill -KILL -- "-$id" 2>/dev/null
    fi
  done
  return 0
}

# Polls (every 50 ms) until COMMAND succeeds; after SECONDS fails with "WHAT".
wait_until() {  # SECONDS WHAT COMMAND...
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || fail "$what (waited ${seconds}s)"
    sleep 0.05
  done
}

has_text() { grep -q -- "$2" "$1" 2>/dev/null; }  # FILE REGEX
wait_for_text() {  # FILE REGEX [SECONDS]
  wait_until "${3:-20}" "no '$2' in $(basename "$1")" has_text "$1" "$2"
}

# A child of this shell has ended (a zombie until waited for) or is gone.
has_ended() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
  [[ $state == Z* ]]
}
# Waits up to SECONDS for child PID to end and sets $status to its exit status.
# shellcheck disable=SC2034  # $status is read by the check that called this
wait_exit() {  # PID SECONDS WHAT
  wait_until "$2" "$3 did not end" has_ended "$1"
  status=0
  wait "$1" || status=$?
}

# The pid tend -v logs for the main process: "main process 'NAME' is pid N (HOW)".
main_pid_in() {  # FILE
  grep -o "main process '[^']*' is pid [0-9]*" "$1" | tail -1 | grep -o '[0-9]*$'
}

# A TCP port on 127.0.0.1 that nothing listens on: random, checked with ss.
free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 40000))
    [[ -z $(ss -Htan "( sport = :$port )") ]] && echo "$port" && return 0
  done
  fail "found no free port"
}

# The words of a unit's ExecStart, one a line, continuation lines joined. The example units
# quote nothing, so splitting on blanks is exact; a quote fails the check rather than mislead.
unit_exec_start() {  # UNIT
  local line
  line=$(sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' "$1" | sed -n 's/^ExecStart=//p')
  [[ -n $line ]] || fail "no ExecStart in $1"
  [[ $line != *[\"\']* ]] || fail "ExecStart of $1 has quotes, which this check does not parse"
  # shellcheck disable=SC2020  # each blank becomes a newline: sets of characters, as meant
  tr -s ' \t' '\n\n' <<<"$line" | sed '/^$/d'
}

# Fails unless every COMMAND is installed, naming the Debian package that has it.
need() {  # COMMAND...
  local command package
  for command in "$@"; do
    command -v "$command" >/dev/null && continue
    case $command in
      redis-cli) package=redis-tools ;;
      vim.tiny) package=vim-tiny ;;
      top | ps) package=procps ;;
      ss) package=iproute2 ;;
      systemd-analyze) package=systemd ;;
      runuser) package=util-linux ;;
      *) package=$command ;;
    esac
    fail "$command is not installed (Debian package $package; see tests/real/packages)"
  done
}
