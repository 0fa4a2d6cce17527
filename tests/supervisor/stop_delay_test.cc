// SPDX-License-Identifier: MIT
// --stop-delay: a stop signal reaches COMMAND only after the delay, a second one during
// the delay goes through at once, and the grace period starts when the signal is forwarded.
#include <signal.h>

#include <gtest/gtest.h>

#include "sup_util.h"

namespace tend::e2e {
namespace {

constexpr Duration kSlack = 1500ms;

class StopDelayTest : public testing::TestWithParam<Mode> {};

TEST_P(StopDelayTest, StopSignalIsForwardedOnlyAfterTheDelay) {
  for (int signo : {SIGTERM, SIGINT, SIGQUIT}) {
    SCOPED_TRACE(signal_label(signo));
    TendRun run(GetParam(),
                {.args = options_then_helper({"--stop-delay", "300ms"},
                                             {"signals-until", signal_label(signo), "exit", "0"})});
    run.wait_for_line("signals ready");
    Clock::time_point sent = Clock::now();
    run.signal_tend(signo);
    Clock::time_point arrived = stamp_of(run.wait_for_line(signal_line(signo)));
    EXPECT_GE(milliseconds(arrived - sent), 300) << "forwarded before the stop delay was over";
    EXPECT_LT(arrived - sent, 300ms + kSlack);
    EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
  }
}

TEST_P(StopDelayTest, SecondStopSignalDuringTheDelayIsForwardedAtOnce) {
  TendRun run(GetParam(), {.args = options_then_helper({"--stop-delay", "10s"},
                                                       {"signals-until", "TERM", "exit", "0"})});
  run.wait_for_line("signals ready");
  run.signal_tend(SIGTERM);
  wait_signal_taken(run, run.tend_pid(), SIGTERM);
  Clock::time_point second = Clock::now();
  run.signal_tend(SIGTERM);
  Clock::time_point arrived = stamp_of(run.wait_for_line(signal_line(SIGTERM)));
  EXPECT_LT(arrived - second, kSlack);
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
  EXPECT_EQ(lines_starting(run.lines(), "signal ").size(), 1u) << run.transcript();
}

// COMMAND takes the SIGTERM and goes on sleeping: SIGKILL comes a full grace period after the
// forwarded SIGTERM, so no sooner than delay + grace after the one tend received.
TEST_P(StopDelayTest, GracePeriodStartsWhenTheSignalIsForwarded) {
  TendRun run(GetParam(), {.args = options_then_helper({"--stop-delay", "300ms", "-t", "1s"},
                                                       {"signals-until", "TERM", "sleep"})});
  run.wait_for_line("signals ready");
  Clock::time_point sent = Clock::now();
  run.signal_tend(SIGTERM);
  Clock::time_point forwarded = stamp_of(run.wait_for_line(signal_line(SIGTERM)));
  EXPECT_EQ(describe_status(run.wait_exit()), command_died_of(GetParam(), SIGKILL));
  EXPECT_GE(milliseconds(forwarded - sent), 300);
  EXPECT_GE(milliseconds(run.exit_time() - sent), 1300) << "grace started before forwarding";
  EXPECT_LT(run.exit_time() - sent, 1300ms + kSlack);
}

TEST_P(StopDelayTest, StopDelayFromEnvironment) {
  TendRun run(GetParam(), {.args = helper({"signals-until", "TERM", "exit", "0"}),
                           .env = {"TEND_STOP_DELAY=300ms"}});
  run.wait_for_line("signals ready");
  Clock::time_point sent = Clock::now();
  run.signal_tend(SIGTERM);
  Clock::time_point arrived = stamp_of(run.wait_for_line(signal_line(SIGTERM)));
  EXPECT_GE(milliseconds(arrived - sent), 300);
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

INSTANTIATE_TEST_SUITE_P(Modes, StopDelayTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
