// SPDX-License-Identifier: MIT
// Unit tests of the Procfile command-line splitter: sh's quoting and $NAME expansion, and what
// needs a shell.
#include "procfile/command_line.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

using Words = std::vector<std::string>;

const std::vector<std::string> kEnvironment = {
    "HOME=/root", "PORT=8080", "EMPTY=", "SPACED=a b  c", "GLOB=*", "Q='\"\\"};

Words split(std::string_view line) {
  SplitCommand result = split_command_line(line, lookup_in(kEnvironment));
  EXPECT_EQ(result.error, "") << line;
  return result.words;
}

std::string error_of(std::string_view line) {
  SplitCommand result = split_command_line(line, lookup_in(kEnvironment));
  EXPECT_TRUE(result.words.empty()) << line;
  return result.error;
}

TEST(CommandLineTest, BlanksSeparateWords) {
  EXPECT_EQ(split("nginx -g x"), (Words{"nginx", "-g", "x"}));
  EXPECT_EQ(split("  a\t\tb  "), (Words{"a", "b"}));
  EXPECT_EQ(split(""), Words{});
}

TEST(CommandLineTest, SingleQuotesAreLiteral) {
  EXPECT_EQ(split("nginx -g 'daemon off;'"), (Words{"nginx", "-g", "daemon off;"}));
  EXPECT_EQ(split(R"('$PORT \ "x"')"), (Words{R"($PORT \ "x")"}));
  EXPECT_EQ(split("''"), (Words{""}));
  EXPECT_EQ(split("a'b'c"), (Words{"abc"}));
}

TEST(CommandLineTest, DoubleQuotesExpandAndEscapeOnlyTheirSpecials) {
  EXPECT_EQ(split(R"("port $PORT")"), (Words{"port 8080"}));
  EXPECT_EQ(split(R"("a\"b\\c\$d\n")"), (Words{R"(a"b\c$d\n)"}));
  EXPECT_EQ(split(R"("")"), (Words{""}));
  EXPECT_EQ(split(R"("$EMPTY")"), (Words{""}));
  EXPECT_EQ(split(R"("it's")"), (Words{"it's"}));
  EXPECT_EQ(split(R"("a;b|c")"), (Words{"a;b|c"}));
}

TEST(CommandLineTest, BackslashTakesTheNextCharacter) {
  EXPECT_EQ(split(R"(a\ b)"), (Words{"a b"}));
  EXPECT_EQ(split(R"(\'x\")"), (Words{R"('x")"}));
  EXPECT_EQ(split(R"(\;)"), (Words{";"}));
  EXPECT_EQ(split(R"(\$PORT)"), (Words{"$PORT"}));
}

TEST(CommandLineTest, VariablesExpandWithoutWordSplittingOrGlobbing) {
  EXPECT_EQ(split("--port=$PORT ${HOME}/x"), (Words{"--port=8080", "/root/x"}));
  EXPECT_EQ(split("$SPACED"), (Words{"a b  c"}));
  EXPECT_EQ(split("$GLOB"), (Words{"*"}));
  EXPECT_EQ(split("$Q"), (Words{"'\"\\"}));
  EXPECT_EQ(split("${PORT}0 $PORT.x"), (Words{"80800", "8080.x"}));
}

TEST(CommandLineTest, UnsetOrEmptyUnquotedExpansionsVanishAsInSh) {
  EXPECT_EQ(split("a $UNSET b $EMPTY c"), (Words{"a", "b", "c"}));
  EXPECT_EQ(split("a \"$UNSET\" b"), (Words{"a", "", "b"}));
  EXPECT_EQ(split("a x$UNSET b"), (Words{"a", "x", "b"}));
}

TEST(CommandLineTest, DollarWithoutANameIsLiteral) {
  EXPECT_EQ(split("a $ b$ $1 $? $$"), (Words{"a", "$", "b$", "$1", "$?", "$$"}));
  EXPECT_EQ(split("\"$\""), (Words{"$"}));
}

TEST(CommandLineTest, HashStartsACommentOnlyAtAWordStart) {
  EXPECT_EQ(split("run a#b # the rest"), (Words{"run", "a#b"}));
  EXPECT_EQ(split("run '#x'"), (Words{"run", "#x"}));
}

TEST(CommandLineTest, WhatNeedsAShellIsAnError) {
  for (const char* line : {"a | b", "a && b", "a; b", "a > f", "a < f", "(a)", "a &", "echo `x`",
                           "echo $(date)", "echo \"$(date)\"", "echo \"`x`\""}) {
    EXPECT_NE(error_of(line).find("needs a shell: write the command as sh -c '...'"),
              std::string::npos)
        << line;
  }
}

TEST(CommandLineTest, UnterminatedQuotesAndEscapesAreErrors) {
  EXPECT_EQ(error_of("echo 'abc"), "unterminated single quote");
  EXPECT_EQ(error_of("echo \"abc"), "unterminated double quote");
  EXPECT_EQ(error_of("echo \"abc\\\""), "unterminated double quote");
  EXPECT_EQ(error_of("echo abc\\"), "a backslash at the end of the line");
  EXPECT_EQ(error_of("echo ${PORT"), "unterminated '${'");
  EXPECT_EQ(error_of("echo ${PORT:-80}"), "'${PORT:-80}': only ${NAME} is supported");
  EXPECT_EQ(error_of("echo ${}"), "'${}': only ${NAME} is supported");
}

TEST(CommandLineTest, ShDashCIsTheWayToAShell) {
  EXPECT_EQ(split("sh -c 'while :; do date >> /tmp/x; sleep 1; done'"),
            (Words{"sh", "-c", "while :; do date >> /tmp/x; sleep 1; done"}));
}

TEST(CommandLineTest, LookupFindsWholeNamesOnly) {
  VariableLookup lookup = lookup_in({"PORTS=1", "PORT=2", "P"});
  EXPECT_EQ(lookup("PORT"), "2");
  EXPECT_EQ(lookup("POR"), std::nullopt);
  EXPECT_EQ(lookup("P"), std::nullopt);
}

}  // namespace
}  // namespace tend
