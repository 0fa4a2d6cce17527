// SPDX-License-Identifier: MIT
// Signal names and numbers as users type them: "TERM", "sigterm", "15", "RTMIN+2".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace tend {

/// Parses a signal by name (with or without "SIG", any case) or number (1..SIGRTMAX).
[[nodiscard]] std::optional<int> parse_signal(std::string_view text);

/// "SIGTERM", "SIGRTMIN+2", or "signal 99" for a number without a name.
std::string signal_name(int signo);

/// A signal to log: formatted as signal_name() only when the line is actually written, so
/// that a disabled debug line costs nothing on the forwarding path.
struct SignalLabel {
  int signo;
};

}  // namespace tend

template <>
struct fmt::formatter<tend::SignalLabel> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(tend::SignalLabel label, Context& context) const {
    return fmt::formatter<std::string_view>::format(tend::signal_name(label.signo), context);
  }
};
