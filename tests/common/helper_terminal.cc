// SPDX-License-Identifier: MIT
// tend_helper's report and its terminal words: what it inherited, signals counted in a
// handler, terminal modes, job control, and a loop that answers queries typed at it.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "helper_io.h"
#include "helper_words.h"

namespace tend::helper {
namespace {

constexpr int kLastSignal = 64;

// Lock-free, so safe to bump in a signal handler.
std::atomic<int> g_counts[kLastSignal + 1];
bool g_exit_after[kLastSignal + 1];
// "caught NAME " for each caught signal, made before its handler is installed.
char g_caught_text[kLastSignal + 1][32];

void on_caught_signal(int signo) {
  emit_from_handler(g_caught_text[signo], ++g_counts[signo]);
  if (g_exit_after[signo]) _exit(0);
}

std::string open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) fail_errno("cannot open /proc/self/fd");
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

/// Whether the foreground group of the terminal on `fd` is this process's group.
const char* foreground_answer(int fd) {
  if (fd < 0) return "none";
  pid_t foreground = tcgetpgrp(fd);
  if (foreground < 0) return "none";
  return foreground == getpgrp() ? "yes" : "no";
}

[[noreturn]] void die_of_sigint() {
  set_disposition(SIGINT, SIG_DFL);
  kill_self(SIGINT);
}

void answer(std::string_view query) {
  if (query == "q-fg") {
    emit("fg %s", foreground_answer(STDIN_FILENO));
  } else if (query == "q-count") {
    emit("counts int=%d winch=%d cont=%d", g_counts[SIGINT].load(), g_counts[SIGWINCH].load(),
         g_counts[SIGCONT].load());
  } else if (query == "q-size") {
    winsize size{};
    ioctl(STDIN_FILENO, TIOCGWINSZ, &size);
    emit("size rows=%d cols=%d", size.ws_row, size.ws_col);
  } else if (query == "q-report") {
    report();
  } else if (query == "q-die-int") {
    die_of_sigint();
  } else if (query.starts_with("q-exit ")) {
    _exit(std::atoi(std::string(query.substr(7)).c_str()));
  } else if (!query.empty()) {
    emit("unknown %.*s", static_cast<int>(query.size()), query.data());
  }
}

}  // namespace

void report() {
  // Read first: nothing the helper does may change what it inherited before it is reported.
  std::string blocked = status_field("SigBlk");
  std::string ignored = status_field("SigIgn");
  std::string fds = open_fds();
  char cwd[4096] = "?";
  if (getcwd(cwd, sizeof cwd) == nullptr)
    std::snprintf(cwd, sizeof cwd, "? %s", std::strerror(errno));
  int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  const char* through_tty = foreground_answer(tty);
  if (tty >= 0) close(tty);
  emit("report pid=%d ppid=%d pgrp=%d sid=%d fg0=%s fgtty=%s sigblk=%s sigign=%s fds=%s cwd=%s",
       getpid(), getppid(), getpgrp(), getsid(0), foreground_answer(STDIN_FILENO), through_tty,
       blocked.c_str(), ignored.c_str(), fds.c_str(), cwd);
}

void catch_signal(int signo, bool then_exit) {
  if (signo <= 0 || signo > kLastSignal) fail("cannot catch signal %d", signo);
  std::snprintf(g_caught_text[signo], sizeof g_caught_text[signo], "caught %s ",
                signal_label(signo).c_str());
  g_exit_after[signo] = then_exit;
  // SA_RESTART: the read of `loop` goes on after the handler.
  set_disposition(signo, on_caught_signal, SA_RESTART);
}

void change_terminal(bool raw) {
  termios settings{};
  if (tcgetattr(STDIN_FILENO, &settings) != 0) fail_errno("tcgetattr");
  if (raw) {
    cfmakeraw(&settings);
  } else {
    settings.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  }
  if (tcsetattr(STDIN_FILENO, TCSANOW, &settings) != 0) fail_errno("tcsetattr");
  emit("terminal %s", raw ? "raw" : "noecho");
}

void stop_self() {
  raise(SIGTSTP);
  emit("resumed");
}

void answer_lines() {
  std::string pending;
  char buffer[256];
  for (;;) {
    ssize_t got = read(STDIN_FILENO, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) _exit(got == 0 ? 0 : 1);  // End of file, or EIO after a hang-up.
    pending.append(buffer, static_cast<size_t>(got));
    for (size_t end; (end = pending.find_first_of("\r\n")) != std::string::npos;) {
      std::string query = pending.substr(0, end);
      pending.erase(0, end + 1);
      answer(query);
    }
  }
}

}  // namespace tend::helper
