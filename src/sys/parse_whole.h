// SPDX-License-Identifier: MIT
// parse_whole: a whole decimal number that is all of a text, as pids, ids, counts and codes come.
#pragma once

#include <charconv>
#include <concepts>
#include <optional>
#include <string_view>
#include <system_error>

namespace tend {

/// Why parse_whole refused a text.
enum class WholeNumberError {
  kMalformed,   ///< Empty, not digits, or something before or after them.
  kOutOfRange,  ///< Only digits (and a '-' for a signed type), but beyond the type's range.
};

/// The decimal number that `text` is, with nothing around it: digits, led by '-' for a signed
/// `Number` only; no '+', no spaces, never empty. nullopt when malformed or beyond `Number` (no
/// wrapping, unlike atoi), and then `*error`, when given, says which.
template <std::integral Number>
[[nodiscard]] std::optional<Number> parse_whole(std::string_view text,
                                                WholeNumberError* error = nullptr) {
  Number value{};
  const char* last = text.data() + text.size();
  auto [end, result] = std::from_chars(text.data(), last, value);
  if (end == last && result == std::errc()) return value;
  if (error != nullptr) {
    bool out_of_range = end == last && result == std::errc::result_out_of_range;
    *error = out_of_range ? WholeNumberError::kOutOfRange : WholeNumberError::kMalformed;
  }
  return std::nullopt;
}

}  // namespace tend
