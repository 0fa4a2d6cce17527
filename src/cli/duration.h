// SPDX-License-Identifier: MIT
// Parsing of human durations such as "500ms", "1.5s", "1m", "10" (seconds) and "inf".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tend {

using Millis = std::chrono::milliseconds;

/// A duration that never elapses ("inf").
inline constexpr Millis kForever = Millis::max();

/// Parses a non-negative duration; a bare number is seconds. Returns nullopt when malformed.
std::optional<Millis> parse_duration(std::string_view text);

/// Formats a duration the way parse_duration reads it: "10s", "1.5s", "250ms", "inf".
std::string format_duration(Millis duration);

}  // namespace tend
