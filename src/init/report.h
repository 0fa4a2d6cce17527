// SPDX-License-Identifier: MIT
// How tend reports failures and sends signals: one wording, expected errno values as outcomes.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "init/exit_status.h"

namespace tend {

/// Prints "tend: WHAT" on stderr, whatever the log level.
void report_error(std::string_view what);

/// Reports "WHAT: strerror(errno)" and returns exit 125, for setup failures.
TendExit system_failure(std::string_view what);

/// Reports a usage problem found at setup ("... Run 'tend --help'") and returns exit 125.
TendExit usage_failure(std::string_view what);

/// Why exec of `command` failed with `error`, for "cannot run 'COMMAND': ...": strerror, or for
/// a script whose "#!" interpreter is missing (ENOENT of a file that is there), that interpreter.
std::string describe_exec_error(const std::string& command, int error);

/// kill(2) where a vanished target (ESRCH) is an expected outcome, not an error.
bool send_signal(pid_t target, int signo);

}  // namespace tend
