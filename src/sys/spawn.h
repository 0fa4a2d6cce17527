// SPDX-License-Identifier: MIT
// Starting COMMAND: a vfork-like clone that sets the child up and execs, and what went wrong.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "sys/accounts.h"
#include "sys/signals.h"

namespace tend {

/// How the child is set up between fork and exec.
struct SpawnRequest {
  std::vector<std::string> argv;
  std::vector<std::string> env;               ///< The whole environment, "NAME=value" each.
  std::vector<std::string> env_pid_names;     ///< Set in the child to its own pid (LISTEN_PID).
  const InheritedSignals* signals = nullptr;  ///< Restored in the child; required.
  bool new_process_group = true;
  int foreground_tty = -1;  ///< When >= 0, the child's group becomes this terminal's foreground.
  int ready_fd = -1;        ///< When >= 0, `ready_fd_source` is handed to the child as this fd.
  int ready_fd_source = -1;
  /// When >= 0, handed to the child as its stdin, stdout, stderr (else it keeps tend's).
  int stdio[3] = {-1, -1, -1};
  const Account* account = nullptr;  ///< When set, the child drops to this user and groups.
  bool no_new_privs = false;
};

/// Where the child failed before COMMAND ran.
enum class SpawnStage { kFork, kSetup, kExec };

struct SpawnResult {
  pid_t pid = -1;  ///< The child's pid, also when it failed after fork (it must still be reaped).
  int error = 0;   ///< errno of the failure, 0 when COMMAND is running.
  SpawnStage stage = SpawnStage::kExec;

  bool ok() const { return error == 0; }
};

/// Starts the request as a new process; returns once the exec succeeded or failed.
[[nodiscard]] SpawnResult spawn(const SpawnRequest& request);

}  // namespace tend
