// SPDX-License-Identifier: MIT
// Timers: named deadlines, of which the event loop sleeps until the earliest.
#include "loop/timers.h"

#include <algorithm>

namespace tend {

TimePoint deadline_after(TimePoint now, std::chrono::milliseconds after) {
  // Milliseconds hold 1e6 times more than the clock's nanoseconds: compare before converting.
  constexpr auto kLongest = std::chrono::floor<std::chrono::milliseconds>(Clock::duration::max());
  if (after <= std::chrono::milliseconds(0)) return now;
  if (after >= kLongest) return TimePoint::max();
  Clock::duration step = after;
  return now > TimePoint::max() - step ? TimePoint::max() : now + step;
}

std::optional<TimePoint> Timers::earliest_armed() const {
  std::optional<TimePoint> first;
  for (const auto& deadline : deadlines_) {
    if (deadline && (!first || *deadline < *first)) first = deadline;
  }
  return first;
}

std::vector<TimerId> Timers::take_expired(TimePoint now) {
  std::vector<TimerId> expired;
  for (size_t i = 0; i < deadlines_.size(); ++i) {
    if (deadlines_[i] && *deadlines_[i] <= now) expired.push_back(static_cast<TimerId>(i));
  }
  std::sort(expired.begin(), expired.end(),
            [this](TimerId a, TimerId b) { return *deadline(a) < *deadline(b); });
  for (TimerId id : expired) disarm(id);
  return expired;
}

}  // namespace tend
