// SPDX-License-Identifier: MIT
// Parsing of human durations such as "500ms", "1.5s", "1m", "10" (seconds) and "inf".
#include "cli/duration.h"

#include <cstdint>

#include <fmt/format.h>

#include "sys/parse_whole.h"

namespace tend {
namespace {

/// Microseconds in one unit, or 0 for an unknown unit.
uint64_t unit_micros(std::string_view unit) {
  if (unit.empty() || unit == "s") return 1'000'000;
  if (unit == "ms") return 1'000;
  if (unit == "us") return 1;
  if (unit == "m") return 60'000'000;
  if (unit == "h") return 3'600'000'000;
  return 0;
}

/// Longer durations are refused (kLongestDuration, 100 years).
constexpr uint64_t kLimitMillis = static_cast<uint64_t>(kLongestDuration.count());

bool is_number_char(char c) { return (c >= '0' && c <= '9') || c == '.'; }

/// The value of plain decimal digits; nullopt when malformed, or too long (then `*error` says so).
std::optional<uint64_t> parse_digits(std::string_view digits, DurationError* error) {
  WholeNumberError why = WholeNumberError::kMalformed;
  std::optional<uint64_t> value = parse_whole<uint64_t>(digits, &why);
  if (!value && why == WholeNumberError::kOutOfRange && error != nullptr) {
    *error = DurationError::kTooLong;
  }
  return value;
}

/// A duration in whole microseconds, and whether a part of one more is left over.
struct Micros {
  uint64_t whole = 0;
  bool has_rest = false;
};

/// The digits after a decimal point times `unit`, by long multiplication from the last digit:
/// exact for any number of digits.
Micros multiply_fraction(std::string_view fraction, uint64_t unit) {
  Micros micros;
  for (auto digit = fraction.rbegin(); digit != fraction.rend(); ++digit) {
    uint64_t product = static_cast<uint64_t>(*digit - '0') * unit + micros.whole;
    micros.has_rest = micros.has_rest || product % 10 != 0;
    micros.whole = product / 10;
  }
  return micros;
}

/// "WHOLE" or "WHOLE.FRACTION" units of `unit` microseconds, in decimal rather than binary
/// floating point: 2.023 has no exact double, and 2.023 * 1000 in doubles is 2023.0000000000002.
std::optional<Micros> decimal_micros(std::string_view number, uint64_t unit, DurationError* error) {
  size_t dot = number.find('.');
  auto whole = parse_digits(number.substr(0, dot), error);
  if (!whole) return std::nullopt;
  if (*whole > kLimitMillis * 1000 / unit) {
    if (error != nullptr) *error = DurationError::kTooLong;
    return std::nullopt;
  }
  if (dot == std::string_view::npos) return Micros{*whole * unit, false};
  std::string_view fraction = number.substr(dot + 1);
  if (fraction.empty() || fraction.find('.') != std::string_view::npos) return std::nullopt;
  Micros micros = multiply_fraction(fraction, unit);
  micros.whole += *whole * unit;
  return micros;
}

}  // namespace

std::optional<Millis> parse_duration(std::string_view text, DurationError* error) {
  if (text == "inf" || text == "infinity") return kForever;
  if (error != nullptr) *error = DurationError::kMalformed;  // Unless it turns out too long.
  size_t digits = 0;
  while (digits < text.size() && is_number_char(text[digits])) ++digits;
  uint64_t per_unit = unit_micros(text.substr(digits));
  if (per_unit == 0) return std::nullopt;
  auto micros = decimal_micros(text.substr(0, digits), per_unit, error);
  if (!micros) return std::nullopt;
  // Rounded up: a part of a millisecond still counts.
  uint64_t millis = micros->whole / 1000 + (micros->whole % 1000 != 0 || micros->has_rest);
  if (millis > kLimitMillis) {
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
