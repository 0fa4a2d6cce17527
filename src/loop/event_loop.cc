// SPDX-License-Identifier: MIT
// EventLoop: one epoll set of descriptors, and a sleep that ends at an event or a deadline.
#include "loop/event_loop.h"

#include <sys/epoll.h>

#include <cerrno>
#include <climits>
#include <vector>

namespace tend {

int timeout_millis(std::optional<TimePoint> deadline, TimePoint now) {
  if (!deadline) return -1;
  if (*deadline <= now) return 0;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - now).count();
  return left > INT_MAX ? INT_MAX : static_cast<int>(left);
}

std::optional<EventLoop> EventLoop::create() {
  int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return std::nullopt;
  return EventLoop(UniqueFd(fd));
}

bool EventLoop::watch(int fd, Handler handler) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = fd;
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) return false;
  handlers_[fd] = std::move(handler);
  return true;
}

void EventLoop::unwatch(int fd) {
  epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  handlers_.erase(fd);
}

void EventLoop::wait_once(std::optional<TimePoint> deadline) {
  epoll_event events[8];
  // No deadline (the common case): back to sleep after a forwarded signal without a clock read.
  int timeout = deadline ? timeout_millis(deadline, Clock::now()) : -1;
  int ready = epoll_wait(epoll_.get(), events, 8, timeout);
  // EINTR cannot come from tend's own signals (all blocked); a debugger attaching can cause it.
  for (int i = 0; i < ready; ++i) {
    auto handler = handlers_.find(events[i].data.fd);
    if (handler == handlers_.end()) continue;
    Handler run = handler->second;  // A copy: the handler may unwatch its own fd.
    run();
  }
}

}  // namespace tend
