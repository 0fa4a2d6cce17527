// SPDX-License-Identifier: MIT
// What the user asked for: plain data filled from the command line and TEND_* variables.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/duration.h"

namespace tend {

/// Highest signal number tend knows (the kernel's _NSIG - 1).
inline constexpr int kMaxSignal = 64;

/// Rewrites of forwarded signals: to[from] is the signal sent instead of `from`, 0 drops it.
class SignalRewrites {
 public:
  SignalRewrites();
  void set(int from, int to) { to_[from] = to; }
  int apply(int signo) const { return signo > 0 && signo <= kMaxSignal ? to_[signo] : signo; }
  bool operator==(const SignalRewrites&) const = default;

 private:
  std::array<int, kMaxSignal + 1> to_{};
};

/// When COMMAND is started again after it ended (Docker's --restart words).
struct RestartPolicy {
  enum class Mode { kNo, kOnFailure, kAlways };
  Mode mode = Mode::kNo;
  std::optional<int> max_restarts;  ///< on-failure:MAX; none means no cap.
  bool operator==(const RestartPolicy&) const = default;
};

/// Parses "no", "on-failure", "on-failure:MAX" or "always"; nullopt when malformed.
[[nodiscard]] std::optional<RestartPolicy> parse_restart_policy(std::string_view text);

struct Options {
  std::vector<std::string> command;
  bool single_child = false;
  bool no_tty = false;
  Millis grace = std::chrono::seconds(10);
  SignalRewrites rewrites;
  std::set<int> success_exits;
  std::optional<int> pdeathsig;
  int verbosity = 0;

  // Supervision (restart, forking daemons, readiness, privileges).
  RestartPolicy restart;
  Millis restart_delay = std::chrono::milliseconds(100);
  Millis restart_delay_max = std::chrono::minutes(1);
  Millis restart_reset = std::chrono::seconds(10);
  std::string pidfile;  ///< Empty: COMMAND itself is the main process.
  Millis pidfile_timeout = std::chrono::seconds(30);
  std::optional<int> ready_fd;
  std::string ready_file;
  std::optional<Millis> ready_timeout;
  std::optional<Millis> watchdog;
  Millis stop_delay = Millis(0);
  std::string user;  ///< "USER[:GROUP]", resolved when tend starts; empty keeps tend's.
  bool no_new_privs = false;

  // Several services (--procfile) instead of COMMAND.
  std::string procfile;    ///< Empty: run COMMAND.
  bool no_prefix = false;  ///< Services write to tend's stdout and stderr directly.

  /// Whether tend waits for COMMAND to report readiness (otherwise it is ready once started).
  bool awaits_readiness() const {
    return ready_fd || !ready_file.empty() || ready_timeout || watchdog;
  }
  bool restarts() const { return restart.mode != RestartPolicy::Mode::kNo; }
  bool operator==(const Options&) const = default;
};

/// Either Options to run with, or an exit code and text to print (help, version, an error).
struct ParseOutcome {
  std::optional<Options> options;
  int exit_code = 0;
  std::string message;  ///< Printed to stdout when exit_code is 0, to stderr otherwise.
  std::vector<std::string> warnings;  ///< Printed to stderr as "tend: warning: ...", whatever else.
};

/// Parses argv and the TEND_* variables of the environment; the command line wins.
[[nodiscard]] ParseOutcome parse_options(int argc, const char* const* argv);

/// Index of the first word of COMMAND in args (after a "--" if there is one), or args.size().
/// `takes_value` says whether an option name such as "-t" or "--grace" consumes a value.
size_t find_command_start(const std::vector<std::string>& args,
                          const std::function<bool(const std::string&)>& takes_value);

/// Parses "FROM:TO" (signal names or numbers, TO may be 0); nullopt when malformed.
[[nodiscard]] std::optional<std::pair<int, int>> parse_rewrite(std::string_view text);

/// RLIMIT_NOFILE's soft limit (INT_MAX when unlimited): dup2 refuses a descriptor number at or
/// above it, so every descriptor COMMAND is handed must be below it.
long descriptor_limit();

/// "tend version 0.1.0 - git.abc1234", the form `docker info` parses.
std::string version_line();

}  // namespace tend
