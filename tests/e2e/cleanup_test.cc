// SPDX-License-Identifier: MIT
// Leftovers: when COMMAND exits, what it left behind gets SIGTERM (and SIGCONT), SIGKILL
// after the grace period, and tend exits as soon as nothing is left.
#include <signal.h>

#include <gtest/gtest.h>

#include "tend_run.h"

namespace tend::e2e {
namespace {

constexpr Duration kSlack = 2s;

class CleanupTest : public testing::TestWithParam<Mode> {};

TEST_P(CleanupTest, ExitsAtOnceWhenNothingIsLeft) {
  Clock::time_point started = Clock::now();
  TendRun run(GetParam(), {.args = options_then_helper({"-t", "60s"}, {"exit", "0"})});
  EXPECT_EQ(describe_status(run.wait_exit(5s)), exit_with(0));
  EXPECT_LT(run.exit_time() - started, kSlack);
}

TEST_P(CleanupTest, TermsLeftoverAndExitsOnceItIsGone) {
  TendRun run(GetParam(),
              {.args = options_then_helper({"-t", "60s"}, {"child", "tag", "L", "signals-until",
                                                           "TERM", ";;", "exit", "3"})});
  run.wait_for_line("L signals ready");
  run.wait_for_line(signal_line(SIGTERM, "L"));
  EXPECT_EQ(describe_status(run.wait_exit(5s)), exit_with(3));
  EXPECT_TRUE(descendants_of(getpid()).empty()) << "tend left processes behind";
}

TEST_P(CleanupTest, KillsLeftoverIgnoringTermAfterGrace) {
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"-t", "300ms"}, {"child", "tag", "L", "ignore", "TERM", "ready",
                                                 "sleep", ";;", "print", "exiting", "exit", "0"})});
  run.wait_for_line("L ready");
  run.wait_for_line("exiting");
  Clock::time_point exiting = Clock::now();
  EXPECT_EQ(describe_status(run.wait_exit(5s)), exit_with(0));
  Duration took = run.exit_time() - exiting;
  // Measured from when the test read the line, a little after COMMAND printed it.
  EXPECT_GE(milliseconds(took), 250) << "leftover killed before the grace period was over";
  EXPECT_LT(took, 300ms + kSlack);
  EXPECT_TRUE(descendants_of(getpid()).empty()) << "tend left processes behind";
}

// Not just COMMAND's process group: everything below tend.
TEST_P(CleanupTest, TermsLeftoverInAnotherSession) {
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"-t", "60s"}, {"child", "tag", "L", "setsid", "signals-until",
                                               "TERM", ";;", "exit", "0"})});
  run.wait_for_line("L signals ready");
  run.wait_for_line(signal_line(SIGTERM, "L"));
  EXPECT_EQ(describe_status(run.wait_exit(5s)), exit_with(0));
  EXPECT_TRUE(descendants_of(getpid()).empty()) << "tend left processes behind";
}

// A grandchild whose parent exited comes to tend as an orphan, and is cleaned up as well.
TEST_P(CleanupTest, TermsOrphanedGrandchild) {
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"-t", "60s"}, {"child", "child", "tag", "G", "signals-until",
                                               "TERM", ";;", ";;", "exit", "0"})});
  run.wait_for_line("G signals ready");
  run.wait_for_line(signal_line(SIGTERM, "G"));
  EXPECT_EQ(describe_status(run.wait_exit(5s)), exit_with(0));
  EXPECT_TRUE(descendants_of(getpid()).empty()) << "tend left processes behind";
}

TEST_P(CleanupTest, ContinuesStoppedLeftover) {
  Launch launch{.args =
                    options_then_helper({"-t", "60s"}, {"child", "tag", "L", "signals-until",
                                                        "TERM", ";;", "read-line", "exit", "0"})};
  launch.stdin_pipe = true;
  TendRun run(GetParam(), launch);
  run.wait_for_line("L signals ready");
  std::vector<pid_t> leftovers = children_of(run.command_pid());
  ASSERT_EQ(leftovers.size(), 1u);
  pid_t leftover = leftovers[0];
  ASSERT_EQ(kill(leftover, SIGSTOP), 0);
  run.wait_until([&] { return read_stat(leftover)->state == 'T'; }, "the leftover to stop");
  run.write_stdin("exit now\n");
  // Without a SIGCONT it would sit out the 60 s.
  EXPECT_EQ(describe_status(run.wait_exit(5s)), exit_with(0));
  EXPECT_TRUE(has_line(run.lines(), signal_line(SIGTERM, "L")));
}

// A stop that had begun before COMMAND exited leaves the leftovers only what is left of it.
TEST_P(CleanupTest, LeftoversGetWhatIsLeftOfARunningGrace) {
  // COMMAND takes 1 s of the 2 s grace to exit; a restarted timer would fire 1 s late.
  TendRun run(GetParam(),
              {.args = options_then_helper(
                   {"-t", "2s"}, {"child", "tag", "L", "ignore", "TERM", "ready", "sleep", ";;",
                                  "signals-until", "TERM", "sleep-ms", "1000", "exit", "0"})});
  run.wait_for_line("L ready");
  run.wait_for_line("signals ready");
  Clock::time_point sent = Clock::now();
  EXPECT_EQ(run.stop(SIGTERM, 5s), exit_with(0));
  Duration took = run.exit_time() - sent;
  EXPECT_GE(milliseconds(took), 2000);
  EXPECT_LT(milliseconds(took), 2700) << "the grace period started again when COMMAND exited";
}

INSTANTIATE_TEST_SUITE_P(Modes, CleanupTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
