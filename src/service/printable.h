// SPDX-License-Identifier: MIT
// Text from outside tend (COMMAND's notifications, a script's first line) made safe to log.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace tend {

/// How much of such a text a log line shows, in bytes of the escaped form.
inline constexpr size_t kPrintableLimit = 256;

/// `text` as one harmless line: control characters (C0, DEL, C1), the Unicode controls that
/// reorder or break lines (bidi overrides and isolates, U+2028, U+2029) and bytes that are not
/// valid UTF-8 become \xNN each, a backslash becomes \\, and past `limit` bytes the rest is cut
/// and "…" follows. Valid UTF-8 otherwise stays as it is.
std::string printable(std::string_view text, size_t limit = kPrintableLimit);

/// Text to log through printable(), escaped only when the line is actually written: a
/// notification's debug line costs nothing at the default level.
struct Printable {
  std::string_view text;
};

}  // namespace tend

template <>
struct fmt::formatter<tend::Printable> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(tend::Printable printable, Context& context) const {
    return fmt::formatter<std::string_view>::format(tend::printable(printable.text), context);
  }
};
