// SPDX-License-Identifier: MIT
// Unit tests of the option model: where COMMAND starts, values, environment, errors.
#include "cli/options.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>

namespace tend {
namespace {

ParseOutcome parse(std::vector<const char*> args) {
  args.insert(args.begin(), "tend");
  return parse_options(static_cast<int>(args.size()), args.data());
}

std::vector<std::string> words(std::initializer_list<const char*> list) {
  return {list.begin(), list.end()};
}

/// Sets an environment variable for one test and removes it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

TEST(FindCommandStart, FirstNonOptionWord) {
  auto takes_value = [](const std::string& name) { return name == "-t" || name == "--grace"; };
  EXPECT_EQ(find_command_start(words({"ls", "-l"}), takes_value), 0u);
  EXPECT_EQ(find_command_start(words({"-v", "ls", "-l"}), takes_value), 1u);
  EXPECT_EQ(find_command_start(words({"-t", "5s", "ls"}), takes_value), 2u);
  EXPECT_EQ(find_command_start(words({"--grace", "5s", "ls"}), takes_value), 2u);
  EXPECT_EQ(find_command_start(words({"--grace=5s", "ls"}), takes_value), 1u);
  EXPECT_EQ(find_command_start(words({"-vt", "5s", "ls"}), takes_value), 2u);
  EXPECT_EQ(find_command_start(words({"-t5s", "ls"}), takes_value), 1u);
  EXPECT_EQ(find_command_start(words({"-v", "--", "-x"}), takes_value), 2u);
  EXPECT_EQ(find_command_start(words({"-v"}), takes_value), 1u);
}

TEST(ParseOptions, CommandAndItsArgumentsBelongToCommand) {
  ParseOutcome outcome = parse({"sh", "-c", "echo hi", "-v"});
  ASSERT_TRUE(outcome.options) << outcome.message;
  EXPECT_EQ(outcome.options->command, words({"sh", "-c", "echo hi", "-v"}));
  EXPECT_FALSE(outcome.options->single_child);
  EXPECT_EQ(outcome.options->verbosity, 0);
}

TEST(ParseOptions, DoubleDashEndsOptions) {
  ParseOutcome outcome = parse({"-c", "--", "-weird", "x"});
  ASSERT_TRUE(outcome.options) << outcome.message;
  EXPECT_TRUE(outcome.options->single_child);
  EXPECT_EQ(outcome.options->command, words({"-weird", "x"}));
}

TEST(ParseOptions, Defaults) {
  ParseOutcome outcome = parse({"true"});
  ASSERT_TRUE(outcome.options);
  EXPECT_EQ(outcome.options->grace, Millis(10'000));
  EXPECT_TRUE(outcome.options->success_exits.empty());
  EXPECT_EQ(outcome.options->pdeathsig, std::nullopt);
  EXPECT_EQ(outcome.options->rewrites.apply(SIGTERM), SIGTERM);
}

// Without options or TEND_* variables tend skips CLI11; an unrelated TEND_* variable makes it
// parse with CLI11, and both ways must give the same Options.
TEST(ParseOptions, NothingToParseGivesWhatCli11Gives) {
  for (auto args : {std::vector<const char*>{"--", "sleep", "1"},
                    {"sleep", "-v"},
                    {"--", "-x"},
                    {"", "a"},
                    {"-"}}) {
    ParseOutcome quick = parse(args);
    ASSERT_TRUE(quick.options) << args[0];
    ScopedEnv unrelated("TEND_UNRELATED", "1");
    ParseOutcome parsed = parse(args);
    ASSERT_TRUE(parsed.options) << args[0] << ": " << parsed.message;
    EXPECT_EQ(*quick.options, *parsed.options) << args[0];
  }
  Options expected;
  expected.command = words({"sleep", "1"});
  EXPECT_EQ(*parse({"--", "sleep", "1"}).options, expected);
  EXPECT_FALSE(parse({"--"}).options);
  EXPECT_FALSE(parse({}).options);
}

TEST(ParseOptions, EveryOption) {
  ParseOutcome outcome = parse({"-vv", "-c", "-t", "1.5s", "-r", "TERM:QUIT", "--rewrite=usr1:0",
                                "-e", "143", "--success-exit", "3", "-p", "HUP", "--no-tty", "x"});
  ASSERT_TRUE(outcome.options) << outcome.message;
  const Options& options = *outcome.options;
  EXPECT_EQ(options.verbosity, 2);
  EXPECT_TRUE(options.single_child);
  EXPECT_TRUE(options.no_tty);
  EXPECT_EQ(options.grace, Millis(1500));
  EXPECT_EQ(options.rewrites.apply(SIGTERM), SIGQUIT);
  EXPECT_EQ(options.rewrites.apply(SIGUSR1), 0);
  EXPECT_EQ(options.rewrites.apply(SIGINT), SIGINT);
  EXPECT_EQ(options.success_exits, (std::set<int>{3, 143}));
  EXPECT_EQ(options.pdeathsig, SIGHUP);
  EXPECT_EQ(options.command, words({"x"}));
}

TEST(ParseOptions, EnvironmentSetsOptionsAndCommandLineWins) {
  ScopedEnv grace("TEND_GRACE", "5s");
  ScopedEnv verbose("TEND_VERBOSE", "2");
  ScopedEnv rewrite("TEND_REWRITE", "TERM:QUIT,HUP:0");
  ScopedEnv success("TEND_SUCCESS_EXIT", "1,2");
  ParseOutcome outcome = parse({"x"});
  ASSERT_TRUE(outcome.options) << outcome.message;
  EXPECT_EQ(outcome.options->grace, Millis(5000));
  EXPECT_EQ(outcome.options->verbosity, 2);
  EXPECT_EQ(outcome.options->rewrites.apply(SIGTERM), SIGQUIT);
  EXPECT_EQ(outcome.options->rewrites.apply(SIGHUP), 0);
  EXPECT_EQ(outcome.options->success_exits, (std::set<int>{1, 2}));
  outcome = parse({"-t", "1s", "x"});
  ASSERT_TRUE(outcome.options);
  EXPECT_EQ(outcome.options->grace, Millis(1000));
}

TEST(ParseOptions, EnvironmentFlags) {
  ScopedEnv single("TEND_SINGLE_CHILD", "1");
  ScopedEnv pdeath("TEND_PDEATHSIG", "TERM");
  ParseOutcome outcome = parse({"x"});
  ASSERT_TRUE(outcome.options) << outcome.message;
  EXPECT_TRUE(outcome.options->single_child);
  EXPECT_EQ(outcome.options->pdeathsig, SIGTERM);
}

TEST(ParseOptions, BadEnvironmentIsAUsageError) {
  ScopedEnv grace("TEND_GRACE", "soon");
  ParseOutcome outcome = parse({"x"});
  EXPECT_FALSE(outcome.options);
  EXPECT_EQ(outcome.exit_code, 125);
}

TEST(ParseOptions, HelpAndVersionExitZero) {
  ParseOutcome help = parse({"--help"});
  EXPECT_FALSE(help.options);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.message.find("--grace"), std::string::npos);
  ParseOutcome version = parse({"-V"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.message.rfind("tend version 0.1.0 - git.", 0), 0u) << version.message;
}

struct BadInput {
  std::vector<const char*> args;
  const char* mentions;
};

class ParseOptionsBadInput : public testing::TestWithParam<BadInput> {};

TEST_P(ParseOptionsBadInput, Exit125WithAMessagePointingAtHelp) {
  ParseOutcome outcome = parse(GetParam().args);
  EXPECT_FALSE(outcome.options);
  EXPECT_EQ(outcome.exit_code, 125);
  EXPECT_NE(outcome.message.find(GetParam().mentions), std::string::npos) << outcome.message;
  EXPECT_NE(outcome.message.find("--help"), std::string::npos) << outcome.message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseOptionsBadInput,
    testing::Values(BadInput{{"--bogus", "x"}, "--bogus"}, BadInput{{}, "missing COMMAND"},
                    BadInput{{"-v"}, "missing COMMAND"}, BadInput{{"-t", "10x", "x"}, "'10x'"},
                    BadInput{{"-t", "-1s", "x"}, "'-1s'"}, BadInput{{"-t", "", "x"}, "--grace"},
                    BadInput{{"-t"}, "--grace"}, BadInput{{"-r", "FOO:TERM", "x"}, "'FOO:TERM'"},
                    BadInput{{"-r", "TERM", "x"}, "'TERM'"},
                    BadInput{{"-r", "99:1", "x"}, "'99:1'"},
                    BadInput{{"-r", "0:TERM", "x"}, "'0:TERM'"},
                    BadInput{{"-e", "256", "x"}, "256"}, BadInput{{"-e", "-1", "x"}, "-1"},
                    BadInput{{"-e", "abc", "x"}, "abc"}, BadInput{{"-p", "NOPE", "x"}, "'NOPE'"}));

}  // namespace
}  // namespace tend
