// SPDX-License-Identifier: MIT
// Checks of the harness itself, so that a failure elsewhere points at tend and not at the tests.
#include <signal.h>

#include <gtest/gtest.h>

#include "tend_run.h"

namespace tend::e2e {
namespace {

class HarnessTest : public testing::TestWithParam<Mode> {};

// The helper started in tend's place sees exactly the signal state and fds the test asked for.
TEST_P(HarnessTest, StartsProgramWithRequestedSignalStateAndFds) {
  TempDir dir;
  Launch launch;
  launch.program = kHelper;
  launch.args = {"report"};
  launch.blocked = {SIGUSR1, SIGRTMIN + 2};
  launch.ignored = {SIGHUP, SIGCHLD};
  launch.files = {{5, dir.file("inherited", "x")}};
  launch.cwd = dir.path();
  TendRun run(GetParam(), launch);
  Report report = run.wait_for_report();
  EXPECT_EQ(report["sigblk"], mask_of({SIGUSR1, SIGRTMIN + 2}));
  EXPECT_EQ(report["sigign"], mask_of({SIGHUP, SIGCHLD}));
  EXPECT_EQ(report["fds"], "0,1,2,5");
  EXPECT_EQ(report["cwd"], dir.path());
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

TEST_P(HarnessTest, StartsProgramWithCleanState) {
  Launch launch;
  launch.program = kHelper;
  launch.args = {"report"};
  TendRun run(GetParam(), launch);
  Report report = run.wait_for_report();
  EXPECT_EQ(report["sigblk"], mask_of({}));
  EXPECT_EQ(report["sigign"], mask_of({}));
  EXPECT_EQ(report["fds"], "0,1,2");
  if (GetParam() == Mode::kPid1) {
    EXPECT_EQ(report["pid"], "1");
  }
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

// Teardown leaves nothing behind, even processes that escaped into their own session.
TEST_P(HarnessTest, KillsEverythingItStarted) {
  {
    Launch launch;
    launch.program = kHelper;
    launch.args = {"child", "setsid", "ignore", "TERM", "ready", "sleep", ";;", "ready", "sleep"};
    TendRun run(GetParam(), launch);
    run.wait_for_line("ready");
    run.wait_for_line("ready");
    EXPECT_FALSE(descendants_of(getpid()).empty());
  }
  EXPECT_TRUE(descendants_of(getpid()).empty());
}

INSTANTIATE_TEST_SUITE_P(Modes, HarnessTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
