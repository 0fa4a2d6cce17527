// SPDX-License-Identifier: MIT
// tend_helper: the COMMAND of the whole-program tests; it reports what it sees and does what
// it is asked, as a little script of words run in order, for example
//   tend_helper tag A ignore TERM ready sleep
//   tend_helper child tag L signals-until TERM ';;' exit 3
// Every line goes out with one write(2), so that the test sees it the moment it is printed, and
// lines of several processes never mix. Lines that mark a moment end in " t=NANOSECONDS" of
// CLOCK_MONOTONIC (the clock behind std::chrono::steady_clock), so that a test can measure gaps.
//
// What it sees
//   report               "report pid=P ppid=Q pgrp=G sid=S fg0=F fgtty=F sigblk=HEX sigign=HEX
//                        fds=0,1,2 cwd=PATH"; F says whether the terminal's foreground group is
//                        its own, through fd 0 and through /dev/tty: yes, no or none
//   ids                  "uid|gid|groups|nonewprivs VALUE" from /proc/self/status, "home H"
//   fds                  "fds 0,1,2,..." and "fd N TARGET" for every fd above 2
//   env NAME             "env NAME=VALUE" or "env NAME unset"
//   listen               "listen fds=$LISTEN_FDS pid=$LISTEN_PID self=PID"
//   args ARG...          "arg X" for every remaining word, then "args end"
// What it says
//   tag NAME             prefix every later line with "NAME "
//   print TEXT           TEXT
//   stamp TEXT           "TEXT t=..."
//   start                "start pid=PID t=..."
//   ready                "ready"; releases a parent waiting in `child`
//   flood TEXT           "TEXT K" for K = 1, 2, ... forever, as fast as stdout takes them
//   write-fd N TEXT      TEXT to fd N
// Signals
//   signals              block every signal (all 64), print "signals ready" (releasing a parent
//                        waiting in `child`), then "signal N NAME t=... from=PID" for each one
//                        received (PID 0: the kernel's, say a terminal's Ctrl-C), forever
//   signals-until SIG    the same, but after SIG unblock everything and go on with the next word
//   ignore SIG           set SIG's disposition to SIG_IGN
//   catch SIG            count SIG in a handler: "caught NAME N" for the Nth
//   exit-on SIG          the same, and exit 0 after printing
// Ending
//   sleep / sleep-ms N   wait forever / N milliseconds
//   read-line            wait for one line (or end of file) on stdin
//   exit N               "exit N t=...", exit with code N
//   kill-self SIG        "kill-self N t=...", die of SIG (no core dump)
// Processes
//   setsid               start a new session (and process group)
//   child WORDS ;;       fork a child running WORDS, print "child pid=PID", wait until it says
//                        `ready` or `signals ready` (or ends), go on
//   reap                 wait for the last `child` to end, print "reaped PID"
//   orphans N            make N zombies whose parent exits at once; "orphans done N"
//   orphans-until SIG N MIN
//                        block SIG, say "ready", then make orphans in bursts of N until SIG has
//                        come and at least MIN were made (never more than 4 x MIN); print
//                        "orphans total=T signalled=yes|no"
//   burn-pids N          fork N children that exit at once, so that later pids have more digits
//   exec-with BLOCKED IGNORED -- PROG ARG...
//                        exec PROG with exactly that signal mask and those ignored signals
//                        (comma-separated numbers, "-" for none)
//   parent-of -- PROG ARG...
//                        run PROG as a child and end as it ended (an intermediate parent)
// Notify
//   notify TEXT          send TEXT to $NOTIFY_SOCKET (a path or an abstract "@name"); in TEXT,
//                        "{child}" is the pid of the last `child`, "{pid}" the own pid, and
//                        "{pid-head}" and "{pid-last}" its digits but the last, and the last
//   notify-burst N TEXT  send TEXT N times, each as soon as the socket takes it
//   notify-creds TEXT    same, with an explicit SCM_CREDENTIALS of this process
//   notify-fd TEXT       same, with the write end of a pipe attached (SCM_RIGHTS); then wait up
//                        to 5 s for the receiver to close it: "fd closed" or "fd still open"
//   pings MS N           send WATCHDOG=1 N times, MS milliseconds apart, "ping K t=..." each
//                        (the moment just before the send)
// Daemons and files
//   daemonize            classic double fork: the launcher (all signals blocked) waits until the
//                        daemon calls `write-pid`, `write-file` or `release` (or dies), prints
//                        "launcher exit 0" and exits 0; the daemon (in the new session of the
//                        middle process, whose group it does not lead) goes on with the next word
//   daemonize-nowait     the same, but the launcher exits 0 at once
//   write-pid PATH       write the own pid to PATH (atomically), release the launcher
//   write-file PATH TEXT write TEXT to PATH (atomically), release the launcher
//   release              release the launcher
//   part-open PATH       open PATH for writing (created, truncated: not atomically), keep it open
//   part-write TEXT      write TEXT (expanded as for `notify`) to it, release the launcher
//   part-close           close it
//   count FILE           add one to the number in FILE, print "count N"
//   if-count N WORDS ;;  run WORDS only when the last `count` gave N
//   mkdir PATH           make the directory PATH
//   symlink TARGET PATH  make PATH a symlink to TARGET
// Terminal
//   raw / noecho         put the terminal on fd 0 in raw mode / turn ECHO off: "terminal raw",
//                        "terminal noecho"
//   stop                 raise SIGTSTP, then print "resumed" once continued
//   loop                 read lines from fd 0 and answer them until end of file:
//                          q-fg        "fg yes|no|none"
//                          q-count     "counts int=N winch=N cont=N" (of `catch`)
//                          q-size      "size rows=R cols=C" (TIOCGWINSZ on fd 0)
//                          q-report    the report line
//                          q-die-int   die of SIGINT
//                          q-exit N    exit with code N
#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "helper_io.h"
#include "helper_words.h"

namespace tend::helper {

pid_t g_last_child = -1;

namespace {

constexpr int kLastSignal = 64;

int g_ready_fd = -1;  // Held open until `ready`; a parent in `child` waits for its close.

std::vector<int> parse_signal_list(std::string_view text) {
  std::vector<int> signals;
  if (text == "-") return signals;
  while (!text.empty()) {
    size_t comma = text.find(',');
    signals.push_back(parse_signal(text.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return signals;
}

/// All 64 signals, glibc's own 32 and 33 too (its sigfillset and sigprocmask leave them out).
void set_raw_mask(const sigset_t& mask) {
  if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, nullptr, 8) != 0) {
    fail_errno("rt_sigprocmask");
  }
}

/// Receives every signal through a signalfd, so even SEGV or TSTP only get printed; returns
/// after `until` (0: never) with no signal blocked.
void print_signals(int until) {
  sigset_t all;
  std::memset(&all, 0xff, sizeof all);
  set_raw_mask(all);
  int fd = static_cast<int>(syscall(SYS_signalfd4, -1, &all, 8, SFD_CLOEXEC));
  if (fd < 0) fail_errno("signalfd");
  release_parent();
  emit("signals ready");
  for (;;) {
    signalfd_siginfo info{};
    ssize_t got = read(fd, &info, sizeof info);
    if (got < 0 && errno == EINTR) continue;
    if (got != sizeof info) fail_errno("read signalfd");
    int signo = static_cast<int>(info.ssi_signo);
    emit("signal %d %s t=%lld from=%u", signo, signal_label(signo).c_str(), now_ns(), info.ssi_pid);
    if (signo == until) break;
  }
  close(fd);
  // Back to the state a plain program has, so that a later `sleep` dies of a signal as usual.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

/// The zombies exist all at once: their parent exits only after forking the last one.
void make_orphans(int count) {
  pid_t middle = fork();
  if (middle < 0) fail_errno("fork");
  if (middle == 0) {
    set_disposition(SIGCHLD, SIG_DFL);  // Otherwise the zombies would vanish on the spot.
    for (int i = 0; i < count; ++i) {
      pid_t pid = fork();
      if (pid == 0) _exit(0);
      if (pid < 0) {
        emit("orphans fork failed after %d: %s", i, std::strerror(errno));
        _exit(1);
      }
    }
    _exit(0);
  }
  int status = reap(middle);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fail("orphan maker failed");
  emit("orphans done %d", count);
}

/// An orphan storm that a forwarded signal ends: it goes on until tend has passed `signo` on.
void make_orphans_until(int signo, int burst, int minimum) {
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, signo);
  if (sigprocmask(SIG_BLOCK, &only, nullptr) != 0) fail_errno("sigprocmask");
  release_parent();
  emit("ready");
  int made = 0;
  bool signalled = false;
  // Capped: should the signal never come, pids are finite and shared with the whole machine.
  while (made < 4 * minimum) {
    make_orphans(burst);
    made += burst;
    timespec no_wait{};
    if (!signalled) signalled = sigtimedwait(&only, nullptr, &no_wait) == signo;
    if (signalled && made >= minimum) break;
  }
  emit("orphans total=%d signalled=%s", made, signalled ? "yes" : "no");
}

void burn_pids(int count) {
  for (int i = 0; i < count; ++i) {
    pid_t pid = fork();
    if (pid < 0) fail_errno("fork");
    if (pid == 0) _exit(0);
    reap(pid);
  }
}

[[noreturn]] void exec_or_fail(char** argv) {
  execvp(argv[0], argv);
  fail("cannot exec '%s': %s", argv[0], std::strerror(errno));
}

[[noreturn]] void exec_with(const char* blocked_text, const char* ignored_text, char** argv) {
  sigset_t blocked;
  sigemptyset(&blocked);
  for (int signo : parse_signal_list(blocked_text)) sigaddset(&blocked, signo);
  std::vector<int> ignored = parse_signal_list(ignored_text);
  for (int signo = 1; signo <= kLastSignal; ++signo) {
    if (signo == SIGKILL || signo == SIGSTOP) continue;
    bool ignore = std::find(ignored.begin(), ignored.end(), signo) != ignored.end();
    struct sigaction action {};
    action.sa_handler = ignore ? SIG_IGN : SIG_DFL;
    sigaction(signo, &action, nullptr);  // glibc refuses its own two: they stay default.
  }
  if (sigprocmask(SIG_SETMASK, &blocked, nullptr) != 0) fail_errno("sigprocmask");
  exec_or_fail(argv);
}

/// Waits for PROG and ends the way it ended, like a shell would; stays if it is killed itself.
[[noreturn]] void parent_of(char** argv) {
  pid_t pid = fork();
  if (pid < 0) fail_errno("fork");
  if (pid == 0) exec_or_fail(argv);
  int status = reap(pid);
  if (WIFSIGNALED(status)) kill_self(WTERMSIG(status));
  _exit(WEXITSTATUS(status));
}

/// Index of the ";;" that closes the block starting at `start`.
int find_block_end(int end, char** argv, int start) {
  int depth = 1;
  for (int i = start; i < end; ++i) {
    std::string_view word = argv[i];
    if (word == "child" || word == "if-count") ++depth;
    if (word == ";;" && --depth == 0) return i;
  }
  fail("block without its ';;'");
}

void run(char** argv, int start, int end);

/// The child runs the block; the parent goes on once the child said it is ready, or ended.
void run_child(char** argv, int start, int end) {
  int ready_pipe[2];
  if (pipe2(ready_pipe, O_CLOEXEC) != 0) fail_errno("pipe2");
  pid_t pid = fork();
  if (pid < 0) fail_errno("fork");
  if (pid == 0) {
    close(ready_pipe[0]);
    release_parent();
    g_ready_fd = ready_pipe[1];
    release_launcher();
    run(argv, start, end);
    _exit(0);
  }
  close(ready_pipe[1]);
  g_last_child = pid;
  emit("child pid=%d", pid);
  char byte;
  while (read(ready_pipe[0], &byte, 1) < 0 && errno == EINTR) {
  }
  close(ready_pipe[0]);
}

char** rest_after_dashes(int end, char** argv, int& i) {
  if (i >= end || std::strcmp(argv[i], "--") != 0 || i + 1 >= end) fail("expected -- PROG");
  char** rest = argv + i + 1;
  i = end;
  return rest;
}

void run(char** argv, int start, int end) {
  for (int i = start; i < end;) {
    std::string_view word = argv[i++];
    auto next = [&]() -> const char* {
      if (i >= end) fail("'%.*s' needs an argument", static_cast<int>(word.size()), word.data());
      return argv[i++];
    };
    if (word == "report") {
      report();
    } else if (word == "ids") {
      report_ids();
    } else if (word == "fds") {
      report_fds();
    } else if (word == "env") {
      report_env(next());
    } else if (word == "listen") {
      report_listen();
    } else if (word == "args") {
      while (i < end) emit("arg %s", argv[i++]);
      emit("args end");
    } else if (word == "tag") {
      g_tag = std::string(next()) + " ";
    } else if (word == "print") {
      emit("%s", next());
    } else if (word == "stamp") {
      const char* text = next();
      emit("%s t=%lld", text, now_ns());
    } else if (word == "start") {
      emit("start pid=%d t=%lld", getpid(), now_ns());
    } else if (word == "ready") {
      release_parent();
      emit("ready");
    } else if (word == "flood") {
      std::string_view text = next();
      for (long k = 1;; ++k) emit("%.*s %ld", static_cast<int>(text.size()), text.data(), k);
    } else if (word == "write-fd") {
      int fd = parse_number(next());
      write_to_fd(fd, next());
    } else if (word == "signals") {
      print_signals(0);
    } else if (word == "signals-until") {
      print_signals(parse_signal(next()));
    } else if (word == "ignore") {
      set_disposition(parse_signal(next()), SIG_IGN);
    } else if (word == "catch" || word == "exit-on") {
      catch_signal(parse_signal(next()), word == "exit-on");
    } else if (word == "sleep") {
      for (;;) pause();
    } else if (word == "sleep-ms") {
      sleep_ms(parse_number(next()));
    } else if (word == "read-line") {
      char byte = 0;
      while (read(STDIN_FILENO, &byte, 1) == 1 && byte != '\n') {
      }
    } else if (word == "exit") {
      int code = parse_number(next());
      emit("exit %d t=%lld", code, now_ns());
      _exit(code);
    } else if (word == "kill-self") {
      int signo = parse_signal(next());
      emit("kill-self %d t=%lld", signo, now_ns());
      kill_self(signo);
    } else if (word == "setsid") {
      if (setsid() < 0) fail_errno("setsid");
    } else if (word == "child") {
      int block_end = find_block_end(end, argv, i);
      run_child(argv, i, block_end);
      i = block_end + 1;
    } else if (word == "reap") {
      reap(g_last_child);
      emit("reaped %d", g_last_child);
    } else if (word == "orphans") {
      make_orphans(parse_number(next()));
    } else if (word == "orphans-until") {
      int signo = parse_signal(next());
      int burst = parse_number(next());
      make_orphans_until(signo, burst, parse_number(next()));
    } else if (word == "burn-pids") {
      burn_pids(parse_number(next()));
    } else if (word == "exec-with") {
      const char* blocked = next();
      const char* ignored = next();
      exec_with(blocked, ignored, rest_after_dashes(end, argv, i));
    } else if (word == "parent-of") {
      parent_of(rest_after_dashes(end, argv, i));
    } else if (word == "notify") {
      send_notify(next());
    } else if (word == "notify-burst") {
      long count = parse_number(next());
      std::string_view text = next();
      for (long sent = 0; sent < count; ++sent) send_notify(text);
    } else if (word == "notify-creds") {
      send_notify(next(), true);
    } else if (word == "notify-fd") {
      notify_with_fd(next());
    } else if (word == "pings") {
      int interval = parse_number(next());
      send_pings(interval, parse_number(next()));
    } else if (word == "daemonize" || word == "daemonize-nowait") {
      daemonize(word == "daemonize");
    } else if (word == "write-pid") {
      write_own_pid(next());
    } else if (word == "write-file") {
      const char* path = next();
      write_file_atomically(path, next());
    } else if (word == "release") {
      release_launcher();
    } else if (word == "part-open") {
      part_open(next());
    } else if (word == "part-write") {
      part_write(next());
    } else if (word == "part-close") {
      part_close();
    } else if (word == "count") {
      count_in(next());
    } else if (word == "if-count") {
      int wanted = parse_number(next());
      int block_end = find_block_end(end, argv, i);
      if (last_count_is(wanted)) run(argv, i, block_end);
      i = block_end + 1;
    } else if (word == "mkdir") {
      make_directory(next());
    } else if (word == "symlink") {
      const char* target = next();
      make_symlink(target, next());
    } else if (word == "raw" || word == "noecho") {
      change_terminal(word == "raw");
    } else if (word == "stop") {
      stop_self();
    } else if (word == "loop") {
      answer_lines();
    } else {
      fail("unknown word '%.*s'", static_cast<int>(word.size()), word.data());
    }
  }
}

}  // namespace

void release_parent() {
  // First: once the test has seen "ready" it may stop this process at once.
  if (g_ready_fd >= 0) close(g_ready_fd);
  g_ready_fd = -1;
}

}  // namespace tend::helper

int main(int argc, char** argv) {
  tend::helper::run(argv, 1, argc);
  return 0;
}
