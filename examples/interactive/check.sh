#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tend in a terminal, driven through a pseudo-terminal made by script(1): types commands and
# control characters the way a user would, and fails unless
#  1. as a foreground job of `bash -i`: COMMAND owns the terminal; Ctrl-C ends it and `$?` is 130;
#     Ctrl-Z stops the whole job (bash lists it as Stopped) and `fg` resumes COMMAND in the
#     foreground;
#  2. as session leader (`docker run -it`): a Ctrl-Z'd COMMAND is continued by tend itself;
#  3. a COMMAND that dies of Ctrl-C with echo turned off leaves the terminal echoing (under a
#     shell without job control, which, unlike bash -i, does not restore the settings itself);
#  4. `tend -- bash -i` as session leader gives a bash with working job control.
# Usage: check.sh [TEND]   (default: build/tend of this checkout)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tend=$(realpath "${1:-${TEND:-$here/../../build/tend}}")
tmp=$(mktemp -d)
session_pid=
cleanup() {
  exec 3>&- 2>/dev/null || true
  # script(1) started a session of its own: kill what runs in it, and script(1) itself.
  if [[ -n $session_pid ]]; then
    kill_session "$session_pid"
  fi
  rm -rf "$tmp"
}
kill_session() {  # PID of script(1): SIGKILL to every process of the sessions below it
  local sid pid
  for sid in $(ps -o sid= --ppid "$1" 2>/dev/null) "$1"; do
    for pid in $(ps -eo pid=,sid= | awk -v s="$sid" '$2 == s { print $1 }'); do
      kill -KILL "$pid" 2>/dev/null || true
    done
  done
  kill -KILL "$1" 2>/dev/null || true
}
trap cleanup EXIT
# Job control, so that script(1) and the shell in it start with SIGINT and SIGQUIT at their
# defaults: a script's background jobs would otherwise ignore them, and so would everything
# started in the terminal, tend's COMMAND included (tend hands on the dispositions it inherited).
set -m

fail() {
  echo "FAIL: $*" >&2
  echo "--- terminal output:" >&2
  cat -v "$tmp/typescript" >&2 || true
  exit 1
}
# Waits up to 10 s for TEXT to appear on the terminal (COUNT times, default once).
wait_for() {
  local count=${2:-1}
  for _ in $(seq 200); do
    (($(grep -c -- "$1" "$tmp/typescript" 2>/dev/null || true) >= count)) && return 0
    sleep 0.05
  done
  fail "no '$1' on the terminal after 10 s (expected $count times)"
}
# Types into the terminal; a subshell takes the SIGPIPE if the session has ended.
# shellcheck disable=SC2059  # $1 is a printf format on purpose: keys are escapes such as \003
send() { (printf "$1" >&3) 2>/dev/null || fail "the terminal session ended early"; }
type_line() { send "$(printf '%s' "$1" | sed 's/%/%%/g; s/\\/\\\\/g')\n"; }
press() {  # ctrl-c | ctrl-z
  case $1 in ctrl-c) send '\003' ;; ctrl-z) send '\032' ;; esac
}
# Starts COMMAND... on a new pseudo-terminal; what is typed goes to it through fd 3.
start_session() {
  rm -f "$tmp/in" "$tmp/typescript"
  mkfifo "$tmp/in"
  TEND=$tend script -q -f -e -c "$1" "$tmp/typescript" <"$tmp/in" >/dev/null 2>&1 &
  session_pid=$!
  exec 3>"$tmp/in"
}
# Closes the terminal's input and waits up to 10 s for script(1) to end.
end_session() {
  exec 3>&-
  for _ in $(seq 200); do kill -0 "$session_pid" 2>/dev/null || break; sleep 0.05; done
  kill -0 "$session_pid" 2>/dev/null && fail "the session did not end"
  wait "$session_pid" || true
  session_pid=
}

cd "$here"
bash_i="exec bash --norc --noprofile -i"

echo "== 1. tend as a foreground job of an interactive bash"
start_session "$bash_i"
type_line 'echo "shell-$((0+1))"'
wait_for "shell-1"
type_line '"$TEND" -- ./probe.sh one'
wait_for "probe one: waiting"
grep -q "probe one: in the foreground" "$tmp/typescript" || fail "COMMAND does not own the terminal"
press ctrl-c
type_line 'echo "status=$? step-$((1+1))"'
wait_for "status=130 step-2"
echo "   Ctrl-C ended COMMAND, \$? = 130"

type_line '"$TEND" -- ./probe.sh two'
wait_for "probe two: waiting"
press ctrl-z
wait_for "Stopped"
type_line 'jobs; echo "step-$((2+1))"'
wait_for "step-3"
echo "   Ctrl-Z stopped the job; bash lists it as Stopped"
type_line 'fg'
wait_for "probe two: continued"
wait_for "probe two: .*foreground" 2
wait_for "probe two: in the foreground" 2
press ctrl-c
type_line 'echo "status=$? step-$((3+1))"'
wait_for "status=130 step-4"
echo "   fg resumed COMMAND in the foreground"

type_line 'exit'
end_session

echo "== 2. tend as session leader (docker run -it), COMMAND stopped by Ctrl-Z"
start_session 'exec "$TEND" -- ./probe.sh leader'
wait_for "probe leader: waiting"
press ctrl-z
wait_for "probe leader: continued"
wait_for "probe leader: .*foreground" 2
wait_for "probe leader: in the foreground" 2
press ctrl-c
end_session
echo "   tend continued COMMAND and gave it the terminal back"

echo "== 3. tend under a shell without job control; COMMAND turns echo off and dies of Ctrl-C"
cat >"$tmp/plain.sh" <<'SCRIPT'
"$TEND" -- ./probe.sh three -echo
stty -a | tr ' ' '\n' | grep -qx echo && echo "terminal: echo on" || echo "terminal: echo off"
SCRIPT
start_session "exec sh $tmp/plain.sh"
wait_for "probe three: waiting"
press ctrl-c
wait_for "terminal: echo o"
end_session
grep -q "terminal: echo on" "$tmp/typescript" || fail "the terminal was left with echo off"
echo "   tend restored the terminal's settings"

echo "== 4. tend -- bash -i as session leader: job control inside"
start_session "exec \"\$TEND\" -- bash --norc --noprofile -i"
type_line 'sleep 100 &'
type_line 'jobs; echo "step-$((5+1))"'
wait_for "step-6"
grep -q "Running" "$tmp/typescript" || fail "jobs does not list the background job"
type_line 'fg'
wait_for "sleep 100"
press ctrl-c
type_line 'echo "status=$? step-$((6+1))"'
wait_for "status=130 step-7"
type_line 'exit'
end_session
if grep -qi -e "no job control" -e "cannot set terminal process group" "$tmp/typescript"; then
  fail "bash complains about job control"
fi
echo "   sleep &, jobs, fg and Ctrl-C work; no complaint about job control"
echo "OK: Ctrl-C, Ctrl-Z, fg and the terminal's settings behave as without tend"
