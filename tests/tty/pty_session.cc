// SPDX-License-Identifier: MIT
// PtySession: a command on a fresh pseudo-terminal, driven by keystrokes and read like a screen.
#include "pty_session.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utmp.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace tend::tty {
namespace {

constexpr int kLastSignal = 64;

[[noreturn]] void throw_errno(std::string_view what) {
  throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

int milliseconds_until(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<long long>(left.count(), 0, 60'000));
}

/// The test process adopts every orphan of what it starts, so that it can kill and reap it all.
void become_subreaper() {
  static const bool done = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
  if (!done) throw_errno("cannot become child subreaper");
}

/// Every process below `root` in the process tree, as /proc shows it now.
std::vector<pid_t> descendants_of(pid_t root) {
  std::multimap<pid_t, pid_t> children;
  if (DIR* proc = opendir("/proc")) {
    while (dirent* entry = readdir(proc)) {
      char* end = nullptr;
      long pid = std::strtol(entry->d_name, &end, 10);
      if (*end != '\0' || pid <= 0) continue;
      if (auto stat = read_stat(static_cast<pid_t>(pid))) {
        children.emplace(stat->ppid, static_cast<pid_t>(pid));
      }
    }
    closedir(proc);
  }
  std::vector<pid_t> found;
  std::vector<pid_t> todo{root};
  while (!todo.empty()) {
    pid_t parent = todo.back();
    todo.pop_back();
    auto [first, last] = children.equal_range(parent);
    for (auto it = first; it != last; ++it) {
      found.push_back(it->second);
      todo.push_back(it->second);
    }
  }
  return found;
}

/// SIGKILLs everything the test process started (orphans come back to it, a subreaper) and
/// reaps it all: by pid, never by name.
void kill_everything_started() {
  auto deadline = Clock::now() + 5s;
  while (Clock::now() < deadline) {
    std::vector<pid_t> left = descendants_of(getpid());
    for (pid_t pid : left) kill(pid, SIGKILL);
    pid_t reaped;
    while ((reaped = waitpid(-1, nullptr, WNOHANG)) > 0) {
    }
    if (left.empty() && reaped < 0 && errno == ECHILD) return;
    std::this_thread::sleep_for(2ms);
  }
}

/// Runs in the forked child: default signal handling, nothing blocked, then exec.
[[noreturn]] void exec_child(const std::vector<char*>& argv, const std::vector<char*>& envp) {
  for (int signo = 1; signo <= kLastSignal; ++signo) signal(signo, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execvpe(argv[0], argv.data(), envp.data());
  const char* reason = std::strerror(errno);
  ssize_t ignored = write(STDERR_FILENO, "pty_session: cannot exec: ", 26);
  ignored = write(STDERR_FILENO, reason, std::strlen(reason));
  (void)ignored;
  _exit(127);
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

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

std::string read_link(const std::string& path) {
  char target[PATH_MAX];
  ssize_t length = readlink(path.c_str(), target, sizeof target - 1);
  if (length < 0) return "";
  return std::string(target, static_cast<size_t>(length));
}

std::string real_path(const std::string& path) {
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) != nullptr ? resolved : path;
}

/// One line per process the test started: what a failure message needs to explain a hang.
std::string describe_processes() {
  std::string table = "  pid  ppid  pgrp   sid state wchan command\n";
  for (pid_t pid : descendants_of(getpid())) {
    auto stat = read_stat(pid);
    if (!stat) continue;
    std::string proc = "/proc/" + std::to_string(pid);
    std::ifstream wchan_file(proc + "/wchan");
    std::string wchan;
    std::getline(wchan_file, wchan);
    std::ifstream cmdline_file(proc + "/cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(cmdline_file)), {});
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    char line[160];
    std::snprintf(line, sizeof line, "%5d %5d %5d %5d %c %s ", pid, stat->ppid, stat->pgrp,
                  stat->session, stat->state, wchan.c_str());
    table += line + cmdline.substr(0, 120) + "\n";
    std::ifstream status_file(proc + "/status");
    std::string field;
    table += "     ";
    while (std::getline(status_file, field)) {
      if (field.starts_with("Sig") || field.starts_with("ShdPnd")) table += " " + field;
    }
    std::ifstream syscall_file(proc + "/syscall");
    std::string syscall_line;
    std::getline(syscall_file, syscall_line);
    table += " syscall " + syscall_line.substr(0, syscall_line.find(' ')) + "\n";
  }
  return table;
}

}  // namespace

std::vector<std::string> session_env() {
  return {
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "TERM=dumb",
      "HOME=/tmp",
      "HISTFILE=/dev/null",
      "INPUTRC=/dev/null",
      "LC_ALL=C",
      "PS1=" + std::string(kPrompt),
      "PS2=",
      "T=" + kTend,
      "H=" + kProbe,
  };
}

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
  auto deadline = Clock::now() + kTimeout;
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
      reaped_ = true;
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

std::optional<ProcStat> read_stat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  size_t name_end = line.rfind(')');
  if (name_end == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(name_end + 2));
  ProcStat stat;
  fields >> stat.state >> stat.ppid >> stat.pgrp >> stat.session;
  if (!fields) return std::nullopt;
  return stat;
}

bool is_stopped(pid_t pid) {
  auto stat = read_stat(pid);
  return stat && (stat->state == 'T' || stat->state == 't');
}

bool has_ended(pid_t pid) {
  auto stat = read_stat(pid);
  return !stat || stat->state == 'Z' || stat->state == 'X';
}

std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> children;
  for (pid_t candidate : descendants_of(pid)) {
    auto stat = read_stat(candidate);
    if (stat && stat->ppid == pid) children.push_back(candidate);
  }
  return children;
}

pid_t wait_for_child(PtySession& session, pid_t parent, const std::string& program) {
  const std::string wanted = real_path(program);
  pid_t found = -1;
  session.wait_until(
      [&] {
        for (pid_t child : children_of(parent)) {
          if (read_link("/proc/" + std::to_string(child) + "/exe") == wanted) {
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
  static const std::set<long> kWaitsForInput = {
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
        return (syscall_file >> number) && kWaitsForInput.contains(number);
      },
      "pid " + std::to_string(pid) + " to wait for input");
}

Report parse_report(std::string_view text) {
  static const std::regex kReport(
      R"(REPORT pid=(\d+) ppid=(\d+) pgrp=(\d+) sid=(\d+) fg0=(\w+) fgtty=(\w+))");
  std::match_results<std::string_view::const_iterator> match;
  if (!std::regex_search(text.begin(), text.end(), match, kReport)) {
    throw std::runtime_error("no REPORT line in: " + visible(text));
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
      R"(REPORT pid=\d+ ppid=\d+ pgrp=\d+ sid=\d+ fg0=\w+ fgtty=\w+)", timeout);
  return parse_report(groups[0]);
}

std::string describe_status(int wait_status) {
  if (WIFEXITED(wait_status)) return exit_with(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return died_of(WTERMSIG(wait_status));
  return "status " + std::to_string(wait_status);
}

std::string exit_with(int code) { return "exit " + std::to_string(code); }
std::string died_of(int signo) { return "signal " + std::to_string(signo); }

void send_signal(pid_t pid, int signo) {
  if (kill(pid, signo) != 0) {
    throw_errno("cannot send signal " + std::to_string(signo) + " to " + std::to_string(pid));
  }
}

long long milliseconds(Duration duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

Outcome run_without_terminal(const std::vector<std::string>& argv, Duration timeout) {
  become_subreaper();
  std::vector<std::string> args = argv;
  std::vector<std::string> vars = session_env();
  std::vector<char*> c_argv = c_strings(args);
  std::vector<char*> c_envp = c_strings(vars);
  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw_errno("pipe2");
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null < 0) throw_errno("open /dev/null");

  pid_t pid = fork();
  if (pid < 0) throw_errno("fork");
  if (pid == 0) {
    // A new session without a controlling terminal, whatever the test runner had.
    setsid();
    dup2(null, STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    exec_child(c_argv, c_envp);
  }
  close(null);
  close(out[1]);
  close(err[1]);

  Outcome outcome;
  auto deadline = Clock::now() + timeout;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&outcome.out, &outcome.err};
  int open_pipes = 2;
  while (open_pipes > 0 && Clock::now() < deadline) {
    if (poll(fds, 2, milliseconds_until(deadline)) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      ssize_t got = read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      }
    }
  }
  for (auto& entry : fds) {
    if (entry.fd >= 0) close(entry.fd);
  }
  int status = 0;
  pid_t done = 0;
  while ((done = waitpid(pid, &status, WNOHANG)) == 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
  }
  kill_everything_started();
  if (done != pid) {
    throw std::runtime_error("timed out waiting for the run to end; stdout:\n" + outcome.out +
                             "\nstderr:\n" + outcome.err);
  }
  outcome.status = status;
  return outcome;
}

}  // namespace tend::tty
