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

/// The longest finite duration tend accepts: 100 years of 365 days, 876000h. Anything longer is
/// a typo or meant as inf, and a deadline this far ahead still fits the steady clock (292 years
/// of nanoseconds from boot).
inline constexpr Millis kLongestDuration = std::chrono::hours(876'000);

/// Why a text is not a duration tend accepts.
enum class DurationError { kMalformed, kTooLong };

/// Parses a non-negative duration; a bare number is seconds, a fraction of a millisecond counts
/// as a whole one. Returns nullopt when malformed or longer than kLongestDuration, and then sets
/// `*error` (when given) to say which.
[[nodiscard]] std::optional<Millis> parse_duration(std::string_view text,
                                                   DurationError* error = nullptr);

/// Formats a duration the way parse_duration reads it: "10s", "1.5s", "250ms", "inf".
std::string format_duration(Millis duration);

}  // namespace tend
