# SPDX-License-Identifier: MIT
# `docker run -it` checks, sourced by run.sh: the docker client runs on a terminal of a private
# tmux server, the check types keys into it and waits for what the container prints there.
# The last line on each terminal is the docker client's exit status, "[exit N]".
# shellcheck shell=bash
# shellcheck disable=SC2154  # run.sh sets $tend and the rest before it sources this file.

tmux_run() { tmux -S "$T/tmux.sock" "$@"; }

start_tty_server() {
  tmux_run -f /dev/null new-session -d -s keep
  # A terminal stays readable after its docker client exits.
  tmux_run set-option -g remain-on-exit on
}

stop_tty_server() {
  [[ -S $T/tmux.sock ]] && tmux_run kill-server 2>/dev/null
  return 0
}

# Starts `docker run -it --rm --network none ARGS...` on a new 160x50 terminal named NAME.
tty_start() {  # NAME ARGS...
  local name=$1 command
  shift
  tmux_run kill-session -t "$name" 2>/dev/null || true
  command=$(printf '%q ' env "DOCKER_CONFIG=$T/cli" "$docker_bin" -H "unix://$T/docker.sock" \
    run -it --rm --network none "$@")
  # On a line of its own: a Ctrl-C echoed as ^C leaves the cursor after it.
  tmux_run new-session -d -s "$name" -x 160 -y 50 "$command; printf '\\n[exit %s]\\n' \$?"
}

screen_of() { tmux_run capture-pane -p -J -t "$1" -S -200; }
screen_has() {
  screen_of "$1" >"$T/screen"
  grep -Eq -- "$2" "$T/screen"
}

# Waits for REGEX on the terminal; on a timeout the check fails showing the screen.
wait_screen() {  # NAME REGEX
  local deadline=$((SECONDS + 30))
  until screen_has "$1" "$2"; do
    if ((SECONDS >= deadline)); then
      screen_of "$1" | grep -v '^$'
      fail "no '$2' on the terminal within 30s"
    fi
    sleep 0.1
  done
}

type_line() {  # NAME TEXT: types TEXT and Enter
  tmux_run send-keys -t "$1" -l "$2"
  tmux_run send-keys -t "$1" Enter
}

# Ctrl-C from the terminal reaches COMMAND (cat), which dies of it: docker run exits 128+2.
expect_ctrl_c_ends_command() {  # DOCKER_RUN_ARGS...
  tty_start ctrl-c "$@" sh -c 'echo ready; exec cat'
  wait_screen ctrl-c '^ready'
  tmux_run send-keys -t ctrl-c C-c
  wait_screen ctrl-c '^\[exit 130\]$'
}

check_tty_ctrl_c_entrypoint() { expect_ctrl_c_ends_command tend-test:entry; }
check_tty_ctrl_c_init() { expect_ctrl_c_ends_command --init tend-test:base; }

# Ctrl-Z stops COMMAND; tend, the session leader, continues it at once (nobody else could), and
# COMMAND goes on reading the terminal: it echoes a line typed after the Ctrl-Z, and its exit
# status on end of input is docker run's.
expect_ctrl_z_continued() {  # DOCKER_RUN_ARGS...
  tty_start ctrl-z -e TEND_VERBOSE=1 "$@" \
    sh -c 'echo ready; while read line; do echo "got:$line"; done; exit 4'
  wait_screen ctrl-z '^ready'
  tmux_run send-keys -t ctrl-z C-z
  wait_screen ctrl-z 'COMMAND \(pid [0-9]+\) stopped by SIGTSTP'
  type_line ctrl-z abc
  wait_screen ctrl-z '^got:abc'
  tmux_run send-keys -t ctrl-z C-d
  wait_screen ctrl-z '^\[exit 4\]$'
}

check_tty_ctrl_z_entrypoint() { expect_ctrl_z_continued tend-test:entry; }
check_tty_ctrl_z_init() { expect_ctrl_z_continued --init tend-test:base; }

# An interactive shell as COMMAND of the container's tend, and a second tend as one of its jobs:
# Ctrl-Z stops the whole job (that tend and its COMMAND, state T) and the shell gets its prompt
# back; `fg` continues it with the terminal, so its COMMAND reads the next line; Ctrl-C ends a
# job with 130; the shell's exit status is the container's. Markers are computed ($((6*7))) so
# that the typed command line never matches what its output is waited for.
check_tty_shell_job_fg() {
  tty_start job tend-test:entry sh -i
  type_line job 'echo M1-$((6*7))'
  wait_screen job '^M1-42'
  type_line job "/tend -- sh -c 'echo M2-\$((6*7)); read line; echo M3-\$line; exit 3'"
  wait_screen job '^M2-42'
  tmux_run send-keys -t job C-z
  wait_screen job 'Stopped'
  type_line job "echo M4-\$(ps -o stat,args | grep -c '^T')"
  wait_screen job '^M4-2$'
  type_line job fg
  type_line job abc
  wait_screen job '^M3-abc'
  type_line job 'echo M5-$?'
  wait_screen job '^M5-3$'
  type_line job "/tend -- sh -c 'echo M6-\$((6*7)); exec sleep 1000'"
  wait_screen job '^M6-42'
  tmux_run send-keys -t job C-c
  type_line job 'echo M7-$?'
  wait_screen job '^M7-130$'
  type_line job 'exit 5'
  wait_screen job '^\[exit 5\]$'
}
