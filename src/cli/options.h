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

 private:
  std::array<int, kMaxSignal + 1> to_{};
};

struct Options {
  std::vector<std::string> command;
  bool single_child = false;
  bool no_tty = false;
  Millis grace = std::chrono::seconds(10);
  SignalRewrites rewrites;
  std::set<int> success_exits;
  std::optional<int> pdeathsig;
  int verbosity = 0;
};

/// Either Options to run with, or an exit code and text to print (help, version, an error).
struct ParseOutcome {
  std::optional<Options> options;
  int exit_code = 0;
  std::string message;  ///< Printed to stdout when exit_code is 0, to stderr otherwise.
};

/// Parses argv and the TEND_* variables of the environment; the command line wins.
ParseOutcome parse_options(int argc, const char* const* argv);

/// Index of the first word of COMMAND in args (after a "--" if there is one), or args.size().
/// `takes_value` says whether an option name such as "-t" or "--grace" consumes a value.
size_t find_command_start(const std::vector<std::string>& args,
                          const std::function<bool(const std::string&)>& takes_value);

/// Parses "FROM:TO" (signal names or numbers, TO may be 0); nullopt when malformed.
std::optional<std::pair<int, int>> parse_rewrite(std::string_view text);

/// "tend version 0.1.0 - git.abc1234", the form `docker info` parses.
std::string version_line();

}  // namespace tend
