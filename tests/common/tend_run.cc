// SPDX-License-Identifier: MIT
// The harness behind the whole-program tests: start tend, read its output, signal it, clean up.
#include "tend_run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <set>
#include <stdexcept>

extern char** environ;

namespace tend::e2e {
namespace {

int open_pid_fd(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

std::string join_signals(const std::vector<int>& signals) {
  if (signals.empty()) return "-";
  std::string list;
  for (int signo : signals) {
    if (!list.empty()) list += ',';
    list += std::to_string(signo);
  }
  return list;
}

/// Identity of an executable, to recognise tend behind /proc/<pid>/exe.
std::optional<std::pair<dev_t, ino_t>> file_identity(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return std::nullopt;
  return std::pair{info.st_dev, info.st_ino};
}

/// The part of the harness that runs in the forked child; prepared data only, then exec.
struct ChildPlan {
  std::vector<std::pair<int, int>> fds;  // (target, source)
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::string cwd;
  bool core_dumps = false;
  std::optional<rlim_t> sigpending_limit;
  std::optional<rlim_t> nofile_limit;
};

[[noreturn]] void child_fail(const char* what) {
  char text[256];
  int length = std::snprintf(text, sizeof text, "harness: %s: %s\n", what, std::strerror(errno));
  ssize_t ignored = write(STDERR_FILENO, text, static_cast<size_t>(length));
  (void)ignored;
  _exit(127);
}

[[noreturn]] void become_child(const ChildPlan& plan) {
  setpgid(0, 0);
  reset_signal_state();
  if (plan.core_dumps) {
    struct rlimit unlimited {
      RLIM_INFINITY, RLIM_INFINITY
    };
    if (setrlimit(RLIMIT_CORE, &unlimited) != 0) child_fail("setrlimit");
  }
  if (plan.sigpending_limit) {
    struct rlimit limit {
      *plan.sigpending_limit, *plan.sigpending_limit
    };
    if (setrlimit(RLIMIT_SIGPENDING, &limit) != 0) child_fail("setrlimit");
  }
  // Sources first out of the way of every target, then into place, then close all the rest.
  std::vector<int> moved;
  for (const auto& [target, source] : plan.fds) {
    int fd = fcntl(source, F_DUPFD_CLOEXEC, 500);
    if (fd < 0) child_fail("fcntl");
    moved.push_back(fd);
  }
  std::set<int> targets;
  for (size_t i = 0; i < plan.fds.size(); ++i) {
    if (dup2(moved[i], plan.fds[i].first) < 0) child_fail("dup2");
    targets.insert(plan.fds[i].first);
  }
  int next = 0;
  for (int target : targets) {
    if (target > next)
      close_range(static_cast<unsigned>(next), static_cast<unsigned>(target - 1), 0);
    next = target + 1;
  }
  close_range(static_cast<unsigned>(next), ~0U, 0);
  // Last: the moves above need descriptors well above a small limit.
  if (plan.nofile_limit) {
    struct rlimit limit {
      *plan.nofile_limit, *plan.nofile_limit
    };
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) child_fail("setrlimit");
  }
  if (!plan.cwd.empty() && chdir(plan.cwd.c_str()) != 0) child_fail("chdir");
  execvpe(plan.argv[0], plan.argv.data(), plan.envp.data());
  child_fail("exec");
}

}  // namespace

std::string mode_name(Mode mode) { return mode == Mode::kPid1 ? "Pid1" : "Subreaper"; }

void PrintTo(Mode mode, std::ostream* out) { *out << mode_name(mode); }

const std::string& Report::operator[](const std::string& key) const {
  auto found = facts.find(key);
  if (found == facts.end()) throw std::runtime_error("the helper's report has no '" + key + "'");
  return found->second;
}

pid_t Report::number(const std::string& key) const { return std::stoi((*this)[key]); }

std::string command_died_of(Mode mode, int signo) {
  return mode == Mode::kPid1 ? exit_with(128 + signo) : died_of(signo);
}

TendRun::TendRun(Mode mode, Launch launch) : mode_(mode) {
  // Orphans of everything this test starts come back here, to be killed and reaped.
  become_subreaper();
  try {
    start(launch);
  } catch (...) {
    clean_up();
    throw;
  }
}

TendRun::~TendRun() { clean_up(); }

std::vector<std::string> TendRun::build_argv(const Launch& launch) const {
  std::vector<std::string> argv;
  if (mode_ == Mode::kPid1) {
    argv = {"unshare", "--pid", "--fork", "--mount-proc"};
  } else if (launch.under_parent) {
    argv = {kHelper, "parent-of", "--"};
  }
  if (!launch.blocked.empty() || !launch.ignored.empty()) {
    // Set by the helper just before it execs tend, so that unshare is not affected by them.
    argv.insert(argv.end(), {kHelper, "exec-with", join_signals(launch.blocked),
                             join_signals(launch.ignored), "--"});
  }
  argv.push_back(launch.program);
  argv.insert(argv.end(), launch.args.begin(), launch.args.end());
  return argv;
}

void TendRun::start(const Launch& launch) {
  int out[2], err[2], in[2] = {-1, -1};
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw_errno("pipe2");
  stdout_fd_ = out[0];
  stderr_fd_ = err[0];
  if (launch.stdin_pipe) {
    if (pipe2(in, O_CLOEXEC) != 0) throw_errno("pipe2");
    stdin_fd_ = in[1];
  } else {
    in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in[0] < 0) throw_errno("open /dev/null");
  }
  std::vector<int> to_close = {out[1], err[1], in[0]};

  ChildPlan plan;
  plan.fds = {{0, in[0]}, {1, out[1]}, {2, err[1]}};
  if (launch.broken_stderr) {
    int broken[2];
    if (pipe2(broken, O_CLOEXEC) != 0) throw_errno("pipe2");
    close(broken[0]);
    plan.fds[2] = {2, broken[1]};
    to_close.push_back(broken[1]);
  }
  if (launch.stdout_fd >= 0) plan.fds[1] = {1, launch.stdout_fd};
  for (int fd : launch.stdout_copies) plan.fds.emplace_back(fd, out[1]);
  for (const auto& [fd, path] : launch.files) {
    int opened = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (opened < 0) throw_errno("open " + path);
    to_close.push_back(opened);
    plan.fds.emplace_back(fd, opened);
  }
  std::vector<std::string> argv = build_argv(launch);
  std::vector<std::string> env;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    if (std::strncmp(*variable, "TEND_", 5) != 0) env.emplace_back(*variable);
  }
  env.insert(env.end(), launch.env.begin(), launch.env.end());
  for (auto& arg : argv) plan.argv.push_back(arg.data());
  plan.argv.push_back(nullptr);
  for (auto& variable : env) plan.envp.push_back(variable.data());
  plan.envp.push_back(nullptr);
  plan.cwd = launch.cwd;
  plan.core_dumps = launch.core_dumps;
  plan.sigpending_limit = launch.sigpending_limit;
  plan.nofile_limit = launch.nofile_limit;

  root_pid_ = fork();
  if (root_pid_ < 0) throw_errno("fork");
  if (root_pid_ == 0) become_child(plan);
  setpgid(root_pid_, root_pid_);  // Also from here, so that the group exists before any kill.
  for (int fd : to_close) close(fd);
  root_pid_fd_ = open_pid_fd(root_pid_);
  if (root_pid_fd_ < 0) throw_errno("pidfd_open");
  program_identity_ = file_identity(launch.program);
}

pid_t TendRun::tend_pid() {
  if (tend_pid_ > 0) return tend_pid_;
  wait_until(
      [this] {
        std::vector<pid_t> candidates = {root_pid_};
        for (pid_t pid : descendants_of(root_pid_)) candidates.push_back(pid);
        for (pid_t pid : candidates) {
          if (file_identity("/proc/" + std::to_string(pid) + "/exe") == program_identity_) {
            tend_pid_ = pid;
            return true;
          }
        }
        return false;
      },
      "tend to start");
  return tend_pid_;
}

pid_t TendRun::command_pid() {
  pid_t tend = tend_pid();
  pid_t command = -1;
  wait_until(
      [&] {
        for (pid_t pid : children_of(tend)) {
          // Between fork and exec the child is still a copy of tend.
          if (file_identity("/proc/" + std::to_string(pid) + "/exe") != program_identity_) {
            command = pid;
            return true;
          }
        }
        return false;
      },
      "COMMAND to start");
  return command;
}

void TendRun::signal_tend(int signo) {
  if (kill(tend_pid(), signo) != 0) throw_errno("cannot signal tend");
}

std::string TendRun::stop(int signo, Duration timeout) {
  signal_tend(signo);
  return describe_status(wait_exit(timeout));
}

void TendRun::write_stdin(std::string_view text) {
  if (stdin_fd_ < 0) throw std::runtime_error("write_stdin: launched without stdin_pipe");
  if (write(stdin_fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    throw_errno("write to stdin");
  }
}

void TendRun::close_stdin() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  stdin_fd_ = -1;
}

void TendRun::read_from(int& fd, std::string& buffer, bool is_stdout) {
  char chunk[65536];
  ssize_t got = read(fd, chunk, sizeof chunk);
  if (got < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (got <= 0) {
    close(fd);
    fd = -1;
    return;
  }
  buffer.append(chunk, static_cast<size_t>(got));
  if (!is_stdout) return;
  for (size_t newline; (newline = buffer.find('\n')) != std::string::npos;) {
    lines_.push_back(buffer.substr(0, newline));
    consumed_.push_back(false);
    buffer.erase(0, newline + 1);
  }
}

void TendRun::pump(Clock::time_point deadline, int pid_fd) {
  pollfd fds[3];
  int count = 0;
  if (stdout_fd_ >= 0) fds[count++] = {stdout_fd_, POLLIN, 0};
  if (stderr_fd_ >= 0) fds[count++] = {stderr_fd_, POLLIN, 0};
  if (pid_fd >= 0) fds[count++] = {pid_fd, POLLIN, 0};
  int ready = poll(fds, static_cast<nfds_t>(count), milliseconds_until(deadline));
  if (ready < 0 && errno != EINTR) throw_errno("poll");
  for (int i = 0; i < count && ready > 0; ++i) {
    if (fds[i].revents == 0 || fds[i].fd == pid_fd) continue;
    if (fds[i].fd == stdout_fd_)
      read_from(stdout_fd_, stdout_partial_, true);
    else if (fds[i].fd == stderr_fd_)
      read_from(stderr_fd_, stderr_, false);
  }
}

size_t TendRun::wait_for_line_index(std::string_view prefix, Duration timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    for (size_t i = 0; i < lines_.size(); ++i) {
      if (!consumed_[i] && lines_[i].starts_with(prefix)) {
        consumed_[i] = true;
        return i;
      }
    }
    if (stdout_fd_ < 0)
      fail("stdout ended without a line starting with '" + std::string(prefix) + "'");
    if (Clock::now() >= deadline) {
      fail_timed_out(timeout, "a line starting with '" + std::string(prefix) + "'");
    }
    pump(deadline);
  }
}

std::string TendRun::wait_for_line(std::string_view prefix, Duration timeout) {
  return lines_[wait_for_line_index(prefix, timeout)];
}

Report TendRun::wait_for_report(std::string_view tag) {
  std::string prefix = std::string(tag) + "report ";
  std::string line = wait_for_line(prefix);
  Report report;
  // "key=value" words; cwd comes last and takes the rest of the line, spaces and all.
  for (size_t at = prefix.size(); at < line.size();) {
    size_t equals = line.find('=', at);
    if (equals == std::string::npos) break;
    std::string key = line.substr(at, equals - at);
    size_t end = key == "cwd" ? line.size() : std::min(line.find(' ', equals), line.size());
    report.facts.emplace(key, line.substr(equals + 1, end - equals - 1));
    at = end + 1;
  }
  return report;
}

std::string TendRun::stderr_text() {
  // Take what is already there without waiting.
  while (stderr_fd_ >= 0) {
    pollfd fd{stderr_fd_, POLLIN, 0};
    if (poll(&fd, 1, 0) <= 0) break;
    read_from(stderr_fd_, stderr_, false);
  }
  return stderr_;
}

std::string TendRun::stdout_text() const {
  std::string text;
  for (const auto& line : lines_) text += line + "\n";
  return text + stdout_partial_;
}

std::string TendRun::transcript() {
  return "\n--- stdout ---\n" + stdout_text() + "--- stderr ---\n" + stderr_text() + "---";
}

void TendRun::fail(std::string_view what) {
  throw std::runtime_error(std::string(what) + " [" + mode_name(mode_) + "]" + transcript());
}

void TendRun::fail_timed_out(Duration timeout, std::string_view what) {
  fail("timed out after " + std::to_string(milliseconds(timeout)) + " ms waiting for " +
       std::string(what));
}

std::optional<int> TendRun::wait_exit_within(Duration timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (!exited_) {
    int status = 0;
    pid_t got = waitpid(root_pid_, &status, WNOHANG);
    if (got < 0 && errno != EINTR) throw_errno("waitpid");
    if (got == root_pid_) {
      exit_time_ = Clock::now();
      exited_ = true;
      exit_status_ = status;
      break;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    pump(deadline, root_pid_fd_);
  }
  // Whatever was written before the exit is in the pipes now: take it.
  for (bool more = true; more;) {
    more = false;
    for (int* fd : {&stdout_fd_, &stderr_fd_}) {
      if (*fd < 0) continue;
      pollfd poll_fd{*fd, POLLIN, 0};
      if (poll(&poll_fd, 1, 0) > 0) {
        read_from(*fd, fd == &stdout_fd_ ? stdout_partial_ : stderr_, fd == &stdout_fd_);
        more = true;
      }
    }
  }
  return exit_status_;
}

int TendRun::wait_exit(Duration timeout) {
  std::optional<int> status = wait_exit_within(timeout);
  if (!status) {
    fail_timed_out(timeout, "tend to exit");
  }
  return *status;
}

int TendRun::wait_pid_exit(pid_t pid, Duration timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  int pid_fd = open_pid_fd(pid);
  for (;;) {
    int status = 0;
    pid_t got = waitpid(pid, &status, WNOHANG);
    if (got == pid) {
      if (pid_fd >= 0) close(pid_fd);
      if (pid == root_pid_) {
        exited_ = true;
        exit_status_ = status;
        exit_time_ = Clock::now();
      }
      return status;
    }
    if (got < 0 && errno != EINTR) {
      if (pid_fd >= 0) close(pid_fd);
      fail("cannot wait for pid " + std::to_string(pid) + ": " + std::strerror(errno));
    }
    if (Clock::now() >= deadline) {
      if (pid_fd >= 0) close(pid_fd);
      fail("timed out waiting for pid " + std::to_string(pid) + " to exit");
    }
    // Without a pidfd, look again soon.
    pump(pid_fd >= 0 ? deadline : std::min(deadline, Clock::now() + 5ms), pid_fd);
  }
}

void TendRun::wait_until(const std::function<bool()>& condition, std::string_view what,
                         Duration timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() >= deadline) {
      fail_timed_out(timeout, what);
    }
    pump(std::min(deadline, Clock::now() + 2ms));
  }
}

void TendRun::clean_up() {
  // tend's group (the harness made it), then everything still below the test process.
  if (root_pid_ > 0 && !exited_) kill(-root_pid_, SIGKILL);
  kill_everything_started();
  for (int* fd : {&stdin_fd_, &stdout_fd_, &stderr_fd_, &root_pid_fd_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

Outcome run_to_exit(Mode mode, Launch launch, Duration timeout) {
  TendRun run(mode, std::move(launch));
  Outcome outcome;
  outcome.status = run.wait_exit(timeout);
  outcome.out = run.stdout_text();
  outcome.err = run.stderr_text();
  return outcome;
}

std::vector<std::string> helper(std::initializer_list<std::string> words) {
  std::vector<std::string> argv = {kHelper};
  argv.insert(argv.end(), words.begin(), words.end());
  return argv;
}

std::vector<std::string> options_then_helper(std::initializer_list<std::string> options,
                                             std::initializer_list<std::string> words) {
  std::vector<std::string> args(options);
  std::vector<std::string> command = helper(words);
  args.insert(args.end(), command.begin(), command.end());
  return args;
}

std::string signal_line(int signo, std::string_view tag) {
  std::string prefix = tag.empty() ? std::string() : std::string(tag) + " ";
  return prefix + "signal " + std::to_string(signo) + " ";
}

}  // namespace tend::e2e
