// SPDX-License-Identifier: MIT
// Timers: named deadlines, of which the event loop sleeps until the earliest.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <vector>

namespace tend {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

/// `now + after`, or TimePoint::max() (never) when that is past what the clock can hold: a
/// duration from the command line or from COMMAND (inf, a huge EXTEND_TIMEOUT_USEC=) must mean
/// "later", and `now + after` would wrap into the past and fire at once. Negative is now.
TimePoint deadline_after(TimePoint now, std::chrono::milliseconds after);

/// Every deadline tend may be waiting for.
enum class TimerId {
  kGrace,
  kStopDelay,
  kBackoff,
  kReady,
  kWatchdog,
  kPidFile,
  kNotifyPause,  ///< Strangers flooded the notify socket: it is not read until then.
  kGiveUp,       ///< After SIGKILL: stop waiting for what tend cannot see or signal.
  kCount
};

class Timers {
 public:
  void arm(TimerId id, TimePoint when) {
    slot(id) = when;
    armed_ |= bit(id);
  }
  void disarm(TimerId id) {
    slot(id).reset();
    armed_ &= ~bit(id);
  }
  bool is_armed(TimerId id) const { return (armed_ & bit(id)) != 0; }
  bool any_armed() const { return armed_ != 0; }
  [[nodiscard]] std::optional<TimePoint> deadline(TimerId id) const {
    return deadlines_[index(id)];
  }

  /// The earliest armed deadline, or nullopt when nothing is armed (sleep without a timeout).
  [[nodiscard]] std::optional<TimePoint> earliest() const {
    return any_armed() ? earliest_armed() : std::nullopt;
  }

  /// Disarms and returns every timer whose deadline is at or before `now`, earliest first.
  std::vector<TimerId> take_expired(TimePoint now);

 private:
  [[nodiscard]] std::optional<TimePoint> earliest_armed() const;
  static size_t index(TimerId id) { return static_cast<size_t>(id); }
  static unsigned bit(TimerId id) { return 1u << index(id); }
  std::optional<TimePoint>& slot(TimerId id) { return deadlines_[index(id)]; }

  std::array<std::optional<TimePoint>, static_cast<size_t>(TimerId::kCount)> deadlines_{};
  unsigned armed_ = 0;  // One bit per armed timer: the loop asks after every signal.
};

}  // namespace tend
