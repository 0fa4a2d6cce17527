// SPDX-License-Identifier: MIT
// PtySession: a command on a fresh pseudo-terminal, driven by keystrokes and read like a screen.
#include "pty_session.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utmp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <stdexcept>
#include <thread>

namespace tend::tty {
namespace {

std::vector<std::string> merged_env(const std::vector<std::string>& extra) {
  std::vector<std::string> env = session_env();
  for (const auto& entry : extra) {
    std::string name = entry.substr(0, entry.find('=') + 1);
    std::erase_if(env, [&](const std::string& old) { return old.starts_with(name); });
    env.push_back(entry);
  }
  return env;
}

/// Control characters made visible for failure messages: "^C", "\x1b".
std::string visible(std::string_view text) {
  std::string shown;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\t' || byte >= 0x20) {
      shown += c;
    } else {
      shown += '^';
      shown += static_cast<char>(byte + 0x40);
    }
  }
  return shown;
}

}  // namespace

std::vector<std::string> interactive_bash() { return {"/bin/bash", "--norc", "--noprofile", "-i"}; }

PtySession::PtySession(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  become_subreaper();
  std::vector<std::string> args = argv;
  std::vector<std::string> vars = merged_env(env);
  std::vector<char*> c_argv = c_strings(args);
  std::vector<char*> c_envp = c_strings(vars);

  // Wide, so that readline never wraps or scrolls a typed line (and redraws the prompt).
  winsize size{};
  size.ws_row = 40;
  size.ws_col = 250;
  int slave = -1;
  if (openpty(&master_, &slave, nullptr, nullptr, &size) != 0) throw_errno("openpty");
  // Taken before the command exists: what tend must find, and restore, at start.
  tcgetattr(slave, &initial_settings_);
  fcntl(master_, F_SETFD, FD_CLOEXEC);
  fcntl(master_, F_SETFL, fcntl(master_, F_GETFL) | O_NONBLOCK);

  leader_ = fork();
  if (leader_ < 0) throw_errno("fork");
  if (leader_ == 0) {
    close(master_);
    // setsid, make the pty the controlling terminal, and put it on fds 0-2.
    if (login_tty(slave) != 0) _exit(126);
    exec_child(c_argv, c_envp);
  }
  close(slave);
}

PtySession::~PtySession() {
  kill_everything_started();
  if (master_ >= 0) close(master_);
}

void PtySession::send(std::string_view keys) {
  auto deadline = Clock::now() + kEventTimeout;
  while (!keys.empty()) {
    ssize_t done = write(master_, keys.data(), keys.size());
    if (done > 0) {
      keys.remove_prefix(static_cast<size_t>(done));
    } else if (done < 0 && errno != EAGAIN && errno != EINTR) {
      fail(std::string("cannot type at the terminal: ") + std::strerror(errno));
    } else if (Clock::now() > deadline) {
      fail("the terminal takes no input");
    } else {
      pump(5ms);
    }
  }
}

std::string PtySession::expect(std::string_view needle, Duration timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    size_t found = screen_.find(needle, cursor_);
    if (found != std::string::npos) {
      std::string before = screen_.substr(cursor_, found + needle.size() - cursor_);
      cursor_ = found + needle.size();
      return before;
    }
    if (hung_up_) fail("terminal closed while waiting for '" + std::string(needle) + "'");
    if (Clock::now() >= deadline) fail("timed out waiting for '" + std::string(needle) + "'");
    pump(deadline - Clock::now());
  }
}

std::vector<std::string> PtySession::expect_regex(const std::string& pattern, Duration timeout) {
  const std::regex expression(pattern);
  auto deadline = Clock::now() + timeout;
  for (;;) {
    std::smatch match;
    auto begin = screen_.cbegin() + static_cast<std::ptrdiff_t>(cursor_);
    if (std::regex_search(begin, screen_.cend(), match, expression)) {
      std::vector<std::string> groups(match.begin(), match.end());
      cursor_ = static_cast<size_t>(match[0].second - screen_.cbegin());
      return groups;
    }
    if (hung_up_) fail("terminal closed while waiting for /" + pattern + "/");
    if (Clock::now() >= deadline) fail("timed out waiting for /" + pattern + "/");
    pump(deadline - Clock::now());
  }
}

std::string PtySession::run(std::string_view line, Duration timeout) {
  send_line(line);
  std::string output = expect(kPrompt, timeout);
  return output.substr(0, output.size() - kPrompt.size());
}

void PtySession::wait_for(std::string_view needle, size_t from, Duration timeout) {
  wait_until([&] { return seen(needle, from); }, "'" + std::string(needle) + "' to appear",
             timeout);
}

bool PtySession::seen(std::string_view needle, size_t from) const {
  return screen_.find(needle, std::min(from, screen_.size())) != std::string::npos;
}

void PtySession::wait_until(const std::function<bool()>& condition, std::string_view what,
                            Duration timeout) {
  auto deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() >= deadline) fail("timed out waiting for " + std::string(what));
    pump(std::min<Duration>(5ms, deadline - Clock::now()));
  }
}

void PtySession::resize(unsigned short rows, unsigned short cols) {
  winsize size{};
  size.ws_row = rows;
  size.ws_col = cols;
  if (ioctl(master_, TIOCSWINSZ, &size) != 0) throw_errno("TIOCSWINSZ");
}

termios PtySession::settings() const {
  termios now{};
  // On a master, Linux answers with the slave's settings.
  if (tcgetattr(master_, &now) != 0) throw_errno("tcgetattr");
  return now;
}

pid_t PtySession::foreground_group() const {
  pid_t group = -1;
  if (ioctl(master_, TIOCGPGRP, &group) != 0) return -1;
  return group;
}

int PtySession::wait_exit(Duration timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t done = waitpid(leader_, &status, WNOHANG);
    if (done == leader_) {
      pump(0ms);
      return status;
    }
    if (done < 0) throw_errno("waitpid");
    if (Clock::now() >= deadline) fail("timed out waiting for the session leader to end");
    pump(std::min<Duration>(5ms, deadline - Clock::now()));
  }
}

void PtySession::fail(std::string_view what) const {
  std::string text = visible(screen_.substr(0, cursor_)) + "»" + visible(screen_.substr(cursor_));
  throw std::runtime_error(std::string(what) +
                           "\n--- terminal transcript (» is where the test was reading) ---\n" +
                           text + "\n--- end of transcript ---\nforeground group " +
                           std::to_string(foreground_group()) + "\n" + describe_processes());
}

void PtySession::pump(Duration wait) {
  if (hung_up_) {
    std::this_thread::sleep_for(std::min<Duration>(wait, 2ms));
    return;
  }
  pollfd entry{master_, POLLIN, 0};
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wait).count();
  if (poll(&entry, 1, static_cast<int>(std::clamp<long long>(ms, 0, 60'000))) <= 0) return;
  char buffer[4096];
  for (;;) {
    ssize_t got = read(master_, buffer, sizeof buffer);
    if (got > 0) {
      append_output(std::string_view(buffer, static_cast<size_t>(got)));
    } else if (got < 0 && errno == EINTR) {
      continue;
    } else {
      // EAGAIN: all read. EIO (or 0): every slave descriptor is closed.
      if (got == 0 || errno != EAGAIN) hung_up_ = true;
      return;
    }
  }
}

/// Keeps what a reader of the screen sees: no carriage returns, bells or escape sequences.
void PtySession::append_output(std::string_view bytes) {
  for (char c : bytes) {
    if (!escape_.empty()) {
      escape_ += c;
      bool is_csi = escape_.size() >= 2 && escape_[1] == '[';
      bool complete = is_csi ? (escape_.size() > 2 && c >= 0x40 && c <= 0x7e)
                             : (escape_.size() == 2 && c != '[');
      if (complete) escape_.clear();
      continue;
    }
    if (c == '\x1b') {
      escape_ = c;
    } else if (c != '\r' && c != '\a') {
      screen_ += c;
    }
  }
}

pid_t wait_for_child(PtySession& session, pid_t parent, const std::string& program) {
  const std::string wanted = real_path(program);
  pid_t found = -1;
  session.wait_until(
      [&] {
        for (pid_t child : children_of(parent)) {
          if (program_of(child) == wanted) {
            found = child;
            return true;
          }
        }
        return false;
      },
      "a child of pid " + std::to_string(parent) + " running " + program);
  return found;
}

void wait_until_reading(PtySession& session, pid_t pid) {
  static const std::set<long> waits_for_input = {
      SYS_read,
#ifdef SYS_poll
      SYS_poll,
#endif
#ifdef SYS_select
      SYS_select,
#endif
      SYS_ppoll,  SYS_pselect6,
  };
  session.wait_until(
      [&] {
        auto stat = read_stat(pid);
        if (!stat || stat->state != 'S') return false;
        // First field: the number of the system call the process is blocked in.
        std::ifstream syscall_file("/proc/" + std::to_string(pid) + "/syscall");
        long number = -1;
        return (syscall_file >> number) && waits_for_input.contains(number);
      },
      "pid " + std::to_string(pid) + " to wait for input");
}

Report parse_report(std::string_view text) {
  static const std::regex report_pattern(
      R"(report pid=(\d+) ppid=(\d+) pgrp=(\d+) sid=(\d+) fg0=(\w+) fgtty=(\w+))");
  std::match_results<std::string_view::const_iterator> match;
  if (!std::regex_search(text.begin(), text.end(), match, report_pattern)) {
    throw std::runtime_error("no report line in: " + visible(text));
  }
  Report report;
  report.pid = std::stoi(match[1]);
  report.ppid = std::stoi(match[2]);
  report.pgrp = std::stoi(match[3]);
  report.sid = std::stoi(match[4]);
  report.fg0 = match[5];
  report.fgtty = match[6];
  return report;
}

Report expect_report(PtySession& session, Duration timeout) {
  auto groups = session.expect_regex(
      R"(report pid=\d+ ppid=\d+ pgrp=\d+ sid=\d+ fg0=\w+ fgtty=\w+)", timeout);
  return parse_report(groups[0]);
}

}  // namespace tend::tty
