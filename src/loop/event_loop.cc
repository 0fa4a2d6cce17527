// SPDX-License-Identifier: MIT
// EventLoop: tend's one sleep, which ends at a signal, a readable descriptor or a deadline.
#include "loop/event_loop.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace tend {
namespace {

/// Rounds of handlers one wake-up runs for descriptors that stay readable (a writer flooding
/// one); the next wake-up carries on, after taking any pending signal.
constexpr int kMaxReadyRounds = 16;

bool is_readable(short revents) { return (revents & (POLLIN | POLLHUP | POLLERR)) != 0; }

}  // namespace

int io_signal() { return SIGRTMIN; }

std::optional<timespec> time_left(std::optional<TimePoint> deadline, TimePoint now) {
  if (!deadline) return std::nullopt;
  if (*deadline <= now) return timespec{0, 0};
  auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(*deadline - now).count();
  return timespec{static_cast<time_t>(left / 1000000000), static_cast<long>(left % 1000000000)};
}

bool EventLoop::watch(int fd, Handler handler) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETOWN, getpid()) != 0 || fcntl(fd, F_SETSIG, io_signal()) != 0 ||
      fcntl(fd, F_SETFL, flags | O_NONBLOCK | O_ASYNC) != 0) {
    return false;
  }
  watched_.emplace_back(fd, std::move(handler));
  check_fds_ = true;
  return true;
}

void EventLoop::unwatch(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_ASYNC);
  std::erase_if(watched_, [fd](const auto& entry) { return entry.first == fd; });
}

void EventLoop::wait_once(std::optional<TimePoint> deadline) {
  // No deadline (the common case): back to sleep after a forwarded signal without a clock read.
  // With fds left to check, only take a signal that is already pending.
  std::optional<timespec> timeout =
      check_fds_ ? timespec{0, 0} : time_left(deadline, deadline ? Clock::now() : TimePoint{});
  siginfo_t info;
  int signo = sigtimedwait(&all_, &info, timeout ? &*timeout : nullptr);
  // EAGAIN is the deadline; EINTR cannot come from tend's own signals (all blocked), but a
  // debugger attaching or a SIGSTOP/SIGCONT pair can cause it.
  if (signo > 0 && reports_readiness(signo, info.si_code)) {
    check_fds_ = true;
  } else if (signo > 0) {
    on_signal_(ReceivedSignal{signo, info.si_pid, info.si_code});
  }
  if (check_fds_) run_ready_handlers();
}

/// The kernel signals a descriptor's readiness once per change, not while it lasts: poll every
/// watched fd and run the handlers of the readable ones until none is (or the round limit).
void EventLoop::run_ready_handlers() {
  check_fds_ = false;
  for (int round = 0; round < kMaxReadyRounds; ++round) {
    std::vector<pollfd> fds;
    for (const auto& entry : watched_) fds.push_back({entry.first, POLLIN, 0});
    if (poll(fds.data(), fds.size(), 0) <= 0) return;
    for (const pollfd& fd : fds) {
      if (fd.revents & POLLNVAL) {
        unwatch(fd.fd);  // Closed without unwatch: a bug, but no reason to spin.
        continue;
      }
      if (!is_readable(fd.revents)) continue;
      auto entry = std::find_if(watched_.begin(), watched_.end(),
                                [&fd](const auto& watched) { return watched.first == fd.fd; });
      if (entry == watched_.end()) continue;  // An earlier handler unwatched it.
      Handler run = entry->second;            // A copy: the handler may unwatch its own fd.
      run();
    }
  }
  check_fds_ = true;
}

}  // namespace tend
