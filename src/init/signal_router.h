// SPDX-License-Identifier: MIT
// Where a received signal goes: the pure decision, separate from sending it.
#pragma once

#include "cli/options.h"

namespace tend {

/// What to do with one received signal.
struct SignalAction {
  int forward = 0;           ///< Signal to send on, 0 for none.
  bool begins_stop = false;  ///< A stop request: start (or keep) the grace period.
};

/// SIGTERM, SIGINT and SIGQUIT ask tend to stop COMMAND.
bool is_stop_signal(int signo);

/// Decides for `received` after the user's rewrites; SIGCHLD is tend's own and never forwarded.
SignalAction route_signal(int received, const SignalRewrites& rewrites);

}  // namespace tend
