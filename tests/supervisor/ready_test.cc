// SPDX-License-Identifier: MIT
// Readiness: --ready-file exists exactly while COMMAND is ready; --ready-timeout stops a
// COMMAND that is not ready in time and counts it as failed; --ready-fd N is s6's convention.
#include <signal.h>

#include <gtest/gtest.h>

#include "sup_util.h"

namespace tend::e2e {
namespace {

constexpr Duration kQuietPeriod = 500ms;
constexpr Duration kSlack = 1500ms;

class ReadyTest : public testing::TestWithParam<Mode> {};

TEST_P(ReadyTest, ReadyFileAppearsOnlyOnceCommandIsReady) {
  TempDir dir;
  std::string ready_file = dir.path() + "/ready";
  TendRun run(GetParam(),
              {.args = options_then_helper({"--ready-file", ready_file},
                                           {"start", "read-line", "notify", "READY=1", "stamp",
                                            "notified", "signals-until", "TERM", "exit", "0"}),
               .stdin_pipe = true});
  run.wait_for_line("start ");
  EXPECT_FALSE(file_exists(ready_file)) << "ready file before COMMAND was ready";
  run.write_stdin("\n");
  run.wait_for_line("notified");
  run.wait_until([&] { return file_exists(ready_file); }, "the ready file");
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
  EXPECT_FALSE(file_exists(ready_file)) << "ready file left behind";
}

TEST_P(ReadyTest, ReadyFileIsRemovedWhenCommandExits) {
  TempDir dir;
  std::string ready_file = dir.path() + "/ready";
  TendRun run(GetParam(), {.args = options_then_helper({"--ready-file", ready_file},
                                                       {"notify", "READY=1", "stamp", "notified",
                                                        "read-line", "exit", "3"}),
                           .stdin_pipe = true});
  run.wait_for_line("notified");
  run.wait_until([&] { return file_exists(ready_file); }, "the ready file");
  run.close_stdin();
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(3));
  EXPECT_FALSE(file_exists(ready_file)) << "ready file left behind";
}

// Run 1 gets ready and fails; when run 2 starts (and never gets ready) the file is gone.
TEST_P(ReadyTest, ReadyFileIsRemovedBetweenRuns) {
  TempDir dir;
  std::string ready_file = dir.path() + "/ready";
  std::string counter = dir.path() + "/count";
  TendRun run(
      GetParam(),
      {.args = options_then_helper(
           {"--ready-file", ready_file, "--restart", "on-failure:1", "--restart-delay", "50ms"},
           {"count", counter, "if-count", "1", "notify", "READY=1", "stamp", "notified",
            "read-line", "exit", "3", ";;", "start", "signals-until", "TERM", "exit", "0"}),
       .stdin_pipe = true});
  run.wait_for_line("notified");
  run.wait_until([&] { return file_exists(ready_file); }, "the ready file");
  run.write_stdin("\n");
  run.wait_for_line("start ");
  EXPECT_FALSE(file_exists(ready_file)) << "ready file of run 1 still there in run 2";
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
}

TEST_P(ReadyTest, ReadyTimeoutStopsACommandThatIsNeverReady) {
  Clock::time_point started = Clock::now();  // Before COMMAND started, for a safe lower bound.
  TendRun run(GetParam(), {.args = options_then_helper({"--ready-timeout", "300ms", "-t", "200ms"},
                                                       {"start", "sleep"})});
  EXPECT_EQ(describe_status(run.wait_exit()), command_died_of(GetParam(), SIGTERM));
  EXPECT_GE(milliseconds(run.exit_time() - started), 300);
  EXPECT_LT(run.exit_time() - started, 300ms + kSlack);
}

// It exits 0 when stopped, yet it failed: tend exits 1.
TEST_P(ReadyTest, ReadyTimeoutFailureOfACommandExiting0Is1) {
  TendRun run(GetParam(), {.args = options_then_helper({"--ready-timeout", "300ms", "-t", "2s"},
                                                       {"signals-until", "TERM", "exit", "0"})});
  run.wait_for_line(signal_line(SIGTERM));
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(1));
}

TEST_P(ReadyTest, ReadyTimeoutEscalatesWhenCommandIgnoresTerm) {
  Clock::time_point started = Clock::now();
  TendRun run(GetParam(), {.args = options_then_helper({"--ready-timeout", "200ms", "-t", "200ms"},
                                                       {"ignore", "TERM", "start", "sleep"})});
  EXPECT_EQ(describe_status(run.wait_exit()), command_died_of(GetParam(), SIGKILL));
  EXPECT_GE(milliseconds(run.exit_time() - started), 400);
}

TEST_P(ReadyTest, ReadyInTimeKeepsRunning) {
  TendRun run(GetParam(), {.args = options_then_helper({"--ready-timeout", "1s"},
                                                       {"notify", "READY=1", "stamp", "notified",
                                                        "signals-until", "TERM", "exit", "0"})});
  run.wait_for_line("notified");
  EXPECT_FALSE(run.wait_exit_within(1s + kQuietPeriod)) << run.transcript();
  EXPECT_FALSE(has_line(run.lines(), signal_line(SIGTERM))) << "stopped although it was ready";
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
}

// Run 1 is never ready and is stopped; run 2 is ready in time and stays.
TEST_P(ReadyTest, ReadyTimeoutCountsAsFailureForRestart) {
  TempDir dir;
  std::string counter = dir.path() + "/count";
  TendRun run(
      GetParam(),
      {.args = options_then_helper(
           {"--ready-timeout", "1s", "--restart", "on-failure:1", "--restart-delay", "50ms"},
           {"start", "count", counter, "if-count", "2", "notify", "READY=1", "stamp", "notified",
            ";;", "signals-until", "TERM", "exit", "0"})});
  run.wait_for_line(signal_line(SIGTERM));
  run.wait_for_line("notified");
  EXPECT_FALSE(run.wait_exit_within(1s + kQuietPeriod)) << run.transcript();
  EXPECT_EQ(lines_starting(run.lines(), "signal ").size(), 1u) << "run 2 was stopped too";
  run.wait_for_line("signals ready");
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
  EXPECT_EQ(lines_starting(run.lines(), "start ").size(), 2u) << run.transcript();
}

TEST_P(ReadyTest, NewlineOnReadyFdMeansReady) {
  TempDir dir;
  std::string ready_file = dir.path() + "/ready";
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"--ready-fd", "5", "--ready-file", ready_file},
                               {"fds", "start", "read-line", "write-fd", "5", "\n", "stamp",
                                "wrote", "signals-until", "TERM", "exit", "0"}),
                           .stdin_pipe = true});
  std::string fd5 = run.wait_for_line("fd 5 ");
  EXPECT_TRUE(fd5.starts_with("fd 5 pipe:")) << fd5;
  run.wait_for_line("start ");
  EXPECT_FALSE(file_exists(ready_file)) << "ready file before the newline";
  run.write_stdin("\n");
  run.wait_for_line("wrote");
  expect_ready_then_clean_stop(run, ready_file);
}

TEST_P(ReadyTest, ReadyFdSatisfiesTheReadyTimeout) {
  TendRun run(GetParam(), {.args = options_then_helper({"--ready-fd", "4", "--ready-timeout", "1s"},
                                                       {"write-fd", "4", "\n", "stamp", "wrote",
                                                        "signals-until", "TERM", "exit", "0"})});
  run.wait_for_line("wrote");
  EXPECT_FALSE(run.wait_exit_within(1s + kQuietPeriod)) << run.transcript();
  EXPECT_FALSE(has_line(run.lines(), signal_line(SIGTERM))) << "stopped although it was ready";
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
}

TEST_P(ReadyTest, ReadyOptionsFromEnvironment) {
  TempDir dir;
  std::string ready_file = dir.path() + "/ready";
  TendRun run(
      GetParam(),
      {.args =
           helper({"write-fd", "6", "\n", "stamp", "wrote", "signals-until", "TERM", "exit", "0"}),
       .env = {"TEND_READY_FILE=" + ready_file, "TEND_READY_FD=6", "TEND_READY_TIMEOUT=5s"}});
  run.wait_for_line("wrote");
  expect_ready_then_clean_stop(run, ready_file);
}

INSTANTIATE_TEST_SUITE_P(Modes, ReadyTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
