// SPDX-License-Identifier: MIT
// Signal names and numbers as users type them: "TERM", "sigterm", "15", "RTMIN+2".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tend {

/// Parses a signal by name (with or without "SIG", any case) or number (1..SIGRTMAX).
std::optional<int> parse_signal(std::string_view text);

/// "SIGTERM", "SIGRTMIN+2", or "signal 99" for a number without a name.
std::string signal_name(int signo);

}  // namespace tend
