// SPDX-License-Identifier: MIT
// Restart: --restart no|on-failure[:MAX]|always with back-off that doubles from
// --restart-delay up to --restart-delay-max, reset by a run of --restart-reset; stop signals end
// a back-off at once and are never followed by a restart; leftovers go before the next run.
#include <signal.h>

#include <gtest/gtest.h>

#include "sup_util.h"

namespace tend::e2e {
namespace {

/// Slack on a loaded machine above a delay tend was asked for.
constexpr long long kSlackMs = 1000;

class RestartTest : public testing::TestWithParam<Mode> {};

std::string gaps_text(const std::vector<long long>& gaps) {
  std::string text = "gaps (ms):";
  for (long long gap : gaps) text += " " + std::to_string(gap);
  return text;
}

TEST_P(RestartTest, DefaultIsNoRestart) {
  TendRun run(GetParam(), {.args = helper({"start", "exit", "3"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(3));
  EXPECT_EQ(lines_starting(run.lines(), "start ").size(), 1u) << run.transcript();
}

TEST_P(RestartTest, OnFailureDoesNotRestartSuccess) {
  TendRun run(GetParam(),
              {.args = options_then_helper({"--restart", "on-failure"}, {"start", "exit", "0"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
  EXPECT_EQ(lines_starting(run.lines(), "start ").size(), 1u) << run.transcript();
}

// Each run exits with 10 + its number, so that "the last status" is told apart from the first.
TEST_P(RestartTest, OnFailureRestartsUpToMaxThenExitsWithLastStatus) {
  TempDir dir;
  std::string counter = dir.path() + "/count";
  TendRun run(
      GetParam(),
      {.args = options_then_helper(
           {"--restart", "on-failure:3", "--restart-delay", "50ms"},
           {"start", "count", counter, "if-count", "1", "exit", "11", ";;", "if-count", "2",
            "exit",  "12",    ";;",    "if-count", "3", "exit", "13", ";;", "exit",     "14"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(14));
  EXPECT_EQ(lines_starting(run.lines(), "start ").size(), 4u) << run.transcript();
}

TEST_P(RestartTest, OnFailureRestartsAfterDeathBySignal) {
  TendRun run(GetParam(),
              {.args = options_then_helper({"--restart", "on-failure:1", "--restart-delay", "50ms"},
                                           {"start", "kill-self", "USR1"})});
  EXPECT_EQ(describe_status(run.wait_exit()), command_died_of(GetParam(), SIGUSR1));
  EXPECT_EQ(lines_starting(run.lines(), "start ").size(), 2u) << run.transcript();
}

TEST_P(RestartTest, AlwaysRestartsAfterSuccess) {
  TempDir dir;
  std::string counter = dir.path() + "/count";
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"--restart", "always", "--restart-delay", "50ms"},
                               {"start", "count", counter, "if-count", "3", "signals-until", "TERM",
                                "exit", "0", ";;", "exit", "0"})});
  run.wait_for_line("count 3");
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
  EXPECT_EQ(lines_starting(run.lines(), "start ").size(), 3u) << run.transcript();
}

// The defaults: 100ms before the first restart, doubled for each one after it.
TEST_P(RestartTest, DelayStartsAt100msAndDoubles) {
  TendRun run(GetParam(),
              {.args = options_then_helper({"--restart", "on-failure:3"}, {"start", "exit", "3"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(3));
  std::vector<long long> gaps = restart_gaps_ms(run.lines());
  ASSERT_EQ(gaps.size(), 3u) << run.transcript();
  long long expected = 100;
  for (long long gap : gaps) {
    EXPECT_GE(gap, expected) << gaps_text(gaps);
    EXPECT_LT(gap, expected + kSlackMs) << gaps_text(gaps);
    expected *= 2;
  }
}

TEST_P(RestartTest, RestartDelaySetsTheFirstDelay) {
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"--restart", "on-failure:2", "--restart-delay", "250ms"},
                               {"start", "exit", "3"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(3));
  std::vector<long long> gaps = restart_gaps_ms(run.lines());
  ASSERT_EQ(gaps.size(), 2u) << run.transcript();
  EXPECT_GE(gaps[0], 250) << gaps_text(gaps);
  EXPECT_LT(gaps[0], 250 + kSlackMs) << gaps_text(gaps);
  EXPECT_GE(gaps[1], 500) << gaps_text(gaps);
  EXPECT_LT(gaps[1], 500 + kSlackMs) << gaps_text(gaps);
}

// 100, 200, 200, 200, 200 instead of 100, 200, 400, 800, 1600: judged by the sum of the last
// three (600 ms against 2800 ms), which leaves room for a loaded machine.
TEST_P(RestartTest, DelayIsCappedByRestartDelayMax) {
  TendRun run(GetParam(),
              {.args = options_then_helper({"--restart", "on-failure:5", "--restart-delay", "100ms",
                                            "--restart-delay-max", "200ms"},
                                           {"start", "exit", "3"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(3));
  std::vector<long long> gaps = restart_gaps_ms(run.lines());
  ASSERT_EQ(gaps.size(), 5u) << run.transcript();
  EXPECT_GE(gaps[0], 100) << gaps_text(gaps);
  for (size_t i = 1; i < gaps.size(); ++i) EXPECT_GE(gaps[i], 200) << gaps_text(gaps);
  EXPECT_LT(gaps[2] + gaps[3] + gaps[4], 600 + 2 * kSlackMs) << "not capped: " << gaps_text(gaps);
}

// Runs 1-3 fail at once (delays 200, 400, 800); run 4 lasts longer than --restart-reset, so the
// delay before run 5 is 200ms again, not 1600ms.
TEST_P(RestartTest, LongRunResetsTheDelay) {
  TempDir dir;
  std::string counter = dir.path() + "/count";
  TendRun run(GetParam(),
              {.args = options_then_helper(
                   {"--restart", "on-failure", "--restart-delay", "200ms", "--restart-reset", "2s"},
                   {"start", "count", counter, "if-count", "4", "sleep-ms", "2500", ";;",
                    "if-count", "5", "signals-until", "TERM", "exit", "0", ";;", "exit", "3"})});
  run.wait_for_line("count 5");
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
  std::vector<long long> gaps = restart_gaps_ms(run.lines());
  ASSERT_EQ(gaps.size(), 4u) << run.transcript();
  EXPECT_GE(gaps[2], 800) << gaps_text(gaps);
  EXPECT_GE(gaps[3], 200) << gaps_text(gaps);
  EXPECT_LT(gaps[3], 200 + kSlackMs) << "the delay was not reset: " << gaps_text(gaps);
}

// MAX 2: runs 1, 2 fail at once, run 3 lasts longer than --restart-reset and fails, which
// resets the count, so runs 4 and 5 follow: 5 runs instead of 3.
TEST_P(RestartTest, LongRunResetsTheRestartCount) {
  TempDir dir;
  std::string counter = dir.path() + "/count";
  TendRun run(
      GetParam(),
      {.args = options_then_helper(
           {"--restart", "on-failure:2", "--restart-delay", "50ms", "--restart-reset", "2s"},
           {"start", "count", counter, "if-count", "3", "sleep-ms", "2500", ";;", "exit", "3"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(3));
  EXPECT_EQ(lines_starting(run.lines(), "start ").size(), 5u) << run.transcript();
}

TEST_P(RestartTest, LogsEachRestartWithStatusAndDelay) {
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"-v", "--restart", "on-failure:2", "--restart-delay", "100ms"},
                               {"start", "exit", "3"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(3));
  std::vector<std::string> logged = stderr_lines_with(run, "restarting");
  ASSERT_EQ(logged.size(), 2u) << run.transcript();
  for (const auto& line : logged) {
    EXPECT_TRUE(line.starts_with("tend: info: ")) << line;
    EXPECT_NE(line.find("exit code 3"), std::string::npos) << line;
  }
  EXPECT_NE(logged[0].find("in 100ms"), std::string::npos) << logged[0];
  EXPECT_NE(logged[1].find("in 200ms"), std::string::npos) << logged[1];
}

TEST_P(RestartTest, StopSignalDuringBackoffEndsAtOnceWithLastStatus) {
  for (int signo : {SIGTERM, SIGINT, SIGQUIT}) {
    SCOPED_TRACE(signal_label(signo));
    TendRun run(GetParam(), {.args = options_then_helper(
                                 {"-v", "--restart", "on-failure", "--restart-delay", "5s"},
                                 {"start", "exit", "3"})});
    wait_for_stderr(run, "restarting");
    Clock::time_point sent = Clock::now();
    EXPECT_EQ(run.stop(signo), exit_with(3));
    EXPECT_LT(run.exit_time() - sent, 2s) << "tend sat out the back-off";
    EXPECT_EQ(lines_starting(run.lines(), "start ").size(), 1u) << run.transcript();
  }
}

TEST_P(RestartTest, StopSignalDuringRunIsNotFollowedByRestart) {
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"--restart", "always", "--restart-delay", "50ms", "-t", "5s"},
                               {"start", "signals-until", "TERM", "exit", "0"})});
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
  EXPECT_EQ(lines_starting(run.lines(), "start ").size(), 1u) << run.transcript();
}

// Killed by the escalation is not a failure to restart from: tend was stopping it.
TEST_P(RestartTest, StopEscalatedToKillIsNotFollowedByRestart) {
  TendRun run(GetParam(), {.args = options_then_helper({"--restart", "on-failure",
                                                        "--restart-delay", "50ms", "-t", "200ms"},
                                                       {"ignore", "TERM", "start", "sleep"})});
  run.wait_for_line("start ");
  EXPECT_EQ(run.stop(), command_died_of(GetParam(), SIGKILL));
  EXPECT_EQ(lines_starting(run.lines(), "start ").size(), 1u) << run.transcript();
}

// Run 1 leaves two children: one that ends on SIGTERM, one that ignores it (so SIGKILL after the
// grace). When run 2 starts, both are gone and nothing else is left under tend.
TEST_P(RestartTest, LeftoversAreCleanedUpBeforeTheNextRun) {
  TempDir dir;
  std::string counter = dir.path() + "/count";
  TendRun run(GetParam(),
              {.args = options_then_helper(
                   {"--restart", "on-failure:1", "--restart-delay", "50ms", "-t", "200ms"},
                   {"count",  counter, "if-count",      "1",     "child",
                    "tag",    "L",     "signals-until", "TERM",  "exit",
                    "0",      ";;",    "child",         "tag",   "K",
                    "ignore", "TERM",  "ready",         "sleep", ";;",
                    ";;",     "start", "if-count",      "1",     "exit",
                    "3",      ";;",    "signals-until", "TERM",  "exit",
                    "0"})});
  run.wait_for_line("count 2");
  size_t second_start = run.wait_for_line_index("start ");
  second_start = run.wait_for_line_index("start ");
  run.wait_for_line("signals ready");
  std::vector<pid_t> below = descendants_of(run.tend_pid());
  EXPECT_EQ(below.size(), 1u) << "leftovers of run 1 are still there" << run.transcript();
  size_t term_seen = run.wait_for_line_index(signal_line(SIGTERM, "L"));
  EXPECT_LT(term_seen, second_start) << run.transcript();
  EXPECT_EQ(run.stop(), exit_with(0));
}

TEST_P(RestartTest, EnvironmentVariablesSetThePolicyAndDelay) {
  TendRun run(GetParam(), {.args = helper({"start", "exit", "3"}),
                           .env = {"TEND_RESTART=on-failure:1", "TEND_RESTART_DELAY=250ms"}});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(3));
  std::vector<long long> gaps = restart_gaps_ms(run.lines());
  ASSERT_EQ(gaps.size(), 1u) << run.transcript();
  EXPECT_GE(gaps[0], 250) << gaps_text(gaps);
}

INSTANTIATE_TEST_SUITE_P(Modes, RestartTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
