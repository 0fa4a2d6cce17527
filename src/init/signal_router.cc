// SPDX-License-Identifier: MIT
// Where a received signal goes: the pure decision, separate from sending it.
#include "init/signal_router.h"

#include <csignal>

namespace tend {

bool is_stop_signal(int signo) { return signo == SIGTERM || signo == SIGINT || signo == SIGQUIT; }

SignalAction route_signal(int received, const SignalRewrites& rewrites) {
  if (received == SIGCHLD) return {};
  int forward = rewrites.apply(received);
  return {forward, forward != 0 && is_stop_signal(received)};
}

}  // namespace tend
