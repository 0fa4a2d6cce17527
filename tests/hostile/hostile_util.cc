// SPDX-License-Identifier: MIT
// What the hostile tests add to the harness: strangers and tend's CPU time.
#include "hostile_util.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tend_run.h"

namespace tend::e2e {
namespace {

void send_to(const std::string& address, const std::string& text) {
  sockaddr_un target{};
  target.sun_family = AF_UNIX;
  std::memcpy(target.sun_path, address.data(), std::min(address.size(), sizeof target.sun_path));
  if (address[0] == '@') target.sun_path[0] = '\0';
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());
  sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&target), length);
  close(fd);
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

Stranger::Stranger(const Options& options) {
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
    if (!options.notify_address.empty()) send_to(options.notify_address, options.notify_text);
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

double cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto paren = text.rfind(')');
  if (paren == std::string::npos)
    throw std::runtime_error("no /proc stat for " + std::to_string(pid));
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  double ticks = 0;
  for (int i = 0; i < 13 && fields >> field; ++i) {
    if (i == 11 || i == 12) ticks += std::stod(field);  // utime, stime (fields 14 and 15)
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace tend::e2e
