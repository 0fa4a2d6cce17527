// SPDX-License-Identifier: MIT
// Unit tests of Procfile parsing: names, comments, blank lines, and the errors with their line
// numbers.
#include "procfile/procfile.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

/// The error that parsing `text` gives; a test failure when it gives none.
ProcfileError error_of(std::string_view text) {
  ParsedProcfile parsed = parse_procfile(text);
  EXPECT_TRUE(parsed.error) << text;
  return parsed.error.value_or(ProcfileError{});
}

TEST(ProcfileTest, ParsesServicesSkippingCommentsAndBlankLines) {
  ParsedProcfile parsed = parse_procfile(
      "# the web tier\n"
      "\n"
      "web: nginx -g 'daemon off;'\n"
      "  \t\n"
      "worker_2:   ./worker --queue jobs  \r\n"
      "  # indented comment\n"
      "a-b:x");
  ASSERT_FALSE(parsed.error) << parsed.error->message;
  ASSERT_EQ(parsed.entries.size(), 3u);
  EXPECT_EQ(parsed.entries[0].name, "web");
  EXPECT_EQ(parsed.entries[0].command, "nginx -g 'daemon off;'");
  EXPECT_EQ(parsed.entries[0].line, 3);
  EXPECT_EQ(parsed.entries[1].name, "worker_2");
  EXPECT_EQ(parsed.entries[1].command, "./worker --queue jobs");
  EXPECT_EQ(parsed.entries[1].line, 5);
  EXPECT_EQ(parsed.entries[2].name, "a-b");
  EXPECT_EQ(parsed.entries[2].command, "x");
}

TEST(ProcfileTest, ColonsInTheCommandStayInTheCommand) {
  ParsedProcfile parsed = parse_procfile("web: echo a:b: c\n");
  ASSERT_FALSE(parsed.error);
  EXPECT_EQ(parsed.entries[0].command, "echo a:b: c");
}

TEST(ProcfileTest, LineWithoutColonIsAnErrorOnItsLine) {
  ProcfileError error = error_of("web: a\n\nworker b\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.message, "expected 'name: command'");
}

TEST(ProcfileTest, InvalidNamesAreErrors) {
  for (const char* text : {"we b: x", "web.1: x", ": x", "wéb: x", "$web: x"}) {
    ProcfileError error = error_of(text);
    EXPECT_EQ(error.line, 1) << text;
    EXPECT_NE(error.message.find("invalid service name"), std::string::npos) << text;
  }
}

TEST(ProcfileTest, DuplicateNameNamesBothLines) {
  ProcfileError error = error_of("web: a\nworker: b\nweb: c\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.message, "duplicate service name 'web' (first on line 1)");
}

TEST(ProcfileTest, EmptyCommandIsAnError) {
  EXPECT_EQ(error_of("web:   \n").message, "no command for service 'web'");
}

TEST(ProcfileTest, NoServicesIsAnError) {
  for (const char* text : {"", "\n\n", "# only a comment\n"}) {
    EXPECT_EQ(error_of(text).line, 0) << text;
  }
}

TEST(ProcfileTest, ServiceNames) {
  EXPECT_TRUE(is_service_name("web"));
  EXPECT_TRUE(is_service_name("Web_2-x"));
  EXPECT_FALSE(is_service_name(""));
  EXPECT_FALSE(is_service_name("a b"));
  EXPECT_FALSE(is_service_name("a/b"));
}

}  // namespace
}  // namespace tend
