// SPDX-License-Identifier: MIT
// Exit codes are an interface: how COMMAND's wait status becomes tend's own exit.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace tend {

/// tend itself failed: bad usage, or a system call before COMMAND started.
inline constexpr int kExitTendFailure = 125;
/// COMMAND was found but could not be executed.
inline constexpr int kExitCannotExecute = 126;
/// COMMAND was not found.
inline constexpr int kExitNotFound = 127;

/// How a child ended, decoded from a wait status.
struct ChildStatus {
  bool signaled = false;
  int value = 0;  ///< Exit code, or the signal number when signaled.

  static ChildStatus from_wait_status(int status);
  /// The shell's view: the exit code, or 128 + signal.
  int shell_code() const { return signaled ? 128 + value : value; }
  /// "exit code 3" or "signal SIGTERM"; logging it as `{}` builds the text only when the line
  /// is written.
  std::string describe() const;
};

/// What tend does at the very end: exit with `code`, or first try to die of `signal`.
struct [[nodiscard]] TendExit {
  int code = 0;
  int signal = 0;  ///< Non-zero: end by this signal (tend is not PID 1), `code` is the fallback.
};

/// Maps COMMAND's status to tend's exit; `success` codes (128+N for signal N) become 0.
TendExit decide_exit(ChildStatus status, bool is_pid1, const std::set<int>& success);

/// Exit code for a COMMAND that could not be executed, by errno of execvp.
int exit_code_for_exec_error(int error);

}  // namespace tend

template <>
struct fmt::formatter<tend::ChildStatus> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(const tend::ChildStatus& status, Context& context) const {
    return fmt::formatter<std::string_view>::format(status.describe(), context);
  }
};
