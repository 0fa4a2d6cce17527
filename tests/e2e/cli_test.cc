// SPDX-License-Identifier: MIT
// The command line: bad input, where options end, TEND_* variables, -V and -h.
#include <signal.h>

#include <ostream>
#include <tuple>

#include <gtest/gtest.h>

#include "tend_run.h"

namespace tend::e2e {
namespace {

/// One way to call tend wrongly.
struct BadInput {
  const char* name;
  std::vector<std::string> options;  ///< Followed by a COMMAND, unless `no_command`.
  std::vector<std::string> env = {};
  bool no_command = false;
};

const BadInput kBadInputs[] = {
    {"UnknownOption", {"--bogus"}},
    {"UnknownShortOption", {"-x"}},
    {"MissingCommand", {}, {}, true},
    {"MissingCommandAfterOptions", {"-v", "-t", "1s"}, {}, true},
    {"MissingCommandAfterDoubleDash", {"--"}, {}, true},
    {"MissingGraceValue", {"-t"}, {}, true},
    {"GraceWithUnknownUnit", {"-t", "10x"}},
    {"NegativeGrace", {"-t", "-1s"}},
    {"EmptyGrace", {"-t", ""}},
    {"GraceNotANumber", {"--grace=soon"}},
    {"RewriteUnknownName", {"-r", "FOO:TERM"}},
    {"RewriteWithoutColon", {"-r", "TERM"}},
    {"RewriteNumberOutOfRange", {"-r", "99:1"}},
    {"RewriteToUnknown", {"--rewrite", "TERM:BAR"}},
    {"SuccessExitTooLarge", {"-e", "256"}},
    {"SuccessExitNegative", {"--success-exit=-1"}},
    {"SuccessExitNotANumber", {"-e", "ok"}},
    {"PdeathsigUnknown", {"-p", "FOO"}},
    {"PdeathsigOutOfRange", {"--pdeathsig", "65"}},
    {"GraceFromEnvironmentMalformed", {}, {"TEND_GRACE=10x"}},
    {"RewriteFromEnvironmentMalformed", {}, {"TEND_REWRITE=TERM"}},
};

void PrintTo(const BadInput& input, std::ostream* out) { *out << input.name; }

using ModeAndBadInput = std::tuple<Mode, BadInput>;

std::string bad_input_name(const testing::TestParamInfo<ModeAndBadInput>& info) {
  return mode_name(std::get<0>(info.param)) + "_" + std::get<1>(info.param).name;
}

class BadInputTest : public testing::TestWithParam<ModeAndBadInput> {};

TEST_P(BadInputTest, ExitsWithUsageErrorPointingAtHelp) {
  auto [mode, input] = GetParam();
  Launch launch{.args = input.options, .env = input.env};
  if (!input.no_command) {
    std::vector<std::string> command = helper({"print", "COMMAND ran", "exit", "0"});
    launch.args.insert(launch.args.end(), command.begin(), command.end());
  }
  Outcome outcome = run_to_exit(mode, launch);
  EXPECT_EQ(describe_status(outcome.status), exit_with(125)) << outcome.err;
  EXPECT_NE(outcome.err.find("--help"), std::string::npos) << outcome.err;
  EXPECT_TRUE(outcome.err.starts_with("tend")) << outcome.err;
  EXPECT_EQ(outcome.out.find("COMMAND ran"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Cases, BadInputTest,
                         testing::Combine(testing::ValuesIn(kAllModes),
                                          testing::ValuesIn(kBadInputs)),
                         bad_input_name);

class CliTest : public testing::TestWithParam<Mode> {};

TEST_P(CliTest, OptionsEndAtCommand) {
  Outcome outcome = run_to_exit(
      GetParam(),
      {.args = options_then_helper({"-t", "1s"}, {"args", "-x", "--grace", "-t", "--"})});
  EXPECT_EQ(describe_status(outcome.status), exit_with(0)) << outcome.err;
  EXPECT_EQ(outcome.out, "arg -x\narg --grace\narg -t\narg --\nargs end\n");
}

TEST_P(CliTest, DoubleDashEndsOptions) {
  Outcome outcome =
      run_to_exit(GetParam(), {.args = options_then_helper({"-v", "--"}, {"args", "-v", "--"})});
  EXPECT_EQ(describe_status(outcome.status), exit_with(0)) << outcome.err;
  EXPECT_EQ(outcome.out, "arg -v\narg --\nargs end\n");
}

TEST_P(CliTest, ShellCommandWithoutDoubleDash) {
  Outcome outcome = run_to_exit(GetParam(), {.args = {"sh", "-c", "echo hi"}});
  EXPECT_EQ(describe_status(outcome.status), exit_with(0)) << outcome.err;
  EXPECT_EQ(outcome.out, "hi\n");
}

TEST_P(CliTest, GraceDurationForms) {
  for (const char* grace : {"500ms", "2s", "1.5s", "1m", "3", "0", "inf"}) {
    Outcome outcome =
        run_to_exit(GetParam(), {.args = options_then_helper({"-t", grace}, {"exit", "0"})});
    EXPECT_EQ(describe_status(outcome.status), exit_with(0)) << grace << ": " << outcome.err;
  }
}

TEST_P(CliTest, GraceFromEnvironment) {
  TendRun run(GetParam(),
              {.args = helper({"ignore", "TERM", "ready", "sleep"}), .env = {"TEND_GRACE=300ms"}});
  run.wait_for_line("ready");
  Clock::time_point sent = Clock::now();
  EXPECT_EQ(run.stop(SIGTERM, 5s), command_died_of(GetParam(), SIGKILL));
  EXPECT_GE(milliseconds(run.exit_time() - sent), 300);
  EXPECT_LT(run.exit_time() - sent, 2300ms) << "TEND_GRACE was not used (default is 10s)";
}

TEST_P(CliTest, CommandLineBeatsEnvironment) {
  TendRun run(GetParam(),
              {.args = options_then_helper({"-t", "300ms"}, {"ignore", "TERM", "ready", "sleep"}),
               .env = {"TEND_GRACE=60s"}});
  run.wait_for_line("ready");
  Clock::time_point sent = Clock::now();
  EXPECT_EQ(run.stop(SIGTERM, 5s), command_died_of(GetParam(), SIGKILL));
  EXPECT_LT(run.exit_time() - sent, 2300ms);
}

TEST_P(CliTest, RepeatableOptionsFromEnvironmentAreCommaSeparated) {
  Outcome outcome =
      run_to_exit(GetParam(), {.args = helper({"exit", "4"}), .env = {"TEND_SUCCESS_EXIT=3,4"}});
  EXPECT_EQ(describe_status(outcome.status), exit_with(0)) << outcome.err;

  TendRun run(GetParam(), {.args = helper({"signals"}), .env = {"TEND_REWRITE=USR1:USR2,HUP:0"}});
  run.wait_for_line("signals ready");
  run.signal_tend(SIGHUP);
  run.signal_tend(SIGUSR1);
  run.wait_for_line(signal_line(SIGUSR2));
  EXPECT_FALSE(has_line(run.lines(), signal_line(SIGHUP)));
}

TEST_P(CliTest, SingleChildFromEnvironment) {
  TendRun run(GetParam(), {.args = helper({"ready", "sleep"}), .env = {"TEND_SINGLE_CHILD=1"}});
  run.wait_for_line("ready");
  EXPECT_EQ(read_stat(run.command_pid())->pgrp, read_stat(run.tend_pid())->pgrp);
}

TEST_P(CliTest, Version) {
  for (const char* option : {"-V", "--version"}) {
    Outcome outcome = run_to_exit(GetParam(), {.args = {option}});
    EXPECT_EQ(describe_status(outcome.status), exit_with(0));
    const std::string prefix = "tend version 0.1.0 - git.";
    ASSERT_TRUE(outcome.out.starts_with(prefix)) << outcome.out;
    ASSERT_TRUE(outcome.out.ends_with("\n")) << outcome.out;
    std::string sha = outcome.out.substr(prefix.size(), outcome.out.size() - prefix.size() - 1);
    EXPECT_FALSE(sha.empty());
    for (char c : sha) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << outcome.out;
  }
}

TEST_P(CliTest, Help) {
  for (const char* option : {"-h", "--help"}) {
    Outcome outcome = run_to_exit(GetParam(), {.args = {option}});
    EXPECT_EQ(describe_status(outcome.status), exit_with(0));
    EXPECT_NE(outcome.out.find("--grace"), std::string::npos) << outcome.out;
    EXPECT_EQ(outcome.err, "");
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, CliTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
