// SPDX-License-Identifier: MIT
// Parsing of human durations such as "500ms", "1.5s", "1m", "10" (seconds) and "inf".
#include "cli/duration.h"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace tend {
namespace {

/// Milliseconds in one unit, or 0 for an unknown unit.
double unit_millis(std::string_view unit) {
  if (unit.empty() || unit == "s") return 1000.0;
  if (unit == "ms") return 1.0;
  if (unit == "us") return 0.001;
  if (unit == "m") return 60'000.0;
  if (unit == "h") return 3'600'000.0;
  return 0.0;
}

bool is_number_char(char c) { return (c >= '0' && c <= '9') || c == '.'; }

}  // namespace

std::optional<Millis> parse_duration(std::string_view text, DurationError* error) {
  if (text == "inf" || text == "infinity") return kForever;
  if (error != nullptr) *error = DurationError::kMalformed;  // Unless it turns out too long.
  size_t digits = 0;
  while (digits < text.size() && is_number_char(text[digits])) ++digits;
  std::string number(text.substr(0, digits));
  if (number.empty() || number.front() == '.' || number.back() == '.') return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size()) return std::nullopt;  // e.g. "1.2.3"
  double per_unit = unit_millis(text.substr(digits));
  if (per_unit == 0.0) return std::nullopt;
  double millis = std::ceil(value * per_unit);
  if (!std::isfinite(millis) || millis > static_cast<double>(kLongestDuration.count())) {
    if (error != nullptr) *error = DurationError::kTooLong;
    return std::nullopt;
  }
  return Millis(static_cast<Millis::rep>(millis));
}

std::string format_duration(Millis duration) {
  if (duration == kForever) return "inf";
  auto ms = duration.count();
  if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  if (ms > 1000) return fmt::format("{}s", static_cast<double>(ms) / 1000.0);
  return fmt::format("{}ms", ms);
}

}  // namespace tend
