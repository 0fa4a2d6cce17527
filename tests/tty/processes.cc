// SPDX-License-Identifier: MIT
// What the terminal tests need besides a pty: the binaries, processes seen through /proc, runs.
#include "processes.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace tend::tty {
namespace {

constexpr int kLastSignal = 64;

int milliseconds_until(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<long long>(left.count(), 0, 60'000));
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

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
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

void throw_errno(std::string_view what) {
  throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

void become_subreaper() {
  static const bool done = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
  if (!done) throw_errno("cannot become child subreaper");
}

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

void exec_child(const std::vector<char*>& argv, const std::vector<char*>& envp) {
  for (int signo = 1; signo <= kLastSignal; ++signo) signal(signo, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execvpe(argv[0], argv.data(), envp.data());
  const char* reason = std::strerror(errno);
  ssize_t ignored = write(STDERR_FILENO, "tty tests: cannot exec: ", 24);
  ignored = write(STDERR_FILENO, reason, std::strlen(reason));
  (void)ignored;
  _exit(127);
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

std::optional<ProcStat> read_stat(pid_t pid) {
  std::string line = first_line("/proc/" + std::to_string(pid) + "/stat");
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

std::string program_of(pid_t pid) {
  std::string link = "/proc/" + std::to_string(pid) + "/exe";
  char target[PATH_MAX];
  ssize_t length = readlink(link.c_str(), target, sizeof target - 1);
  if (length < 0) return "";
  return std::string(target, static_cast<size_t>(length));
}

std::string real_path(const std::string& path) {
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) != nullptr ? resolved : path;
}

std::string describe_processes() {
  std::string table = "  pid  ppid  pgrp   sid state wchan command\n";
  for (pid_t pid : descendants_of(getpid())) {
    auto stat = read_stat(pid);
    if (!stat) continue;
    std::string proc = "/proc/" + std::to_string(pid);
    std::ifstream cmdline_file(proc + "/cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(cmdline_file)), {});
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    char line[160];
    std::snprintf(line, sizeof line, "%5d %5d %5d %5d %c %s ", pid, stat->ppid, stat->pgrp,
                  stat->session, stat->state, first_line(proc + "/wchan").c_str());
    table += line + cmdline.substr(0, 120) + "\n     ";
    std::ifstream status_file(proc + "/status");
    for (std::string field; std::getline(status_file, field);) {
      if (field.starts_with("Sig") || field.starts_with("ShdPnd")) table += " " + field;
    }
    std::string syscall = first_line(proc + "/syscall");
    table += " syscall " + syscall.substr(0, syscall.find(' ')) + "\n";
  }
  return table;
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
