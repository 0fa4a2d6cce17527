// SPDX-License-Identifier: MIT
// Reaping: every zombie that comes to tend is reaped, also in bursts and with SIGCHLD
// ignored at start.
#include <signal.h>

#include <gtest/gtest.h>

#include "tend_run.h"

namespace tend::e2e {
namespace {

class ReapTest : public testing::TestWithParam<Mode> {};

/// Waits until tend has no child but COMMAND: every orphan that came to it was reaped.
void wait_until_only_command_is_left(TendRun& run, Duration timeout = kEventTimeout) {
  pid_t tend = run.tend_pid();
  pid_t command = run.command_pid();
  run.wait_until([&] { return children_of(tend) == std::vector<pid_t>{command}; },
                 "tend to reap its orphans", timeout);
  // And no zombie anywhere below tend.
  for (pid_t pid : descendants_of(tend)) EXPECT_NE(read_stat(pid)->state, 'Z') << "pid " << pid;
}

TEST_P(ReapTest, ReapsOrphansWhileCommandRuns) {
  TendRun run(GetParam(), {.args = helper({"orphans", "50", "signals"})});
  run.wait_for_line("orphans done 50");
  run.wait_for_line("signals ready");
  wait_until_only_command_is_left(run);
  EXPECT_TRUE(is_alive(run.command_pid()));
}

// tini and catatonit hang forever when started like this.
TEST_P(ReapTest, ReapsWhenStartedWithChildSignalIgnored) {
  Launch launch{.args = helper({"orphans", "20", "signals"})};
  launch.ignored = {SIGCHLD};
  TendRun run(GetParam(), launch);
  run.wait_for_line("orphans done 20");
  run.wait_for_line("signals ready");
  wait_until_only_command_is_left(run);
}

TEST_P(ReapTest, NoticesCommandExitWhenStartedWithChildSignalIgnored) {
  Launch launch{.args = helper({"exit", "7"})};
  launch.ignored = {SIGCHLD};
  EXPECT_EQ(describe_status(run_to_exit(GetParam(), launch).status), exit_with(7));
}

TEST_P(ReapTest, ReapsBurstOfTenThousandOrphansWithFlatMemory) {
  Launch launch{.args = helper({"ready", "read-line", "orphans", "10000", "signals"})};
  launch.stdin_pipe = true;
  TendRun run(GetParam(), launch);
  run.wait_for_line("ready");
  pid_t tend = run.tend_pid();
  // Anonymous memory (heap, stack): what a per-orphan leak would grow. VmRSS also counts code
  // pages mapped on first use, and the kernel may map a large block of the file at once.
  long rss_before = status_number(tend, "RssAnon");
  run.write_stdin("go\n");
  run.wait_for_line("orphans done 10000", 30s);
  run.wait_for_line("signals ready");
  wait_until_only_command_is_left(run, 30s);
  long rss_after = status_number(tend, "RssAnon");
  EXPECT_LE(rss_after, rss_before + 256)
      << "RssAnon in kB before " << rss_before << ", after " << rss_after;
  // COMMAND kept running, and tend still does its job.
  run.signal_tend(SIGUSR1);
  run.wait_for_line(signal_line(SIGUSR1));
}

INSTANTIATE_TEST_SUITE_P(Modes, ReapTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
