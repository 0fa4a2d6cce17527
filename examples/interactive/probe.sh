#!/bin/sh
# SPDX-License-Identifier: MIT
# An interactive program's view of the terminal: says whether its process group is the
# terminal's foreground group (what full-screen and line-editing programs need), says so again
# when it is continued after Ctrl-Z, and otherwise waits until Ctrl-C ends it.
# Usage: probe.sh NAME [STTY-SETTING...]   (e.g. `probe.sh x -echo` turns echo off first, as
# an editor or a password prompt would, and then dies of Ctrl-C without turning it back on)
name=$1
shift
[ $# -gt 0 ] && stty "$@"
report() {
  pgid=$(ps -o pgid= -p $$ | tr -d ' ')
  tpgid=$(ps -o tpgid= -p $$ | tr -d ' ')
  if [ "$pgid" = "$tpgid" ]; then
    echo "probe $name: in the foreground"
  else
    echo "probe $name: NOT in the foreground (group $pgid, terminal's $tpgid)"
  fi
}
trap 'echo "probe $name: continued"; report' CONT
# Die of Ctrl-C's SIGINT, as a program without a handler would (the shell's `wait` would not).
trap 'trap - INT; kill -INT $$' INT
report
echo "probe $name: waiting"
while :; do
  sleep 1 &
  wait $!
done
