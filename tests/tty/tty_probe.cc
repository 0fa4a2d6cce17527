// SPDX-License-Identifier: MIT
// tend_tty_probe: the COMMAND of the terminal tests; it reports what it sees of its terminal.
//
// argv is a little script of words run in order, for example
//   tend_tty_probe count INT report loop
// Every line goes out with one write(2), so the test sees it the moment it is printed. Words:
//
//   report          "REPORT pid=P ppid=Q pgrp=G sid=S fg0=yes|no|none fgtty=yes|no|none"
//                   (fg0: tcgetpgrp(0) == getpgrp(); fgtty: the same through /dev/tty)
//   count SIG       catch SIG (INT WINCH CONT TERM) and print "GOT-SIG N" for the Nth one
//   ignore SIG      set SIG's disposition to SIG_IGN
//   exit-on SIG     catch SIG, print "GOT-SIG" and exit 0
//   raw             put the terminal on fd 0 in raw mode (no echo, no canonical, no ISIG),
//                   print "RAW=set"
//   noecho          turn ECHO off on fd 0, print "NOECHO=set"
//   stop            raise SIGTSTP, then print "RESUMED" once continued
//   exit N          exit with code N
//   loop            read lines from fd 0 and answer them until end of file:
//                     q-fg        "FG=yes" or "FG=no"
//                     q-count     "COUNT int=N winch=N cont=N"
//                     q-size      "SIZE rows=R cols=C" (TIOCGWINSZ on fd 0)
//                     q-report    the report line
//                     q-die-int   die of SIGINT (disposition reset to default first)
//                     q-exit N    exit with code N
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace tend {
namespace {

constexpr int kLastSignal = 64;

// Lock-free, so safe to bump in a signal handler.
std::atomic<int> g_counts[kLastSignal + 1];

void write_all(const char* text, size_t length) {
  while (length > 0) {
    ssize_t done = write(STDOUT_FILENO, text, length);
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) return;
    text += done;
    length -= static_cast<size_t>(done);
  }
}

void print_line(const std::string& line) {
  std::string with_newline = line + "\n";
  write_all(with_newline.data(), with_newline.size());
}

const char* short_name(int signo) {
  switch (signo) {
    case SIGINT:
      return "INT";
    case SIGWINCH:
      return "WINCH";
    case SIGCONT:
      return "CONT";
    case SIGTERM:
      return "TERM";
    case SIGTSTP:
      return "TSTP";
    default:
      return "?";
  }
}

int signal_from_name(std::string_view name) {
  for (int signo : {SIGINT, SIGWINCH, SIGCONT, SIGTERM, SIGTSTP}) {
    if (name == short_name(signo)) return signo;
  }
  print_line("tty_probe: unknown signal " + std::string(name));
  _exit(2);
}

/// Async-signal-safe: "GOT-NAME N\n" built by hand.
void count_signal(int signo) {
  int saved_errno = errno;
  int count = ++g_counts[signo];
  char line[64] = "GOT-";
  size_t length = 4;
  for (const char* name = short_name(signo); *name != '\0'; ++name) line[length++] = *name;
  line[length++] = ' ';
  char digits[16];
  size_t digit_count = 0;
  do {
    digits[digit_count++] = static_cast<char>('0' + count % 10);
    count /= 10;
  } while (count > 0);
  while (digit_count > 0) line[length++] = digits[--digit_count];
  line[length++] = '\n';
  write_all(line, length);
  errno = saved_errno;
}

void exit_on_signal(int signo) {
  char line[32] = "GOT-";
  size_t length = 4;
  for (const char* name = short_name(signo); *name != '\0'; ++name) line[length++] = *name;
  line[length++] = '\n';
  write_all(line, length);
  _exit(0);
}

void install(int signo, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(signo, &action, nullptr);
}

std::string foreground_answer(int fd) {
  if (fd < 0) return "none";
  pid_t foreground = tcgetpgrp(fd);
  if (foreground < 0) return "none";
  return foreground == getpgrp() ? "yes" : "no";
}

std::string report_line() {
  int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  std::string through_tty = foreground_answer(tty);
  if (tty >= 0) close(tty);
  char line[256];
  std::snprintf(line, sizeof line, "REPORT pid=%d ppid=%d pgrp=%d sid=%d fg0=%s fgtty=%s", getpid(),
                getppid(), getpgrp(), getsid(0), foreground_answer(0).c_str(), through_tty.c_str());
  return line;
}

void change_terminal(bool raw) {
  termios settings{};
  if (tcgetattr(STDIN_FILENO, &settings) != 0) {
    print_line(std::string("tty_probe: tcgetattr: ") + std::strerror(errno));
    _exit(2);
  }
  if (raw) {
    cfmakeraw(&settings);
  } else {
    settings.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  }
  if (tcsetattr(STDIN_FILENO, TCSANOW, &settings) != 0) {
    print_line(std::string("tty_probe: tcsetattr: ") + std::strerror(errno));
    _exit(2);
  }
  print_line(raw ? "RAW=set" : "NOECHO=set");
}

[[noreturn]] void die_of_sigint() {
  signal(SIGINT, SIG_DFL);
  sigset_t unblock;
  sigemptyset(&unblock);
  sigaddset(&unblock, SIGINT);
  sigprocmask(SIG_UNBLOCK, &unblock, nullptr);
  raise(SIGINT);
  _exit(3);
}

void answer(std::string_view query) {
  char line[128];
  if (query == "q-fg") {
    print_line("FG=" + foreground_answer(STDIN_FILENO));
  } else if (query == "q-count") {
    std::snprintf(line, sizeof line, "COUNT int=%d winch=%d cont=%d", g_counts[SIGINT].load(),
                  g_counts[SIGWINCH].load(), g_counts[SIGCONT].load());
    print_line(line);
  } else if (query == "q-size") {
    winsize size{};
    ioctl(STDIN_FILENO, TIOCGWINSZ, &size);
    std::snprintf(line, sizeof line, "SIZE rows=%d cols=%d", size.ws_row, size.ws_col);
    print_line(line);
  } else if (query == "q-report") {
    print_line(report_line());
  } else if (query == "q-die-int") {
    die_of_sigint();
  } else if (query.starts_with("q-exit ")) {
    _exit(std::atoi(std::string(query.substr(7)).c_str()));
  } else if (!query.empty()) {
    print_line("UNKNOWN " + std::string(query));
  }
}

/// Answers one query per line; a read error (EIO after a hang-up) or end of file ends it.
[[noreturn]] void answer_lines() {
  std::string pending;
  char buffer[256];
  for (;;) {
    ssize_t got = read(STDIN_FILENO, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) _exit(got == 0 ? 0 : 1);
    pending.append(buffer, static_cast<size_t>(got));
    for (size_t end; (end = pending.find_first_of("\r\n")) != std::string::npos;) {
      std::string query = pending.substr(0, end);
      pending.erase(0, end + 1);
      answer(query);
    }
  }
}

int run(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    auto next = [&]() -> std::string_view {
      if (i + 1 >= argc) {
        print_line("tty_probe: missing argument after " + std::string(word));
        _exit(2);
      }
      return argv[++i];
    };
    if (word == "report") {
      print_line(report_line());
    } else if (word == "count") {
      install(signal_from_name(next()), count_signal);
    } else if (word == "ignore") {
      signal(signal_from_name(next()), SIG_IGN);
    } else if (word == "exit-on") {
      install(signal_from_name(next()), exit_on_signal);
    } else if (word == "raw" || word == "noecho") {
      change_terminal(word == "raw");
    } else if (word == "stop") {
      raise(SIGTSTP);
      print_line("RESUMED");
    } else if (word == "exit") {
      return std::atoi(std::string(next()).c_str());
    } else if (word == "loop") {
      answer_lines();
    } else {
      print_line("tty_probe: unknown word " + std::string(word));
      return 2;
    }
  }
  return 0;
}

}  // namespace
}  // namespace tend

int main(int argc, char** argv) { return tend::run(argc, argv); }
