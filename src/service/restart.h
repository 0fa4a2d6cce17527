// SPDX-License-Identifier: MIT
// Restart decisions and back-off across runs of COMMAND, as Docker's --restart does them.
#pragma once

#include <optional>

#include "cli/options.h"

namespace tend {

class RestartTracker {
 public:
  explicit RestartTracker(const Options& options)
      : policy_(options.restart),
        base_delay_(options.restart_delay),
        max_delay_(options.restart_delay_max),
        healthy_run_(options.restart_reset),
        next_delay_(options.restart_delay) {}

  /// Records a run that ended after `run_length`; `failed` when it exited non-zero, died of a
  /// signal, or missed readiness or its watchdog. Returns the wait before the next run, or
  /// nullopt when COMMAND is not to be started again.
  std::optional<Millis> after_run(bool failed, Millis run_length);

  int restarts() const { return restarts_; }

 private:
  RestartPolicy policy_;
  Millis base_delay_;
  Millis max_delay_;
  Millis healthy_run_;
  Millis next_delay_;
  int restarts_ = 0;
};

}  // namespace tend
