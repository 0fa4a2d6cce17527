// SPDX-License-Identifier: MIT
// How tend reports failures: one wording for errors, and exit 125 for those of setup.
#pragma once

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

}  // namespace tend
