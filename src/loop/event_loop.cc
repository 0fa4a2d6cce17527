// SPDX-License-Identifier: MIT
// EventLoop: tend's one sleep, which ends at a signal, a readable descriptor or a deadline.
#include "loop/event_loop.h"

#include <fcntl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "sys/signals.h"

namespace tend {
namespace {

/// Signals taken with one read; more wait for the next wake-up, which comes at once.
constexpr size_t kSignalsPerRead = 16;

bool is_readable(short revents) { return (revents & (POLLIN | POLLHUP | POLLERR)) != 0; }

}  // namespace

std::optional<timespec> time_left(std::optional<TimePoint> deadline, TimePoint now) {
  if (!deadline) return std::nullopt;
  if (*deadline <= now) return timespec{0, 0};
  auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(*deadline - now).count();
  return timespec{static_cast<time_t>(left / 1000000000), static_cast<long>(left % 1000000000)};
}

std::optional<EventLoop> EventLoop::create(SignalHandler on_signal) {
  UniqueFd fd(open_signalfd_for_every_signal());
  if (!fd.is_open()) return std::nullopt;
  EventLoop loop(std::move(fd), std::move(on_signal));
  loop.polled_.push_back({loop.signals_.get(), POLLIN, 0});
  return loop;
}

bool EventLoop::watch(int fd, Handler handler) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) return false;
  watched_.emplace_back(fd, std::move(handler));
  polled_.push_back({fd, POLLIN, 0});
  return true;
}

void EventLoop::unwatch(int fd) {
  std::erase_if(watched_, [fd](const auto& entry) { return entry.first == fd; });
  std::erase_if(polled_, [this, fd](const pollfd& entry) {
    return entry.fd == fd && entry.fd != signals_.get();
  });
}

void EventLoop::wait_once(std::optional<TimePoint> deadline) {
  // No deadline (the common case): back to sleep after a forwarded signal without a clock read.
  std::optional<timespec> timeout = time_left(deadline, deadline ? Clock::now() : TimePoint{});
  // EINTR cannot come from tend's own signals (all blocked), but a debugger attaching or a
  // SIGSTOP/SIGCONT pair can cause it: the caller simply waits again.
  if (ppoll(polled_.data(), polled_.size(), timeout ? &*timeout : nullptr, nullptr) <= 0) return;
  // Signals first: a descriptor flooded by a writer must not hold up a stop.
  if (is_readable(polled_.front().revents)) take_signals();
  run_ready_handlers();
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

/// Runs the handler of every watched fd that ppoll found readable. Handlers may watch and unwatch
/// (their own fd too), so each is looked up again and run from a copy.
void EventLoop::run_ready_handlers() {
  std::vector<pollfd> ready;
  for (size_t i = 1; i < polled_.size(); ++i) {
    if (polled_[i].revents != 0) ready.push_back(polled_[i]);
  }
  for (const pollfd& fd : ready) {
    if (fd.revents & POLLNVAL) {
      unwatch(fd.fd);  // Closed without unwatch: a bug, but no reason to spin.
      continue;
    }
    if (!is_readable(fd.revents)) continue;
    auto entry = std::find_if(watched_.begin(), watched_.end(),
                              [&fd](const auto& watched) { return watched.first == fd.fd; });
    if (entry == watched_.end()) continue;  // An earlier handler unwatched it.
    Handler run = entry->second;
    run();
  }
}

}  // namespace tend
