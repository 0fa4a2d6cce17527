// SPDX-License-Identifier: MIT
// Signal state: what tend inherited (handed on to COMMAND), tend's own blocking, and sending.
#include "sys/signals.h"

#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "sys/signal_name.h"

namespace tend {
namespace {

/// Every signal number the kernel knows, whether or not it can be caught.
constexpr int kLastSignal = 64;

bool is_catchable(int signo) { return signo != SIGKILL && signo != SIGSTOP; }

/// The kernel's signal sets are 64 bits; glibc's sigset_t is larger and starts with them.
constexpr size_t kKernelSetSize = 8;

/// Every signal 1..64, glibc's own 32 and 33 included (its sigaddset refuses them).
sigset_t every_signal() {
  sigset_t all;
  std::memset(&all, 0xff, sizeof all);
  return all;
}

/// rt_sigprocmask without glibc's filter, which silently drops 32 and 33 from every mask.
void set_kernel_mask(const sigset_t& mask) {
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, nullptr, kKernelSetSize);
}

}  // namespace

InheritedSignals InheritedSignals::capture() {
  InheritedSignals state{};
  sigprocmask(SIG_SETMASK, nullptr, &state.mask);
  sigemptyset(&state.ignored);
  for (int signo = 1; signo <= kLastSignal; ++signo) {
    struct sigaction action {};
    if (sigaction(signo, nullptr, &action) == 0 && action.sa_handler == SIG_IGN) {
      sigaddset(&state.ignored, signo);
    }
  }
  return state;
}

void InheritedSignals::restore() const {
  // tend never installs a handler, so every other signal is at its default already.
  struct sigaction action {};
  sigemptyset(&action.sa_mask);
  action.sa_handler = SIG_IGN;
  for (int signo = 1; signo <= kLastSignal; ++signo) {
    if (sigismember(&ignored, signo) == 1) sigaction(signo, &action, nullptr);
  }
  set_kernel_mask(mask);
}

void take_over_signals(const InheritedSignals& inherited) {
  set_kernel_mask(every_signal());
  // exec reset every handler, so only the ignored signals differ from their default.
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  for (int signo = 1; signo <= kLastSignal; ++signo) {
    if (is_catchable(signo) && sigismember(&inherited.ignored, signo) == 1) {
      sigaction(signo, &action, nullptr);
    }
  }
}

int open_signalfd_for_every_signal() {
  sigset_t all = every_signal();
  return static_cast<int>(
      syscall(SYS_signalfd4, -1, &all, kKernelSetSize, SFD_NONBLOCK | SFD_CLOEXEC));
}

bool stop_self(int signo) {
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, signo);
  raise(signo);
  sigprocmask(SIG_UNBLOCK, &only, nullptr);  // Stops here until someone sends SIGCONT.
  sigprocmask(SIG_BLOCK, &only, nullptr);
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, SIGCONT) == 1;  // Left pending for the event loop.
}

bool send_signal(pid_t target, int signo) {
  if (kill(target, signo) == 0) return true;
  if (errno != ESRCH) {
    spdlog::warn("cannot send {} to {}: {}", SignalLabel{signo}, target, std::strerror(errno));
  }
  return false;
}

void die_by_signal(int signo) {
  struct rlimit no_core {};
  setrlimit(RLIMIT_CORE, &no_core);
  signal(signo, SIG_DFL);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, signo);
  raise(signo);
  sigprocmask(SIG_UNBLOCK, &only, nullptr);  // The pending signal is delivered here.
  _exit(128 + signo);
}

}  // namespace tend
