// SPDX-License-Identifier: MIT
// Text from outside tend (COMMAND's notifications, a script's first line) made safe to log.
#include "service/printable.h"

#include <cstdint>

#include <fmt/format.h>

namespace tend {
namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

/// Length of the valid UTF-8 sequence that starts `text` (overlong forms, surrogates and code
/// points above U+10FFFF are invalid), or 0 when there is none; its code point in `code`.
size_t utf8_sequence(std::string_view text, char32_t& code) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(0);
  size_t length = lead < 0x80   ? 1
                  : lead < 0xC2 ? 0
                  : lead < 0xE0 ? 2
                  : lead < 0xF0 ? 3
                  : lead < 0xF5 ? 4
                                : 0;
  if (length == 0 || length > text.size()) return 0;
  code = length == 1 ? lead : lead & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if (!is_continuation(byte(i))) return 0;
    code = (code << 6) | (byte(i) & 0x3F);
  }
  bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
  bool surrogate = code >= 0xD800 && code <= 0xDFFF;
  return overlong || surrogate || code > 0x10FFFF ? 0 : length;
}

/// Characters a terminal or a log viewer acts on instead of showing.
bool is_control(char32_t code) {
  return code < 0x20 || (code >= 0x7F && code <= 0x9F) || code == 0x200E || code == 0x200F ||
         (code >= 0x2028 && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069);
}

}  // namespace

std::string printable(std::string_view text, size_t limit) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    char32_t code = 0;
    size_t length = utf8_sequence(text.substr(at), code);
    std::string piece;
    if (length == 0 || is_control(code)) {
      for (size_t i = 0; i < (length == 0 ? 1 : length); ++i) {
        piece += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[at + i]));
      }
    } else {
      piece = code == '\\' ? std::string("\\\\") : std::string(text.substr(at, length));
    }
    if (out.size() + piece.size() > limit) return out + "…";
    out += piece;
    at += length == 0 ? 1 : length;
  }
  return out;
}

}  // namespace tend
