// SPDX-License-Identifier: MIT
// Unit tests of how text from outside tend is made safe to log.
#include "service/printable.h"

#include <gtest/gtest.h>

#include <string>

#include <fmt/format.h>

namespace tend {
namespace {

using namespace std::string_literals;

TEST(Printable, PlainTextAndUtf8StayAsTheyAre) {
  EXPECT_EQ(printable("serving 3 clients"), "serving 3 clients");
  EXPECT_EQ(printable("grüße, 東京, 🙂"), "grüße, 東京, 🙂");
  EXPECT_EQ(printable(""), "");
}

// A STATUS= with a carriage return or an escape sequence could rewrite the terminal or forge
// a log line.
TEST(Printable, ControlCharactersBecomeHex) {
  EXPECT_EQ(printable("ok\rtend: error: forged"), "ok\\x0dtend: error: forged");
  EXPECT_EQ(printable("\x1b[2J\x1b]0;title\x07"), "\\x1b[2J\\x1b]0;title\\x07");
  EXPECT_EQ(printable("a\0b"s), "a\\x00b");
  EXPECT_EQ(printable("a\nb\tc\x7f"), "a\\x0ab\\x09c\\x7f");
  EXPECT_EQ(printable("\xc2\x9b"
                      "31m"),
            "\\xc2\\x9b31m");  // C1 CSI, U+009B.
}

TEST(Printable, UnicodeThatReordersOrBreaksLinesBecomesHex) {
  EXPECT_EQ(printable("a\u202Eb"), "a\\xe2\\x80\\xaeb");  // RIGHT-TO-LEFT OVERRIDE.
  EXPECT_EQ(printable("a\u2066b"), "a\\xe2\\x81\\xa6b");  // LEFT-TO-RIGHT ISOLATE.
  EXPECT_EQ(printable("a\u2028b"), "a\\xe2\\x80\\xa8b");  // LINE SEPARATOR.
  EXPECT_EQ(printable("a\u200Fb"), "a\\xe2\\x80\\x8fb");  // RIGHT-TO-LEFT MARK.
}

TEST(Printable, InvalidUtf8BecomesHexByteByByte) {
  EXPECT_EQ(printable("a\xff"
                      "b"),
            "a\\xffb");
  EXPECT_EQ(printable("\xc3"), "\\xc3");                             // Cut short.
  EXPECT_EQ(printable("\xc3("), "\\xc3(");                           // Not a continuation.
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");                    // Overlong '/'.
  EXPECT_EQ(printable("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");           // Overlong '/'.
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // Surrogate U+D800.
  EXPECT_EQ(printable("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // Above U+10FFFF.
  EXPECT_EQ(printable("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf");      // U+10FFFF itself.
}

// Otherwise "\x1b" typed by COMMAND and a real ESC would read the same.
TEST(Printable, BackslashIsDoubled) { EXPECT_EQ(printable("a\\x1b"), "a\\\\x1b"); }

TEST(Printable, LongTextIsCut) {
  std::string long_text(1000, 'a');
  EXPECT_EQ(printable(long_text), std::string(kPrintableLimit, 'a') + "…");
  EXPECT_EQ(printable(std::string(kPrintableLimit, 'a')), std::string(kPrintableLimit, 'a'));
  // Never in the middle of an escape or of a character.
  EXPECT_EQ(printable("ab\x1b", 5), "ab…");
  EXPECT_EQ(printable("ab\x1b", 6), "ab\\x1b");
  EXPECT_EQ(printable("aé", 2), "a…");
  std::string escapes(1000, '\x1b');
  std::string cut = printable(escapes);
  EXPECT_LE(cut.size(), kPrintableLimit + std::string("…").size());
  EXPECT_TRUE(cut.ends_with("\\x1b…")) << cut;
}

TEST(Printable, FormatsOnlyWhenWritten) {
  EXPECT_EQ(fmt::format("status: {}", Printable{"a\rb"}), "status: a\\x0db");
}

}  // namespace
}  // namespace tend
