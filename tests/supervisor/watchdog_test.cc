// SPDX-License-Identifier: MIT
// Watchdog: with --watchdog D (or COMMAND's WATCHDOG_USEC=N), a COMMAND that does not
// send WATCHDOG=1 within D of its start or of its last one is stopped and counts as failed.
#include <signal.h>

#include <gtest/gtest.h>

#include "sup_util.h"

namespace tend::e2e {
namespace {

constexpr Duration kSlack = 1500ms;

class WatchdogTest : public testing::TestWithParam<Mode> {};

TEST_P(WatchdogTest, SetsWatchdogUsecAndPidForCommand) {
  TendRun run(GetParam(), {.args = options_then_helper({"--watchdog", "2s"},
                                                       {"start", "env", "WATCHDOG_USEC", "env",
                                                        "WATCHDOG_PID", "exit", "0"})});
  std::string pid = field_of(run.wait_for_line("start "), "pid");
  EXPECT_EQ(run.wait_for_line("env WATCHDOG_USEC"), "env WATCHDOG_USEC=2000000");
  EXPECT_EQ(run.wait_for_line("env WATCHDOG_PID"), "env WATCHDOG_PID=" + pid);
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

// Pings every 100ms for 1.5s under a 1s watchdog, then exits on its own.
TEST_P(WatchdogTest, CommandThatKeepsPingingRuns) {
  TendRun run(GetParam(),
              {.args = options_then_helper({"--watchdog", "1s"}, {"notify", "READY=1", "pings",
                                                                  "100", "16", "exit", "0"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
  EXPECT_EQ(lines_starting(run.lines(), "ping ").size(), 16u) << run.transcript();
}

TEST_P(WatchdogTest, CommandThatNeverPingsIsStoppedAfterTheTimeout) {
  Clock::time_point started = Clock::now();  // Before COMMAND started, for a safe lower bound.
  TendRun run(GetParam(), {.args = options_then_helper({"--watchdog", "300ms", "-t", "200ms"},
                                                       {"start", "sleep"})});
  EXPECT_EQ(describe_status(run.wait_exit()), command_died_of(GetParam(), SIGTERM));
  EXPECT_GE(milliseconds(run.exit_time() - started), 300);
  EXPECT_LT(run.exit_time() - started, 300ms + kSlack);
}

TEST_P(WatchdogTest, CommandThatStopsPingingIsStoppedAndLogged) {
  TendRun run(GetParam(), {.args = options_then_helper({"-v", "--watchdog", "1s", "-t", "2s"},
                                                       {"notify", "READY=1", "pings", "100", "6",
                                                        "signals-until", "TERM", "exit", "0"})});
  Clock::time_point last_ping = stamp_of(run.wait_for_line("ping 6 "));
  Clock::time_point stopped = stamp_of(run.wait_for_line(signal_line(SIGTERM)));
  EXPECT_GE(milliseconds(stopped - last_ping), 1000) << "stopped before the watchdog ran out";
  EXPECT_LT(stopped - last_ping, 1s + kSlack);
  // It exited 0 on SIGTERM, but the watchdog made it a failure.
  EXPECT_NE(describe_status(run.wait_exit()), exit_with(0));
  EXPECT_FALSE(stderr_lines_with(run, "watchdog").empty()) << run.transcript();
}

TEST_P(WatchdogTest, StopEscalatesWhenCommandIgnoresTerm) {
  Clock::time_point started = Clock::now();
  TendRun run(GetParam(), {.args = options_then_helper({"--watchdog", "200ms", "-t", "200ms"},
                                                       {"ignore", "TERM", "start", "sleep"})});
  EXPECT_EQ(describe_status(run.wait_exit()), command_died_of(GetParam(), SIGKILL));
  EXPECT_GE(milliseconds(run.exit_time() - started), 400);
}

TEST_P(WatchdogTest, RestartOnFailureBringsItBack) {
  TendRun run(GetParam(),
              {.args = options_then_helper({"--watchdog", "200ms", "-t", "200ms", "--restart",
                                            "on-failure:1", "--restart-delay", "50ms"},
                                           {"start", "env", "WATCHDOG_PID", "sleep"})});
  EXPECT_EQ(describe_status(run.wait_exit()), command_died_of(GetParam(), SIGTERM));
  std::vector<std::string> starts = lines_starting(run.lines(), "start ");
  std::vector<std::string> pids = lines_starting(run.lines(), "env WATCHDOG_PID");
  ASSERT_EQ(starts.size(), 2u) << run.transcript();
  ASSERT_EQ(pids.size(), 2u) << run.transcript();
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(pids[i], "env WATCHDOG_PID=" + field_of(starts[i], "pid")) << run.transcript();
  }
}

TEST_P(WatchdogTest, CommandsOwnWatchdogUsecArmsTheWatchdog) {
  TendRun run(GetParam(),
              {.args = options_then_helper({"-t", "200ms"}, {"stamp", "arming", "notify-fd",
                                                             "WATCHDOG_USEC=300000", "sleep"})});
  Clock::time_point armed = stamp_of(run.wait_for_line("arming"));
  EXPECT_EQ(describe_status(run.wait_exit()), command_died_of(GetParam(), SIGTERM));
  EXPECT_GE(milliseconds(run.exit_time() - armed), 300);
  EXPECT_LT(run.exit_time() - armed, 300ms + kSlack);
}

TEST_P(WatchdogTest, WatchdogFromEnvironment) {
  TendRun run(GetParam(), {.args = helper({"start", "env", "WATCHDOG_USEC", "sleep"}),
                           .env = {"TEND_WATCHDOG=300ms", "TEND_GRACE=200ms"}});
  EXPECT_EQ(run.wait_for_line("env WATCHDOG_USEC"), "env WATCHDOG_USEC=300000");
  EXPECT_EQ(describe_status(run.wait_exit()), command_died_of(GetParam(), SIGTERM));
}

INSTANTIATE_TEST_SUITE_P(Modes, WatchdogTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
