// SPDX-License-Identifier: MIT
// EventLoop: tend's one sleep, which ends at a signal, a readable descriptor or a deadline.
#include "loop/event_loop.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "sys/signals.h"

namespace tend {
namespace {

/// Signals taken with one read; more wait for the next wake-up, which comes at once.
constexpr size_t kSignalsPerRead = 16;
/// Descriptors reported by one wait: the signalfd and the few tend watches.
constexpr int kEventsPerWait = 8;

/// epoll_pwait2 (Linux 5.11) takes the timeout to the nanosecond; before it, epoll_wait's
/// milliseconds are rounded up, so that a deadline is never woken for early.
int wait_for_events(int epoll, epoll_event* events, const std::optional<timespec>& timeout) {
  static bool has_pwait2 = true;
  if (has_pwait2) {
    int got = static_cast<int>(syscall(SYS_epoll_pwait2, epoll, events, kEventsPerWait,
                                       timeout ? &*timeout : nullptr, nullptr, 0));
    if (got >= 0 || errno != ENOSYS) return got;
    has_pwait2 = false;
  }
  int millis = -1;
  if (timeout) {
    long long ms = timeout->tv_sec * 1000LL + (timeout->tv_nsec + 999999) / 1000000;
    millis = static_cast<int>(std::min<long long>(ms, 1LL << 30));
  }
  return epoll_wait(epoll, events, kEventsPerWait, millis);
}

}  // namespace

std::optional<timespec> time_left(std::optional<TimePoint> deadline, TimePoint now) {
  if (!deadline) return std::nullopt;
  if (*deadline <= now) return timespec{0, 0};
  auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(*deadline - now).count();
  return timespec{static_cast<time_t>(left / 1000000000), static_cast<long>(left % 1000000000)};
}

std::optional<EventLoop> EventLoop::create(SignalHandler on_signal) {
  UniqueFd epoll(epoll_create1(EPOLL_CLOEXEC));
  UniqueFd signals(open_signalfd_for_every_signal());
  if (!epoll.is_open() || !signals.is_open()) return std::nullopt;
  EventLoop loop(std::move(epoll), std::move(signals), std::move(on_signal));
  if (!loop.add(loop.signals_.get())) return std::nullopt;
  return loop;
}

bool EventLoop::add(int fd, uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  return epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) == 0;
}

bool EventLoop::watch(int fd, Handler handler) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 || !add(fd)) return false;
  watched_.emplace_back(fd, std::move(handler));
  return true;
}

bool EventLoop::watch_writable(int fd, Handler handler) {
  if (!add(fd, EPOLLOUT)) return false;
  watched_.emplace_back(fd, std::move(handler));
  return true;
}

void EventLoop::unwatch(int fd) {
  epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  std::erase_if(watched_, [fd](const auto& entry) { return entry.first == fd; });
}

void EventLoop::wait_once(std::optional<TimePoint> deadline) {
  // No deadline (the common case): back to sleep after a forwarded signal without a clock read.
  std::optional<timespec> timeout = time_left(deadline, deadline ? Clock::now() : TimePoint{});
  epoll_event events[kEventsPerWait];
  // EINTR cannot come from tend's own signals (all blocked), but a debugger attaching or a
  // SIGSTOP/SIGCONT pair can cause it: the caller simply waits again.
  int ready = wait_for_events(epoll_.get(), events, timeout);
  if (ready <= 0) return;
  // Signals first: a descriptor flooded by a writer must not hold up a stop.
  for (int i = 0; i < ready; ++i) {
    if (events[i].data.fd == signals_.get()) take_signals();
  }
  for (int i = 0; i < ready; ++i) {
    if (events[i].data.fd != signals_.get()) run_handler(events[i].data.fd);
  }
}

void EventLoop::take_signals() {
  signalfd_siginfo infos[kSignalsPerRead];
  ssize_t got = read(signals_.get(), infos, sizeof infos);
  if (got <= 0) return;  // EAGAIN: another reader cannot exist, but never block here.
  for (size_t i = 0; i < static_cast<size_t>(got) / sizeof infos[0]; ++i) {
    on_signal_(ReceivedSignal{static_cast<int>(infos[i].ssi_signo),
                              static_cast<pid_t>(infos[i].ssi_pid), infos[i].ssi_code});
  }
}

/// Handlers may watch and unwatch (their own fd too), so each is looked up again when its turn
/// comes, and run from a copy.
void EventLoop::run_handler(int fd) {
  auto entry = std::find_if(watched_.begin(), watched_.end(),
                            [fd](const auto& watched) { return watched.first == fd; });
  if (entry == watched_.end()) return;  // An earlier handler unwatched it.
  Handler run = entry->second;
  run();
}

}  // namespace tend
