// SPDX-License-Identifier: MIT
// Unit tests of the option model: where COMMAND starts, values, environment, errors, and the
// --restart policy words.
#include "cli/options.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace tend {
namespace {

ParseOutcome parse(std::vector<const char*> args) {
  args.insert(args.begin(), "tend");
  return parse_options(static_cast<int>(args.size()), args.data());
}

std::vector<std::string> words(std::initializer_list<const char*> list) {
  return {list.begin(), list.end()};
}

/// Sets environment variables for one test and removes them afterwards.
class ScopedEnv {
 public:
  using Variable = std::pair<const char*, const char*>;
  ScopedEnv(std::initializer_list<Variable> variables) : variables_(variables) {
    for (auto [name, value] : variables_) setenv(name, value, 1);
  }
  ScopedEnv(const char* name, const char* value) : ScopedEnv({{name, value}}) {}
  ~ScopedEnv() {
    for (auto [name, value] : variables_) unsetenv(name);
  }

 private:
  std::vector<Variable> variables_;
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

TEST(ParseRestartPolicy, Words) {
  EXPECT_EQ(parse_restart_policy("no")->mode, RestartPolicy::Mode::kNo);
  EXPECT_EQ(parse_restart_policy("always")->mode, RestartPolicy::Mode::kAlways);
  EXPECT_EQ(parse_restart_policy("on-failure")->max_restarts, std::nullopt);
  EXPECT_EQ(parse_restart_policy("on-failure:3")->max_restarts, 3);
  EXPECT_EQ(parse_restart_policy("on-failure:0")->max_restarts, 0);
  for (const char* bad : {"", "yes", "on-failure:", "on-failure:x", "on-failure:-1", "always:3",
                          "on-failure:3x", "On-Failure"}) {
    EXPECT_EQ(parse_restart_policy(bad), std::nullopt) << bad;
  }
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
  ScopedEnv env({{"TEND_GRACE", "5s"},
                 {"TEND_VERBOSE", "2"},
                 {"TEND_REWRITE", "TERM:QUIT,HUP:0"},
                 {"TEND_SUCCESS_EXIT", "1,2"}});
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
  ScopedEnv env({{"TEND_SINGLE_CHILD", "1"}, {"TEND_PDEATHSIG", "TERM"}});
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

/// A case by its command line, which also names it in ctest's list (not the struct's bytes).
void PrintTo(const BadInput& input, std::ostream* out) {
  *out << "tend";
  for (const char* arg : input.args) *out << ' ' << (*arg != '\0' ? arg : "''");
}

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

INSTANTIATE_TEST_SUITE_P(
    Numbers, ParseOptionsBadInput,
    testing::Values(
        BadInput{{"-t", "10000000000s", "x"}, "invalid --grace '10000000000s': longer than"},
        BadInput{{"-t", "876001h", "x"}, "(100 years); use inf for never"},
        BadInput{{"--stop-delay", "99999999999999999999h", "x"}, "--stop-delay"},
        BadInput{{"--ready-timeout", "1000000000000000000000000000000s", "x"}, "--ready-timeout"},
        BadInput{{"--watchdog", "inf", "x"},
                 "invalid --watchdog 'inf': expected a positive finite"},
        BadInput{{"--watchdog", "0", "x"}, "--watchdog '0'"},
        BadInput{{"--restart-delay", "inf", "x"}, "invalid --restart-delay 'inf'"},
        BadInput{{"--ready-fd", "99999999999", "x"}, "invalid --ready-fd '99999999999'"},
        BadInput{{"--ready-fd", "99999999", "x"}, "the descriptor limit is"},
        BadInput{{"--ready-fd", "0x10", "x"}, "'0x10'"},
        BadInput{{"--ready-fd", "+5", "x"}, "'+5'"},
        BadInput{{"-e", "99999999999", "x"}, "invalid --success-exit '99999999999'"},
        BadInput{{"-e", "4294967296", "x"}, "'4294967296'"},
        BadInput{{"--restart", "on-failure:99999999999", "x"}, "MAX from 0 to 2147483647"},
        BadInput{{"--verbose=-1", "x"}, "invalid --verbose '-1'"}));

// tend can never act on SIGKILL or SIGSTOP (they cannot be caught) nor on SIGCHLD (a child's
// exit): asking it to is a mistake said at start, not an option that silently does nothing.
INSTANTIATE_TEST_SUITE_P(
    NeverHandled, ParseOptionsBadInput,
    testing::Values(BadInput{{"-p", "KILL", "x"}, "invalid --pdeathsig 'KILL': SIGKILL cannot be"},
                    BadInput{{"-p", "sigstop", "x"}, "SIGSTOP cannot be caught"},
                    BadInput{{"-p", "9", "x"}, "'9'"}, BadInput{{"-p", "CHLD", "x"}, "SIGCHLD"},
                    BadInput{{"-p", "0", "x"}, "'0'"},
                    BadInput{{"-r", "KILL:TERM", "x"}, "invalid --rewrite 'KILL:TERM': SIGKILL"},
                    BadInput{{"-r", "STOP:0", "x"}, "'STOP:0'"},
                    BadInput{{"-r", "19:1", "x"}, "SIGSTOP"},
                    BadInput{{"-r", "CHLD:HUP", "x"}, "SIGCHLD"}));

TEST(ParseOptions, SignalsTendCanHandle) {
  ParseOutcome outcome = parse({"-r", "TERM:KILL", "-r", "INT:STOP", "-r", "USR1:0", "-r", "32:1",
                                "-r", "33:HUP", "-p", "32", "x"});
  ASSERT_TRUE(outcome.options) << outcome.message;
  EXPECT_EQ(outcome.options->rewrites.apply(SIGTERM), SIGKILL);
  EXPECT_EQ(outcome.options->rewrites.apply(SIGINT), SIGSTOP);
  EXPECT_EQ(outcome.options->rewrites.apply(SIGUSR1), 0);
  EXPECT_EQ(outcome.options->rewrites.apply(32), SIGHUP);
  EXPECT_EQ(outcome.options->pdeathsig, 32);
}

TEST(ParseOptions, LongestDurationsAndInf) {
  ParseOutcome outcome = parse({"-t", "876000h", "--stop-delay", "inf", "--pidfile-timeout", "inf",
                                "--restart-delay-max", "inf", "--restart-reset", "inf",
                                "--ready-timeout", "inf", "--watchdog", "876000h", "x"});
  ASSERT_TRUE(outcome.options) << outcome.message;
  EXPECT_EQ(outcome.options->grace, kLongestDuration);
  EXPECT_EQ(outcome.options->stop_delay, kForever);
  EXPECT_EQ(outcome.options->watchdog, kLongestDuration);
}

TEST(ParseOptions, ReadyFdBelowTheDescriptorLimit) {
  long limit = descriptor_limit();
  ASSERT_GT(limit, 4);
  std::string highest = std::to_string(limit - 1), beyond = std::to_string(limit);
  ParseOutcome outcome = parse({"--ready-fd", highest.c_str(), "x"});
  ASSERT_TRUE(outcome.options) << outcome.message;
  EXPECT_EQ(outcome.options->ready_fd, limit - 1);
  outcome = parse({"--ready-fd", beyond.c_str(), "x"});
  EXPECT_EQ(outcome.exit_code, 125);
  EXPECT_NE(outcome.message.find(fmt::format(
                "invalid --ready-fd '{}': expected a descriptor number from 3 to {} (the "
                "descriptor limit is {})",
                beyond, limit - 1, limit)),
            std::string::npos)
      << outcome.message;
}

// tend counts -v itself: CLI11's count throws std::out_of_range, which would end tend, on
// TEND_VERBOSE=9999999999999999999999.
TEST(ParseOptions, VerbosityIsACountUpTo2) {
  for (auto [value, expected] : {std::pair<const char*, int>{"0", 0},
                                 {"1", 1},
                                 {"2", 2},
                                 {"3", 2},
                                 {"007", 2},
                                 {"99999999999", 2},
                                 {"9999999999999999999999999999", 2},
                                 {"true", 1},
                                 {"false", 0}}) {
    ScopedEnv verbose("TEND_VERBOSE", value);
    ParseOutcome outcome = parse({"x"});
    ASSERT_TRUE(outcome.options) << value << ": " << outcome.message;
    EXPECT_EQ(outcome.options->verbosity, expected) << value;
  }
  EXPECT_EQ(parse({"-vvvvvvv", "x"}).options->verbosity, 2);
  EXPECT_EQ(parse({"-v", "x"}).options->verbosity, 1);
  for (const char* bad : {"-1", "1e3", "2.5", "0x2", "abc", " 2", "on"}) {
    ScopedEnv verbose("TEND_VERBOSE", bad);
    ParseOutcome outcome = parse({"x"});
    EXPECT_EQ(outcome.exit_code, 125) << bad;
    EXPECT_NE(outcome.message.find(std::string("invalid --verbose '") + bad + "'"),
              std::string::npos)
        << outcome.message;
  }
}

TEST(ParseOptions, UnknownTendVariablesAreWarnedAbout) {
  ScopedEnv env({{"TEND_GRAEC", "5s"}, {"TEND_", "1"}, {"TEND_GRACE", "2s"}});
  ParseOutcome outcome = parse({"x"});
  ASSERT_TRUE(outcome.options) << outcome.message;
  EXPECT_EQ(outcome.options->grace, Millis(2000));
  std::vector<std::string> expected{"unknown variable TEND_ (ignored)",
                                    "unknown variable TEND_GRAEC (ignored)"};
  std::sort(outcome.warnings.begin(), outcome.warnings.end());
  EXPECT_EQ(outcome.warnings, expected);
  // A bad option still says so, and the typo is still pointed out.
  outcome = parse({"-t", "soon", "x"});
  EXPECT_EQ(outcome.exit_code, 125);
  EXPECT_EQ(outcome.warnings.size(), 2u);
}

TEST(ParseOptions, KnownTendVariablesAreNotWarnedAbout) {
  ScopedEnv env({{"TEND_GRACE", "2s"}, {"TEND_VERBOSE", "0"}, {"TEND_RESTART_DELAY_MAX", "1s"}});
  ParseOutcome outcome = parse({"x"});
  ASSERT_TRUE(outcome.options) << outcome.message;
  EXPECT_TRUE(outcome.warnings.empty());
}

}  // namespace
}  // namespace tend
