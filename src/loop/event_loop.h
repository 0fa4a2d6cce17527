// SPDX-License-Identifier: MIT
// EventLoop: tend's one sleep, which ends at a signal, a readable descriptor or a deadline.
//
// Every signal is blocked (take_over_signals) and read from a signalfd; that fd and every watched
// one (notify socket, ready pipe, pid-file inotify, a pidfd of a main process that is not tend's
// child) are in one epoll set, waited on with a timeout that is the earliest deadline. A
// forwarded signal costs epoll_wait, one read and the kill (epoll rather than ppoll: the wait
// queues are set up once, not on every call). Readiness is level-triggered: a handler that leaves
// data behind (a bounded batch per wake-up) runs again on the next one, after pending signals.
#pragma once

#include <signal.h>
#include <sys/epoll.h>
#include <sys/types.h>

#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "loop/timers.h"
#include "sys/unique_fd.h"

namespace tend {

/// A signal tend received: which, from whom, and how it was sent (siginfo's si_code).
struct ReceivedSignal {
  int signo;
  pid_t sender;
  int code;

  bool sent_by_kernel() const { return code == SI_KERNEL; }
};

/// Time left until `deadline`, for the wait: nullopt (sleep forever) without a deadline, zero once
/// it has passed.
[[nodiscard]] std::optional<timespec> time_left(std::optional<TimePoint> deadline, TimePoint now);

class EventLoop {
 public:
  using Handler = std::function<void()>;
  using SignalHandler = std::function<void(const ReceivedSignal&)>;

  /// Every signal must be blocked already (take_over_signals): they are read from a signalfd.
  /// Returns nullopt, errno set, when the signalfd cannot be made.
  [[nodiscard]] static std::optional<EventLoop> create(SignalHandler on_signal);

  /// Calls `handler` whenever `fd` is readable (or hung up), until unwatched. The fd becomes
  /// non-blocking. Returns false, errno set, on failure.
  [[nodiscard]] bool watch(int fd, Handler handler);
  /// Calls `handler` whenever `fd` can be written to (or has an error), until unwatched. The fd's
  /// flags are left alone: it may be shared with other processes.
  [[nodiscard]] bool watch_writable(int fd, Handler handler);
  void unwatch(int fd);

  /// Sleeps until a signal, a readable watched fd, or `deadline` (forever without one), then
  /// runs the handlers of the signals taken and of every readable fd.
  void wait_once(std::optional<TimePoint> deadline);

 private:
  EventLoop(UniqueFd epoll, UniqueFd signals, SignalHandler on_signal)
      : epoll_(std::move(epoll)), signals_(std::move(signals)), on_signal_(std::move(on_signal)) {}
  [[nodiscard]] bool add(int fd, uint32_t events = EPOLLIN);
  void take_signals();
  void run_handler(int fd);

  UniqueFd epoll_;
  UniqueFd signals_;
  SignalHandler on_signal_;
  std::vector<std::pair<int, Handler>> watched_;
};

}  // namespace tend
