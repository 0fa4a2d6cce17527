// SPDX-License-Identifier: MIT
// Restart decisions and back-off across runs of COMMAND, as Docker's --restart does them.
#include "service/restart.h"

#include <algorithm>
#include <climits>

namespace tend {

std::optional<Millis> RestartTracker::after_run(bool failed, Millis run_length) {
  using Mode = RestartPolicy::Mode;
  if (run_length >= healthy_run_) {
    restarts_ = 0;
    next_delay_ = base_delay_;
  }
  if (policy_.mode == Mode::kNo || (policy_.mode == Mode::kOnFailure && !failed)) {
    return std::nullopt;
  }
  if (policy_.max_restarts && restarts_ >= *policy_.max_restarts) return std::nullopt;
  Millis delay = next_delay_;
  next_delay_ = next_delay_ >= max_delay_ / 2 ? max_delay_ : std::min(next_delay_ * 2, max_delay_);
  delay = std::min(delay, max_delay_);
  // Saturates: --restart always with no delay could count past INT_MAX in a few weeks.
  if (restarts_ < INT_MAX) ++restarts_;
  return delay;
}

}  // namespace tend
