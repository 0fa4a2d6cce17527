// SPDX-License-Identifier: MIT
// tend_probe: the COMMAND of the whole-program tests; it reports what it sees and does what asked.
//
// argv is a little script of words run in order, for example
//   tend_probe tag A ignore TERM ready sleep
//   tend_probe child tag L signals-until TERM ';;' exit 3
// Every line goes out with one write(2), so the test sees it the moment it is printed.
//
//   report               print signal mask, ignored signals, fds, ids and cwd ("report ..." lines)
//   ready                print "ready" (and tell a waiting parent, see `child`)
//   tag NAME             prefix every later line with "NAME "
//   print TEXT           print TEXT
//   args ARG...          print "arg X" for every remaining word, then "args end"
//   signals              block every signal, print "ready", then "signal N NAME" for each one
//   signals-until SIG    like signals, but go on with the next word after printing SIG
//   ignore SIG           set SIG's disposition to SIG_IGN
//   setsid               start a new session (and process group)
//   sleep                wait forever
//   sleep-ms N           wait N milliseconds
//   read-line            wait for one line (or end of file) on stdin
//   exit N               exit with code N
//   kill-self SIG        die of SIG (with no core dump of its own)
//   orphans N            make N zombies whose parent exits at once, so they become orphans
//   orphans-until SIG N MIN
//                        block SIG, say ready, then make orphans in bursts of N until SIG has
//                        come and at least MIN were made (never more than 4 x MIN); print
//                        "orphans total=T signalled=yes|no"
//   child WORDS... ;;    fork a child that runs WORDS, wait until it is ready (or gone), go on
//   exec-with BLOCKED IGNORED -- PROG ARG...
//                        exec PROG with exactly that signal mask and those ignored signals
//                        (comma-separated numbers, "-" for none)
//   parent-of -- PROG ARG...
//                        run PROG as a child and wait for it (an intermediate parent)
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "helper_io.h"

namespace tend {
namespace {

using namespace helper;  // NOLINT(google-build-using-namespace): the helper toolbox.

constexpr int kLastSignal = 64;

int g_ready_fd = -1;  // Write end a waiting parent holds the read end of (see `child`).

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

std::string open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) fail("cannot open /proc/self/fd: %s", std::strerror(errno));
  std::vector<int> fds;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    int fd = std::atoi(entry->d_name);
    if (fd != dirfd(dir)) fds.push_back(fd);
  }
  closedir(dir);
  std::sort(fds.begin(), fds.end());
  std::string list;
  for (int fd : fds) {
    if (!list.empty()) list += ',';
    list += std::to_string(fd);
  }
  return list;
}

void report() {
  // Read first: nothing the probe does may change what it inherited before it is reported.
  std::string blocked = status_field("SigBlk");
  std::string ignored = status_field("SigIgn");
  std::string fds = open_fds();
  char cwd[4096] = "?";
  if (getcwd(cwd, sizeof cwd) == nullptr)
    std::snprintf(cwd, sizeof cwd, "? %s", std::strerror(errno));
  emit("report sigblk %s", blocked.c_str());
  emit("report sigign %s", ignored.c_str());
  emit("report fds %s", fds.c_str());
  emit("report pid %d", getpid());
  emit("report pgrp %d", getpgrp());
  emit("report sid %d", getsid(0));
  emit("report ppid %d", getppid());
  emit("report cwd %s", cwd);
  emit("report end");
}

void ready() {
  // Tell the parent first: once the test has seen "ready" it may stop this process at once.
  if (g_ready_fd >= 0) {
    close(g_ready_fd);
    g_ready_fd = -1;
  }
  emit("ready");
}

/// Receives every signal through a signalfd, so even SEGV or TSTP only get printed; returns
/// after `until` (0: never). The signals stay blocked.
void print_signals(int until) {
  sigset_t all;
  sigfillset(&all);
  if (sigprocmask(SIG_SETMASK, &all, nullptr) != 0) fail("sigprocmask: %s", std::strerror(errno));
  int fd = signalfd(-1, &all, SFD_CLOEXEC);
  if (fd < 0) fail("signalfd: %s", std::strerror(errno));
  ready();
  for (;;) {
    signalfd_siginfo infos[16];
    ssize_t got = read(fd, infos, sizeof infos);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) fail("read signalfd: %s", std::strerror(errno));
    for (ssize_t i = 0; i < got / static_cast<ssize_t>(sizeof infos[0]); ++i) {
      int signo = static_cast<int>(infos[i].ssi_signo);
      emit("signal %d %s", signo, signal_label(signo).c_str());
      if (signo == until) {
        close(fd);
        return;
      }
    }
  }
}

/// The zombies exist all at once: their parent exits only after forking the last one.
void make_orphans(int count) {
  pid_t middle = fork();
  if (middle < 0) fail("fork: %s", std::strerror(errno));
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
  int status = 0;
  while (waitpid(middle, &status, 0) < 0) {
    if (errno == ECHILD) break;  // SIGCHLD ignored: the kernel reaped it already.
    if (errno != EINTR) fail("waitpid: %s", std::strerror(errno));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fail("orphan maker failed");
  emit("orphans done %d", count);
}

/// An orphan storm that a forwarded signal ends: it goes on until tend has passed `signo` on.
void make_orphans_until(int signo, int burst, int minimum) {
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, signo);
  if (sigprocmask(SIG_BLOCK, &only, nullptr) != 0) fail("sigprocmask: %s", std::strerror(errno));
  ready();
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
  if (sigprocmask(SIG_SETMASK, &blocked, nullptr) != 0)
    fail("sigprocmask: %s", std::strerror(errno));
  exec_or_fail(argv);
}

/// Waits for PROG and ends the way it ended, like a shell would; stays if it is killed itself.
[[noreturn]] void parent_of(char** argv) {
  pid_t pid = fork();
  if (pid < 0) fail("fork: %s", std::strerror(errno));
  if (pid == 0) exec_or_fail(argv);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail("waitpid: %s", std::strerror(errno));
  }
  if (WIFSIGNALED(status)) kill_self(WTERMSIG(status));
  _exit(WEXITSTATUS(status));
}

/// Index just past the ";;" that closes the `child` block starting at `start`.
int find_block_end(int argc, char** argv, int start) {
  int depth = 1;
  for (int i = start; i < argc; ++i) {
    if (std::strcmp(argv[i], "child") == 0) ++depth;
    if (std::strcmp(argv[i], ";;") == 0 && --depth == 0) return i;
  }
  fail("'child' without its ';;'");
}

void run(int argc, char** argv, int start, int end);

/// The child runs the block; the parent goes on once the child said "ready" or ended.
void run_child(int argc, char** argv, int start, int end) {
  int ready_pipe[2];
  if (pipe2(ready_pipe, O_CLOEXEC) != 0) fail("pipe2: %s", std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) fail("fork: %s", std::strerror(errno));
  if (pid == 0) {
    close(ready_pipe[0]);
    if (g_ready_fd >= 0) close(g_ready_fd);
    g_ready_fd = ready_pipe[1];
    run(argc, argv, start, end);
    _exit(0);
  }
  close(ready_pipe[1]);
  char byte;
  while (read(ready_pipe[0], &byte, 1) < 0 && errno == EINTR) {
  }
  close(ready_pipe[0]);
}

char** rest_after_dashes(int argc, char** argv, int& i) {
  if (i >= argc || std::strcmp(argv[i], "--") != 0 || i + 1 >= argc) fail("expected -- PROG");
  char** rest = argv + i + 1;
  i = argc;
  return rest;
}

void run(int argc, char** argv, int start, int end) {
  for (int i = start; i < end;) {
    std::string_view word = argv[i++];
    auto next = [&]() -> const char* {
      if (i >= end) fail("'%.*s' needs an argument", static_cast<int>(word.size()), word.data());
      return argv[i++];
    };
    if (word == "report") {
      report();
    } else if (word == "ready") {
      ready();
    } else if (word == "tag") {
      g_tag = std::string(next()) + " ";
    } else if (word == "print") {
      emit("%s", next());
    } else if (word == "args") {
      while (i < end) emit("arg %s", argv[i++]);
      emit("args end");
    } else if (word == "signals") {
      print_signals(0);
    } else if (word == "signals-until") {
      print_signals(parse_signal(next()));
    } else if (word == "ignore") {
      set_disposition(parse_signal(next()), SIG_IGN);
    } else if (word == "setsid") {
      if (setsid() < 0) fail("setsid: %s", std::strerror(errno));
    } else if (word == "sleep") {
      for (;;) pause();
    } else if (word == "sleep-ms") {
      int ms = parse_number(next());
      timespec left{ms / 1000, (ms % 1000) * 1'000'000L};
      while (nanosleep(&left, &left) != 0 && errno == EINTR) {
      }
    } else if (word == "read-line") {
      char byte = 0;
      while (read(STDIN_FILENO, &byte, 1) == 1 && byte != '\n') {
      }
    } else if (word == "exit") {
      _exit(parse_number(next()));
    } else if (word == "kill-self") {
      kill_self(parse_signal(next()));
    } else if (word == "orphans") {
      make_orphans(parse_number(next()));
    } else if (word == "orphans-until") {
      int signo = parse_signal(next());
      int burst = parse_number(next());
      make_orphans_until(signo, burst, parse_number(next()));
    } else if (word == "child") {
      int block_end = find_block_end(end, argv, i);
      run_child(argc, argv, i, block_end);
      i = block_end + 1;
    } else if (word == "exec-with") {
      const char* blocked = next();
      const char* ignored = next();
      exec_with(blocked, ignored, rest_after_dashes(end, argv, i));
    } else if (word == "parent-of") {
      parent_of(rest_after_dashes(end, argv, i));
    } else {
      fail("unknown word '%.*s'", static_cast<int>(word.size()), word.data());
    }
  }
}

}  // namespace
}  // namespace tend

int main(int argc, char** argv) {
  tend::helper::set_program_name("tend_probe");
  tend::run(argc, argv, 1, argc);
  return 0;
}
