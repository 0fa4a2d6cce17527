// SPDX-License-Identifier: MIT
// EventLoop: tend's one sleep, which ends at a signal, a readable descriptor or a deadline.
//
// Everything arrives as a signal. Every signal is blocked (take_over_signals) and taken with
// sigtimedwait, whose timeout is the earliest deadline. A watched descriptor is set to O_ASYNC,
// so the kernel queues io_signal() when it becomes readable. A forwarded signal thus costs one
// system call to receive it and one to send it on, with no epoll or signalfd in between.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "loop/timers.h"

namespace tend {

/// A signal tend received: which, from whom, and how it was sent (siginfo's si_code).
struct ReceivedSignal {
  int signo;
  pid_t sender;
  int code;

  bool sent_by_kernel() const { return code == SI_KERNEL; }
};

/// The real-time signal the kernel queues when a watched descriptor becomes readable.
int io_signal();

/// Whether a received signal only reports descriptor readiness. The kernel marks it:
/// io_signal() with a POLL_* si_code, or SIGIO from the kernel itself when the queue of real-time
/// signals was full. A process cannot fake either (si_code > 0 is refused from user space), so the
/// same signal numbers sent with kill(2) or sigqueue(3) are ordinary signals, forwarded as usual.
inline bool reports_readiness(int signo, int code) {
  constexpr int kFirstRealTime = 32;  // The kernel's; glibc keeps the first two for itself.
  if (signo < kFirstRealTime) return signo == SIGIO && code == SI_KERNEL;  // The usual case.
  return signo == io_signal() && code >= POLL_IN && code <= POLL_HUP;
}

/// Time left until `deadline`, for sigtimedwait: nullopt (sleep forever) without a deadline, zero
/// once it has passed.
std::optional<timespec> time_left(std::optional<TimePoint> deadline, TimePoint now);

class EventLoop {
 public:
  using Handler = std::function<void()>;
  using SignalHandler = std::function<void(const ReceivedSignal&)>;

  /// Every signal must be blocked already: they stay pending until wait_once takes them.
  explicit EventLoop(SignalHandler on_signal) : on_signal_(std::move(on_signal)) {
    sigfillset(&all_);
  }

  /// Calls `handler` whenever `fd` is readable (or hung up), until unwatched. The fd becomes
  /// non-blocking and signal-driven (O_ASYNC, owner tend, signal io_signal()). Returns false,
  /// errno set, on failure.
  bool watch(int fd, Handler handler);
  void unwatch(int fd);

  /// Sleeps until a signal, a readable watched fd, or `deadline` (forever without one), then
  /// runs the signal's handler or the handlers of every readable fd.
  void wait_once(std::optional<TimePoint> deadline);

 private:
  void run_ready_handlers();

  SignalHandler on_signal_;
  sigset_t all_;
  std::vector<std::pair<int, Handler>> watched_;
  // Poll the watched fds on this wake-up: a readiness signal came, a new watch may be readable
  // with no signal queued, or a flooded fd outlasted the last wake-up's rounds.
  bool check_fds_ = false;
};

}  // namespace tend
