// SPDX-License-Identifier: MIT
// What the supervisor tests add to the harness; see sup_util.h.
#include "sup_util.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

namespace tend::e2e {
namespace {

/// sockaddr_un for a NOTIFY_SOCKET address: a path, or an abstract name when it starts with '@'.
socklen_t address_of(const std::string& address, sockaddr_un& out) {
  if (address.empty() || address.size() >= sizeof out.sun_path) {
    throw std::runtime_error("bad socket address '" + address + "'");
  }
  out = {};
  out.sun_family = AF_UNIX;
  std::memcpy(out.sun_path, address.data(), address.size());
  size_t length = address.size();
  if (address[0] == '@')
    out.sun_path[0] = '\0';
  else
    length += 1;
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
}

bool has_assignment(const std::string& message, const std::string& assignment) {
  std::istringstream lines(message);
  for (std::string line; std::getline(lines, line);) {
    if (line == assignment) return true;
  }
  return false;
}

unsigned long long pending_mask(pid_t pid, const std::string& field) {
  std::map<std::string, std::string> status = read_status(pid);
  auto found = status.find(field);
  return found == status.end() ? 0 : std::stoull(found->second, nullptr, 16);
}

/// fork(), or clone3 with set_tid when a pid is wanted.
pid_t fork_with_pid(pid_t wanted) {
  if (wanted == 0) return fork();
  clone_args args{};
  args.exit_signal = SIGCHLD;
  args.set_tid = reinterpret_cast<uint64_t>(&wanted);
  args.set_tid_size = 1;
  return static_cast<pid_t>(syscall(SYS_clone3, &args, sizeof args));
}

}  // namespace

std::string field_of(const std::string& line, const std::string& key) {
  std::string needle = key + "=";
  size_t at = 0;
  for (;;) {
    at = line.find(needle, at);
    if (at == std::string::npos) throw std::runtime_error("no " + key + "= in '" + line + "'");
    if (at == 0 || line[at - 1] == ' ') break;
    at += needle.size();
  }
  size_t start = at + needle.size();
  size_t end = line.find(' ', start);
  return line.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

Clock::time_point stamp_of(const std::string& line) {
  return Clock::time_point(std::chrono::nanoseconds(std::stoll(field_of(line, "t"))));
}

std::vector<long long> restart_gaps_ms(const std::vector<std::string>& lines) {
  std::vector<long long> gaps;
  std::optional<Clock::time_point> ended;
  for (const auto& line : lines) {
    if (line.starts_with("exit ") || line.starts_with("kill-self ")) {
      ended = stamp_of(line);
    } else if (line.starts_with("start ") && ended) {
      gaps.push_back(milliseconds(stamp_of(line) - *ended));
      ended.reset();
    }
  }
  return gaps;
}

std::vector<std::string> stderr_lines_with(TendRun& run, const std::string& text) {
  std::vector<std::string> found;
  std::istringstream lines(run.stderr_text());
  for (std::string line; std::getline(lines, line);) {
    if (line.find(text) != std::string::npos) found.push_back(line);
  }
  return found;
}

void wait_for_stderr(TendRun& run, const std::string& text, Duration timeout) {
  run.wait_until([&] { return run.stderr_text().find(text) != std::string::npos; },
                 "'" + text + "' on stderr", timeout);
}

void expect_ready_then_clean_stop(TendRun& run, const std::string& ready_file) {
  run.wait_until([&] { return file_exists(ready_file); }, "the ready file");
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
}

bool abstract_socket_bound(const std::string& at_name) {
  std::ifstream table("/proc/net/unix");
  for (std::string line; std::getline(table, line);) {
    size_t space = line.rfind(' ');
    if (space != std::string::npos && line.substr(space + 1) == at_name) return true;
  }
  return false;
}

bool notify_socket_exists(const std::string& address) {
  if (address.starts_with("@")) return abstract_socket_bound(address);
  struct stat info {};
  return stat(address.c_str(), &info) == 0 && S_ISSOCK(info.st_mode);
}

bool send_datagram(const std::string& address, const std::string& text) {
  sockaddr_un target;
  socklen_t length = address_of(address, target);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw_errno("socket");
  ssize_t sent = sendto(fd, text.data(), text.size(), MSG_NOSIGNAL,
                        reinterpret_cast<sockaddr*>(&target), length);
  close(fd);
  return sent == static_cast<ssize_t>(text.size());
}

void wait_signal_taken(TendRun& run, pid_t pid, int signo) {
  unsigned long long bit = 1ULL << (signo - 1);
  run.wait_until(
      [&] { return ((pending_mask(pid, "ShdPnd") | pending_mask(pid, "SigPnd")) & bit) == 0; },
      "tend to take signal " + std::to_string(signo));
}

/// Sends `signo` to tend until `line` shows up: tend adopts the daemon some time after the
/// launcher exits, and a signal before that has nobody to go to.
void signal_until_line(TendRun& run, int signo, const std::string& line) {
  Clock::time_point deadline = Clock::now() + kEventTimeout;
  for (;;) {
    run.signal_tend(signo);
    try {
      run.wait_for_line(line, 100ms);
      return;
    } catch (const std::runtime_error&) {
      if (Clock::now() >= deadline) throw;
    }
  }
}

std::string stop_through(TendRun& run, const std::string& tag) {
  run.signal_tend(SIGTERM);
  run.wait_for_line(signal_line(SIGTERM, tag));
  return describe_status(run.wait_exit());
}

Stranger::Stranger(const Options& options) {
  // The address is worked out here: the child may not throw.
  sockaddr_un notify_target{};
  socklen_t notify_length = 0;
  if (!options.notify_address.empty()) {
    notify_length = address_of(options.notify_address, notify_target);
  }
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) throw_errno("pipe2");
  pid_ = fork_with_pid(options.wanted_pid);
  if (pid_ < 0)
    throw_errno("cannot create a stranger with pid " + std::to_string(options.wanted_pid));
  if (pid_ == 0) {
    if (options.own_group) setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int signo = 1; signo < 32; ++signo) {
      if (signo != SIGKILL && signo != SIGSTOP && signo != SIGCHLD) signal(signo, SIG_DFL);
    }
    if (notify_length > 0) {
      int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      sendto(fd, options.notify_text.data(), options.notify_text.size(), 0,
             reinterpret_cast<sockaddr*>(&notify_target), notify_length);
      close(fd);
    }
    close(ready[1]);  // Set up: the test may go on.
    for (;;) pause();
  }
  close(ready[1]);
  char byte;
  while (read(ready[0], &byte, 1) < 0 && errno == EINTR) {
  }
  close(ready[0]);
}

Stranger::~Stranger() {
  // Only while it is still the test's unreaped child: a reaped pid may name another process.
  if (pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

bool Stranger::is_untouched() const { return is_alive(pid_); }

UpwardSocket::UpwardSocket(const std::string& path) : path_(path) {
  fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) throw_errno("socket");
  sockaddr_un address;
  socklen_t length = address_of(path_, address);
  unlink(path_.c_str());
  if (bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0) throw_errno("bind " + path_);
}

UpwardSocket::~UpwardSocket() {
  if (fd_ >= 0) close(fd_);
  unlink(path_.c_str());
}

void UpwardSocket::take_pending() {
  for (;;) {
    char buffer[4096];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 16)];
    iovec iov{buffer, sizeof buffer};
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t got = recvmsg(fd_, &message, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (got < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr;
         header = CMSG_NXTHDR(&message, header)) {
      if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
      size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; ++i) {
        int fd;
        std::memcpy(&fd, CMSG_DATA(header) + i * sizeof(int), sizeof fd);
        close(fd);
      }
    }
    messages_.emplace_back(buffer, static_cast<size_t>(got));
  }
}

bool UpwardSocket::has(const std::string& assignment) const {
  for (const auto& message : messages_) {
    if (has_assignment(message, assignment)) return true;
  }
  return false;
}

bool UpwardSocket::wait_for(TendRun& run, const std::string& assignment, Duration timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    take_pending();
    if (has(assignment)) return true;
    if (Clock::now() >= deadline) return false;
    pollfd ready{fd_, POLLIN, 0};
    poll(&ready, 1, 5);
    // Keep reading tend's output too, so that a transcript shows what happened meanwhile.
    run.stderr_text();
  }
}

std::string UpwardSocket::describe() const {
  std::string text = "upward messages:";
  for (const auto& message : messages_) text += "\n  [" + message + "]";
  return text;
}

void ReadyFileTarget::plant_symlink() const {
  if (symlink(secret.c_str(), ready.c_str()) != 0) throw_errno("symlink " + ready);
}

bool ReadyFileTarget::secret_is_intact() const {
  struct stat info {};
  return read_file(secret) == kSecret && lstat(secret.c_str(), &info) == 0 &&
         (info.st_mode & 07777) == 0600;
}

}  // namespace tend::e2e
