// SPDX-License-Identifier: MIT
// COMMAND's environment: tend's own, with the sd_notify, socket-activation and user variables
// that belong to COMMAND rather than to tend.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "cli/duration.h"

namespace tend {

struct CommandEnvironment {
  std::optional<std::string> notify_socket;  ///< NOTIFY_SOCKET for COMMAND.
  std::optional<int> listen_fds;             ///< Passed-through socket activation.
  std::optional<Millis> watchdog;            ///< WATCHDOG_USEC for COMMAND.
  std::optional<std::string> home;           ///< HOME of the user COMMAND runs as.
};

/// Names whose value the child sets to its own pid (see SpawnRequest::env_pid_names).
std::vector<std::string> command_pid_variables(const CommandEnvironment& settings);

/// tend's environment `inherited` ("NAME=value" each) adjusted for COMMAND.
std::vector<std::string> build_command_environment(const std::vector<std::string>& inherited,
                                                   const CommandEnvironment& settings);

/// Socket activation handed to a process `self`: how many descriptors, from 3 up, LISTEN_FDS
/// gives when LISTEN_PID names `self`. nullopt when either is unset or names another process, or
/// LISTEN_FDS is 0; also nullopt, with `problem` saying why, when LISTEN_FDS is not a count from
/// 1 to `fd_limit` - 3.
[[nodiscard]] std::optional<int> listen_fds_for(const char* listen_pid, const char* listen_fds,
                                                pid_t self, long fd_limit, std::string& problem);

/// listen_fds_for tend itself, from its environment; a problem is logged as a warning.
[[nodiscard]] std::optional<int> inherited_listen_fds();

/// The current process's environment as strings.
std::vector<std::string> current_environment();

}  // namespace tend
