// SPDX-License-Identifier: MIT
// What every whole-program test uses; see harness.h.
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace tend::test {
namespace {

constexpr int kLastSignal = 64;

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

void throw_errno(std::string_view what) {
  throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

long long milliseconds(Duration duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

int milliseconds_until(Clock::time_point deadline) {
  return static_cast<int>(std::clamp<long long>(milliseconds(deadline - Clock::now()), 0, 60'000));
}

std::string describe_status(int wait_status) {
  if (WIFEXITED(wait_status)) return exit_with(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    return died_of(WTERMSIG(wait_status)) + (WCOREDUMP(wait_status) ? " (core dumped)" : "");
  }
  return "wait status " + std::to_string(wait_status);
}

std::string exit_with(int code) { return "exit " + std::to_string(code); }

std::string died_of(int signo) { return "signal " + std::to_string(signo); }

std::optional<ProcStat> read_stat(pid_t pid) {
  std::string text = first_line("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = text.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(paren + 2));
  ProcStat stat;
  fields >> stat.state >> stat.ppid >> stat.pgrp >> stat.session;
  if (!fields) return std::nullopt;
  return stat;
}

bool is_alive(pid_t pid) {
  std::optional<ProcStat> stat = read_stat(pid);
  return stat && stat->state != 'Z' && stat->state != 'X';
}

bool is_stopped(pid_t pid) {
  std::optional<ProcStat> stat = read_stat(pid);
  return stat && (stat->state == 'T' || stat->state == 't');
}

std::map<std::string, std::string> read_status(pid_t pid) {
  std::map<std::string, std::string> fields;
  std::istringstream text(read_file("/proc/" + std::to_string(pid) + "/status"));
  for (std::string line; std::getline(text, line);) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    fields[line.substr(0, colon)] = value;
  }
  return fields;
}

long status_number(pid_t pid, const std::string& field) {
  auto fields = read_status(pid);
  auto found = fields.find(field);
  if (found == fields.end()) {
    throw std::runtime_error("no " + field + " in /proc/" + std::to_string(pid) + "/status");
  }
  return std::stol(found->second);
}

std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> children;
  std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* dir = opendir(task_dir.c_str());
  if (dir == nullptr) return children;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    std::istringstream list(read_file(task_dir + "/" + entry->d_name + "/children"));
    for (pid_t child; list >> child;) children.push_back(child);
  }
  closedir(dir);
  return children;
}

std::vector<pid_t> descendants_of(pid_t ancestor) {
  // Walks down from `ancestor` rather than scanning all of /proc: the machine may be busy.
  std::vector<pid_t> found;
  std::vector<pid_t> to_visit = children_of(ancestor);
  std::set<pid_t> seen;
  while (!to_visit.empty()) {
    pid_t pid = to_visit.back();
    to_visit.pop_back();
    if (!seen.insert(pid).second) continue;
    found.push_back(pid);
    for (pid_t child : children_of(pid)) to_visit.push_back(child);
  }
  return found;
}

std::string read_link(const std::string& path) {
  char target[PATH_MAX];
  ssize_t length = readlink(path.c_str(), target, sizeof target);
  return length < 0 ? std::string() : std::string(target, static_cast<size_t>(length));
}

std::map<int, std::string> fd_targets(pid_t pid) {
  std::map<int, std::string> targets;
  std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* dir = opendir(fd_dir.c_str());
  if (dir == nullptr) return targets;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    targets[std::atoi(entry->d_name)] = read_link(fd_dir + "/" + entry->d_name);
  }
  closedir(dir);
  return targets;
}

std::string program_of(pid_t pid) { return read_link("/proc/" + std::to_string(pid) + "/exe"); }

std::string real_path(const std::string& path) {
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) != nullptr ? resolved : path;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool is_symlink(const std::string& path) {
  struct stat info {};
  return lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode);
}

bool file_exists(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0;
}

std::string describe_processes() {
  std::string table = "  pid  ppid  pgrp   sid state wchan command\n";
  for (pid_t pid : descendants_of(getpid())) {
    auto stat = read_stat(pid);
    if (!stat) continue;
    std::string proc = "/proc/" + std::to_string(pid);
    std::string cmdline = read_file(proc + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    char line[160];
    std::snprintf(line, sizeof line, "%5d %5d %5d %5d %c %s ", pid, stat->ppid, stat->pgrp,
                  stat->session, stat->state, first_line(proc + "/wchan").c_str());
    table += line + cmdline.substr(0, 120) + "\n     ";
    for (const auto& [name, value] : read_status(pid)) {
      if (name.starts_with("Sig") || name.starts_with("ShdPnd")) table += " " + name + ": " + value;
    }
    std::string syscall = first_line(proc + "/syscall");
    table += " syscall " + syscall.substr(0, syscall.find(' ')) + "\n";
  }
  return table;
}

void send_signal(pid_t pid, int signo) {
  if (kill(pid, signo) != 0) {
    throw_errno("cannot send signal " + std::to_string(signo) + " to " + std::to_string(pid));
  }
}

void wait_until_reaped(pid_t pid, Duration timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (read_stat(pid)) {
    if (Clock::now() > deadline) {
      throw std::runtime_error("pid " + std::to_string(pid) + " was not reaped");
    }
    std::this_thread::sleep_for(2ms);
  }
}

void become_subreaper() {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) throw_errno("PR_SET_CHILD_SUBREAPER");
}

void kill_everything_started() {
  Clock::time_point deadline = Clock::now() + 10s;
  for (;;) {
    std::vector<pid_t> left = descendants_of(getpid());
    for (pid_t pid : left) kill(pid, SIGKILL);
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    if (left.empty()) return;
    if (Clock::now() >= deadline) {
      std::fprintf(stderr, "harness: %zu processes survived SIGKILL\n", left.size());
      return;
    }
    std::this_thread::sleep_for(1ms);
  }
}

void reset_signal_state() {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  for (int signo = 1; signo <= kLastSignal; ++signo) {
    if (signo != SIGKILL && signo != SIGSTOP) sigaction(signo, &action, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

std::string mask_of(const std::vector<int>& signals) {
  unsigned long long mask = 0;
  for (int signo : signals) mask |= 1ULL << (signo - 1);
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", mask);
  return text;
}

std::string signal_label(int signo) {
  const char* name = signo < SIGRTMIN ? sigabbrev_np(signo) : nullptr;
  if (name != nullptr) return name;
  return "RTMIN_" + std::to_string(signo - SIGRTMIN);
}

bool has_line(const std::vector<std::string>& lines, std::string_view prefix) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& line) { return line.starts_with(prefix); });
}

std::vector<std::string> lines_starting(const std::vector<std::string>& lines,
                                        const std::string& prefix) {
  std::vector<std::string> found;
  for (const auto& line : lines) {
    if (line.starts_with(prefix)) found.push_back(line);
  }
  return found;
}

TempDir::TempDir() {
  char name[] = "/tmp/tend-test-XXXXXX";
  if (mkdtemp(name) == nullptr) throw_errno("mkdtemp");
  path_ = name;
}

TempDir::~TempDir() {
  nftw(
      path_.c_str(), [](const char* path, const struct stat*, int, FTW*) { return remove(path); },
      16, FTW_DEPTH | FTW_PHYS);
}

std::string TempDir::file(std::string_view name, std::string_view content, mode_t mode) const {
  std::string path = path_ + "/" + std::string(name);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw_errno("create " + path);
  ssize_t wrote = write(fd, content.data(), content.size());
  close(fd);
  if (wrote != static_cast<ssize_t>(content.size())) throw_errno("write " + path);
  if (chmod(path.c_str(), mode) != 0) throw_errno("chmod " + path);
  return path;
}

}  // namespace tend::test
