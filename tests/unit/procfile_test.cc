// SPDX-License-Identifier: MIT
// Procfile parsing: names, comments, blank lines, and the errors with their line numbers.
#include "procfile/procfile.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

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
  ParsedProcfile parsed = parse_procfile("web: a\n\nworker b\n");
  ASSERT_TRUE(parsed.error);
  EXPECT_EQ(parsed.error->line, 3);
  EXPECT_EQ(parsed.error->message, "expected 'name: command'");
}

TEST(ProcfileTest, InvalidNamesAreErrors) {
  for (const char* text : {"we b: x", "web.1: x", ": x", "wéb: x", "$web: x"}) {
    ParsedProcfile parsed = parse_procfile(text);
    ASSERT_TRUE(parsed.error) << text;
    EXPECT_EQ(parsed.error->line, 1) << text;
    EXPECT_NE(parsed.error->message.find("invalid service name"), std::string::npos) << text;
  }
}

TEST(ProcfileTest, DuplicateNameNamesBothLines) {
  ParsedProcfile parsed = parse_procfile("web: a\nworker: b\nweb: c\n");
  ASSERT_TRUE(parsed.error);
  EXPECT_EQ(parsed.error->line, 3);
  EXPECT_EQ(parsed.error->message, "duplicate service name 'web' (first on line 1)");
}

TEST(ProcfileTest, EmptyCommandIsAnError) {
  ParsedProcfile parsed = parse_procfile("web:   \n");
  ASSERT_TRUE(parsed.error);
  EXPECT_EQ(parsed.error->message, "no command for service 'web'");
}

TEST(ProcfileTest, NoServicesIsAnError) {
  for (const char* text : {"", "\n\n", "# only a comment\n"}) {
    ParsedProcfile parsed = parse_procfile(text);
    ASSERT_TRUE(parsed.error) << text;
    EXPECT_EQ(parsed.error->line, 0);
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
