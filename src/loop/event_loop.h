// SPDX-License-Identifier: MIT
// EventLoop: one epoll set of descriptors, and a sleep that ends at an event or a deadline.
#pragma once

#include <functional>
#include <optional>
#include <unordered_map>

#include "loop/timers.h"
#include "sys/unique_fd.h"

namespace tend {

class EventLoop {
 public:
  using Handler = std::function<void()>;

  /// Returns nullopt (errno set) when epoll cannot be created.
  static std::optional<EventLoop> create();

  /// Calls `handler` whenever `fd` is readable (or hung up). Returns false on failure.
  bool watch(int fd, Handler handler);
  void unwatch(int fd);

  /// Sleeps until a watched fd is ready or `deadline` passes (forever without one), then runs
  /// the handlers of the ready fds.
  void wait_once(std::optional<TimePoint> deadline);

 private:
  explicit EventLoop(UniqueFd epoll) : epoll_(std::move(epoll)) {}
  UniqueFd epoll_;
  std::unordered_map<int, Handler> handlers_;
};

/// Milliseconds epoll must wait for `deadline` to have passed (rounded up), -1 for none.
int timeout_millis(std::optional<TimePoint> deadline, TimePoint now);

}  // namespace tend
