# SPDX-License-Identifier: MIT
# Real terminal programs under tend, typed at an interactive bash in tmux and read off the
# screen as a person would: less, vim and top suspended and resumed, Ctrl-C and a window resize
# delivered once, the terminal left sane after a raw-mode program is killed, and a background
# tend that leaves the terminal to the shell. Sourced by run.sh; each window is one check.
# shellcheck shell=bash
# shellcheck disable=SC2154  # run.sh sets $tend and the rest before it sources this file.

# The private tmux server of this run (run.sh starts it and kills it at the end).
tmux_() { env -u TMUX tmux -S "$work/tmux.sock" -f /dev/null "$@"; }

start_tmux_server() {
  tmux_ new-session -d -s real -x 100 -y 30 -n idle "exec sleep 3600" || return 1
  tmux_ display -p '#{pid}' >"$work/tmux.pid"
}

stop_tmux_server() {
  [[ -s $work/tmux.pid ]] || return 0
  local pid
  pid=$(cat "$work/tmux.pid")
  tmux_ kill-server 2>/dev/null
  kill -KILL "$pid" 2>/dev/null
  return 0
}

# Opens a window with an interactive `bash --norc` whose prompt is "real$ ", in $check_dir, with
# tend and the helper programs on PATH; sets $win, $pane_pid (bash, its session's leader) and
# $pane_tty. The check's EXIT trap kills every process of that session.
open_shell() {  # NAME
  win=real:$1
  tmux_ new-window -d -t real: -n "$1" -c "$check_dir" \
    "exec env -i PATH=$work/bin:/usr/bin:/bin HOME=$check_dir TERM=screen PS1='real\$ ' \
     bash --norc --noprofile -i" || fail "tmux cannot open a window"
  pane_pid=$(tmux_ display -p -t "$win" '#{pane_pid}')
  pane_tty=$(tmux_ display -p -t "$win" '#{pane_tty}')
  own_session "$pane_pid"
  wait_prompt
}

screen() { tmux_ capture-pane -p -t "$win"; }
keys() { tmux_ send-keys -t "$win" "$@"; }
type_line() {  # TEXT: typed, then Enter (and logged)
  echo "typed: $1" >&2
  keys -l "$1" && keys Enter
}

screen_has() { screen | grep -Eq -- "$1"; }
# The line the cursor is on ends with the prompt (a killed program may leave its screen around).
at_prompt() {
  local y
  y=$(tmux_ display -p -t "$win" '#{cursor_y}')
  [[ $(screen | sed -n "$((y + 1))p") == *'real$' ]]
}

# Polls the screen until CONDITION... holds; after SECONDS fails with WHAT and logs the screen.
wait_screen_until() {  # SECONDS WHAT CONDITION...
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      echo "--- the screen:" >&2
      screen >&2
      fail "$what (waited ${seconds}s)"
    fi
    sleep 0.05
  done
}
wait_screen() { wait_screen_until 10 "no '$1' on the screen" screen_has "$1"; }  # REGEX
wait_prompt() { wait_screen_until 10 "no shell prompt on the last line" at_prompt; }

# The screen once it has stopped changing (two captures 100 ms apart agree).
stable_screen() {
  local before after deadline=$((SECONDS + 10))
  after=$(screen)
  while :; do
    sleep 0.1
    before=$after
    after=$(screen)
    [[ $after == "$before" ]] && break
    ((SECONDS < deadline)) || fail "the screen did not settle"
  done
  printf '%s\n' "$after"
}

# FROM-LINE of the screen on is what it was: $before_screen, captured with the same FROM-LINE.
screen_is_back() { [[ $(screen | tail -n "+$1") == "$before_screen" ]]; }

# The pid of the program called COMM in the window's session (tend and what it started).
pid_in_window() {  # COMM
  ps -e -o pid=,sid=,comm= | awk -v sid="$pane_pid" -v comm="$1" '$2 == sid && $3 == comm { print $1 }'
}

tty_is_raw() { stty -a -F "$pane_tty" | tr ' ' '\n' | grep -qx -- -icanon; }

# Ctrl-Z, then `fg`: the job is reported Stopped, the prompt comes back, and after fg the screen
# from line FROM on is again what it was before.
suspend_and_resume() {  # FROM-LINE
  before_screen=$(stable_screen | tail -n "+$1")
  keys C-z
  wait_screen '\[1\]\+ +Stopped +tend -- '
  wait_prompt
  type_line fg
  wait_screen_until 10 "the program's screen did not come back after fg" screen_is_back "$1"
}

expect_exit_status() {  # CODE: what the last job ended with, as `echo $?` says
  wait_prompt
  type_line "echo \"status \$?\""
  wait_screen "^status $1\$"
}

check_tty_less_suspend_resume() {
  open_shell less
  seq 1000 >"$check_dir/lines.txt"
  type_line "tend -- less -Ps'lines %lt-%lb' lines.txt"
  wait_screen '^lines 1-[0-9]+$'
  suspend_and_resume 1
  keys q
  expect_exit_status 0
}

check_tty_vim_suspend_resume() {
  open_shell vim
  seq 1000 >"$check_dir/lines.txt"
  type_line "tend -- vim.tiny -u NONE -i NONE -n -N --cmd 'set shortmess+=F' -c 'set laststatus=2' lines.txt"
  wait_screen '^lines.txt'
  suspend_and_resume 1
  type_line ':q'
  expect_exit_status 0
}

# top's first lines (clock, load, memory) change by themselves: compare from line 6 on, the
# table of the one process it watches (the shell).
check_tty_top_suspend_resume() {
  open_shell top
  type_line 'tend -- top -d 100 -p $$'
  wait_screen '^ *PID +USER'
  suspend_and_resume 6
  wait_screen '^top - '
  keys q
  expect_exit_status 0
}

# The kernel sends SIGINT (Ctrl-C) and SIGWINCH (a resize) to the terminal's foreground group,
# COMMAND's. Were tend in that group too, or forwarding what it got, COMMAND would count two.
check_tty_ctrl_c_and_resize_reach_once() {
  open_shell signals
  type_line "tend -- signal-counter"
  wait_screen '^counter: ready$'
  keys C-c
  wait_screen 'INT 1$'
  tmux_ resize-window -t "$win" -x 90 -y 26
  wait_screen '^WINCH 1$'
  tmux_ resize-window -t "$win" -x 100 -y 30
  wait_screen '^WINCH 2$'
  keys C-c
  wait_screen 'INT 2$'
  type_line quit
  wait_screen '^counter: done after 2 INT and 2 WINCH$'
  expect_exit_status 0
}

# vim runs in the window and the terminal is in raw mode. Before vim starts, the raw mode may be
# readline's, which bash turns off before it runs a command line, so it is vim's once vim runs.
vim_has_raw_terminal() { [[ -n $(pid_in_window vim.tiny) ]] && tty_is_raw; }

# Starts vim under COMMAND-LINE (typed at the prompt), waits until it has put the terminal in
# raw mode, and kills it with SIGKILL from outside, as a crash would.
kill_vim_in_raw_mode() {  # COMMAND-LINE
  type_line "$1"
  wait_screen_until 10 "vim did not start and put the terminal in raw mode" vim_has_raw_terminal
  kill -KILL "$(pid_in_window vim.tiny)"
}

check_tty_sane_after_sigkill() {
  open_shell sigkill
  seq 5 >"$check_dir/lines.txt"
  local vim='vim.tiny -u NONE -i NONE -n -N lines.txt'
  # At bash's prompt, as a user would: the prompt comes back and the terminal is sane.
  kill_vim_in_raw_mode "tend -- $vim"
  wait_prompt
  type_line "clear; tty-modes bash"
  wait_screen '^tty bash: icanon echo$'
  # bash -i restores the terminal by itself after a job killed by a signal; sh does not, so
  # what tty-modes prints under sh is what tend left.
  kill_vim_in_raw_mode "clear; sh -c 'tend -- $vim; tty-modes sh'"
  wait_screen 'tty sh: icanon echo$'
  wait_prompt
  # The contrast: with --no-tty tend leaves the terminal alone, and the killed vim's raw mode
  # stays, which the line above would have shown. (-c keeps vim in the foreground group, which
  # with --no-tty tend does not hand the terminal to.)
  kill_vim_in_raw_mode "clear; sh -c 'tend --no-tty -c -- $vim; tty-modes no-tty'"
  wait_screen 'tty no-tty: -icanon -echo$'
  wait_prompt
}

# The terminal's foreground group is the shell's own (bash -i leads its session and group).
shell_has_terminal() { [[ $(ps -o tpgid= -p "$pane_pid" | tr -d ' ') == "$pane_pid" ]]; }

check_tty_background_job_leaves_terminal() {
  open_shell background
  type_line "tend -- sleep 300 &"
  wait_screen '^\[1\] [0-9]+$'
  wait_prompt
  type_line jobs
  wait_screen '^\[1\]\+ +Running +tend -- sleep 300 &$'
  shell_has_terminal || fail "the terminal's foreground group is not the shell's"
  type_line 'read -r line; echo "read: $line"'
  type_line "typed while tend runs"
  wait_screen '^read: typed while tend runs$'
  shell_has_terminal || fail "the terminal's foreground group is not the shell's"
  [[ -n $(pid_in_window tend) ]] || fail "tend is not running any more"
  type_line 'kill %1; wait %1'
  expect_exit_status 143
}
