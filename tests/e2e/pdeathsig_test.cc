// SPDX-License-Identifier: MIT
// Parent death: with --pdeathsig, the death of tend's parent is a signal tend acts on.
#include <signal.h>

#include <gtest/gtest.h>

#include "tend_run.h"

namespace tend::e2e {
namespace {

class PdeathsigTest : public testing::TestWithParam<Mode> {};

// The parent is unshare as PID 1, an intermediate process otherwise; either way it is killed,
// tend gets SIGTERM, forwards it, and ends with COMMAND (it came back to the test as orphan).
TEST_P(PdeathsigTest, StopsCommandWhenParentDies) {
  for (const char* option : {"-p", "--pdeathsig"}) {
    Launch launch{
        .args = options_then_helper({option, "TERM"}, {"signals-until", "TERM", "exit", "0"})};
    launch.under_parent = true;
    TendRun run(GetParam(), launch);
    run.wait_for_line("signals ready");
    pid_t tend = run.tend_pid();
    ASSERT_NE(tend, run.root_pid());
    ASSERT_EQ(kill(run.root_pid(), SIGKILL), 0);
    run.wait_for_line(signal_line(SIGTERM));
    EXPECT_EQ(describe_status(run.wait_pid_exit(tend)), exit_with(0)) << option;
  }
}

TEST_P(PdeathsigTest, SignalByNumberIsForwardedLikeAnyOther) {
  Launch launch{.args = options_then_helper({"-p", "10"}, {"signals"})};
  launch.under_parent = true;
  TendRun run(GetParam(), launch);
  run.wait_for_line("signals ready");
  run.tend_pid();
  ASSERT_EQ(kill(run.root_pid(), SIGKILL), 0);
  run.wait_for_line(signal_line(SIGUSR1));
  EXPECT_TRUE(is_alive(run.tend_pid()));
}

INSTANTIATE_TEST_SUITE_P(Modes, PdeathsigTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
