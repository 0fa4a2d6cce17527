// SPDX-License-Identifier: MIT
// Run: what Init knows of one run of COMMAND, replaced whole when the next run starts.
#pragma once

#include <sys/types.h>

#include <optional>

#include "cli/duration.h"
#include "init/exit_status.h"
#include "loop/timers.h"
#include "sys/unique_fd.h"

namespace tend {

/// One run of COMMAND, from its start until nothing of it is left. Nothing of a run carries
/// over to the next: what does (the restart count, a stop request) is Init's own.
struct Run {
  TimePoint started{};
  std::optional<Millis> watchdog{};  ///< --watchdog, until COMMAND sets another (WATCHDOG_USEC=).
  pid_t command_pid = -1;            ///< What tend spawned (COMMAND, or a daemon's launcher).
  bool command_reaped = false;       ///< command_pid names nothing of tend's any more.
  bool launcher_exited = false;      ///< --pidfile: the launcher ended; its daemon should run.
  pid_t main_pid = -1;               ///< Whose exit ends the run (COMMAND, the daemon, or MAINPID).
  pid_t main_group = 0;              ///< Process group signals go to; 0 means main_pid alone.
  UniqueFd main_pidfd{};             ///< Holds an adopted main process (not command_pid).
  UniqueFd ready_pipe{};             ///< --ready-fd: the end tend reads, until COMMAND closes its.
  bool reported_ready_early = false;  ///< COMMAND said ready before its main process was known.
  bool is_ready = false;
  int pending_stop_signal = 0;  ///< --stop-delay: the stop signal forwarded when it is over.
  bool failed = false;          ///< The run counts as failed for the restart policy.
  bool setup_failed = false;    ///< The run never got a main process (pid file problems).
  ChildStatus status{};         ///< How it ended; the last run's decides tend's exit.
};

}  // namespace tend
