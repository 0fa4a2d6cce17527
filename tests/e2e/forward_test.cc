// SPDX-License-Identifier: MIT
// Forwarding: signals tend receives go on to COMMAND's process group (or COMMAND alone),
// rewritten if asked, and none of them is fatal to tend.
#include <signal.h>

#include <tuple>

#include <gtest/gtest.h>

#include "tend_run.h"

namespace tend::e2e {
namespace {

using ModeAndSignal = std::tuple<Mode, int>;

std::string mode_and_signal_name(const testing::TestParamInfo<ModeAndSignal>& info) {
  return mode_name(std::get<0>(info.param)) + "_" + signal_label(std::get<1>(info.param));
}

/// Sent to tend after a signal under test: when it comes through, tend survived and anything
/// forwarded before it has arrived (standard signals are dequeued before real-time ones).
int fence_signal() { return SIGRTMIN + 5; }

/// `sh -c 'helper A >&3 | helper B'`: two processes of COMMAND's group that print what they get.
Launch pipeline_of_helpers(std::initializer_list<std::string> options) {
  std::string script = kHelper + " tag A signals >&3 | " + kHelper + " tag B signals";
  Launch launch{.args = options};
  launch.args.insert(launch.args.end(), {"sh", "-c", script});
  launch.stdout_copies = {3};
  return launch;
}

/// The usual job-control and service signals, and a real-time one.
const int kNamedSignals[] = {SIGHUP,   SIGINT,  SIGQUIT, SIGUSR1, SIGUSR2, SIGTERM, SIGALRM,
                             SIGWINCH, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE, 37};

std::vector<int> every_catchable_signal() {
  std::vector<int> signals;
  for (int signo = 1; signo < 32; ++signo) {
    if (signo != SIGKILL && signo != SIGSTOP && signo != SIGCHLD) signals.push_back(signo);
  }
  // glibc keeps 32 and 33 for itself; these are what programs call SIGRTMIN...SIGRTMAX.
  for (int signo : {34, 35, 50, 64}) signals.push_back(signo);
  return signals;
}

class ForwardToGroupTest : public testing::TestWithParam<ModeAndSignal> {};

TEST_P(ForwardToGroupTest, ReachesEveryProcessOfAPipeline) {
  auto [mode, signo] = GetParam();
  TendRun run(mode, pipeline_of_helpers({}));
  run.wait_for_line("A signals ready");
  run.wait_for_line("B signals ready");
  run.signal_tend(signo);
  run.wait_for_line(signal_line(signo, "A"));
  run.wait_for_line(signal_line(signo, "B"));
}

INSTANTIATE_TEST_SUITE_P(NamedSignals, ForwardToGroupTest,
                         testing::Combine(testing::ValuesIn(kAllModes),
                                          testing::ValuesIn(kNamedSignals)),
                         mode_and_signal_name);

class ForwardEverySignalTest : public testing::TestWithParam<ModeAndSignal> {};

// Even SEGV, ABRT or BUS sent with kill(2): forwarded, and tend lives on.
TEST_P(ForwardEverySignalTest, ForwardsAndSurvives) {
  auto [mode, signo] = GetParam();
  TendRun run(mode, {.args = helper({"signals"})});
  run.wait_for_line("signals ready");
  run.signal_tend(signo);
  run.wait_for_line(signal_line(signo));
  run.signal_tend(fence_signal());
  run.wait_for_line(signal_line(fence_signal()));
  EXPECT_TRUE(is_alive(run.tend_pid()));
  EXPECT_TRUE(is_alive(run.command_pid()));
}

INSTANTIATE_TEST_SUITE_P(CatchableSignals, ForwardEverySignalTest,
                         testing::Combine(testing::ValuesIn(kAllModes),
                                          testing::ValuesIn(every_catchable_signal())),
                         mode_and_signal_name);

class ForwardTest : public testing::TestWithParam<Mode> {};

// A shell pipeline as COMMAND: SIGTERM stops both halves, and tend ends the way sh did.
TEST_P(ForwardTest, TermStopsAPipelineOfSleeps) {
  TendRun run(GetParam(), {.args = {"sh", "-c", "sleep 100 | sleep 100"}});
  pid_t tend = run.tend_pid();
  run.wait_until(
      [&] {
        int sleeps = 0;
        for (pid_t pid : descendants_of(tend)) {
          if (read_link("/proc/" + std::to_string(pid) + "/exe").ends_with("/sleep")) ++sleeps;
        }
        return sleeps == 2;
      },
      "both sleeps to start");
  EXPECT_EQ(run.stop(SIGTERM, 5s), command_died_of(GetParam(), SIGTERM));
  EXPECT_TRUE(descendants_of(getpid()).empty()) << "tend left processes behind";
}

TEST_P(ForwardTest, DefaultSignalsTheWholeProcessGroup) {
  TendRun run(GetParam(),
              {.args = helper({"child", "tag", "B", "signals", ";;", "tag", "A", "signals"})});
  run.wait_for_line("B signals ready");
  run.wait_for_line("A signals ready");
  run.signal_tend(SIGUSR1);
  run.wait_for_line(signal_line(SIGUSR1, "A"));
  run.wait_for_line(signal_line(SIGUSR1, "B"));
}

TEST_P(ForwardTest, SingleChildSignalsCommandOnly) {
  TendRun run(GetParam(),
              {.args = options_then_helper({"--single-child"}, {"child", "tag", "B", "signals",
                                                                ";;", "tag", "A", "signals"})});
  run.wait_for_line("B signals ready");
  run.wait_for_line("A signals ready");
  run.signal_tend(SIGUSR1);
  run.wait_for_line(signal_line(SIGUSR1, "A"));
  // Had B been sent SIGUSR1 too, it would be pending now and come out before the fence.
  std::vector<pid_t> grandchildren = children_of(run.command_pid());
  ASSERT_EQ(grandchildren.size(), 1u);
  ASSERT_EQ(kill(grandchildren[0], fence_signal()), 0);
  run.wait_for_line(signal_line(fence_signal(), "B"));
  EXPECT_FALSE(has_line(run.lines(), signal_line(SIGUSR1, "B")));
}

TEST_P(ForwardTest, RewritesASignal) {
  TendRun run(GetParam(), {.args = options_then_helper({"-r", "TERM:QUIT"}, {"signals"})});
  run.wait_for_line("signals ready");
  run.signal_tend(SIGTERM);
  run.wait_for_line(signal_line(SIGQUIT));
  run.signal_tend(fence_signal());
  run.wait_for_line(signal_line(fence_signal()));
  EXPECT_FALSE(has_line(run.lines(), signal_line(SIGTERM)));
}

TEST_P(ForwardTest, RewriteToZeroDropsTheSignal) {
  TendRun run(GetParam(), {.args = options_then_helper({"--rewrite", "USR1:0"}, {"signals"})});
  run.wait_for_line("signals ready");
  run.signal_tend(SIGUSR1);
  run.signal_tend(fence_signal());
  run.wait_for_line(signal_line(fence_signal()));
  EXPECT_FALSE(has_line(run.lines(), signal_line(SIGUSR1)));
}

TEST_P(ForwardTest, RewriteTakesNamesInAnyCaseAndNumbers) {
  TendRun run(GetParam(),
              {.args = options_then_helper(
                   {"-r", "sigusr1:Usr2", "-r", "12:10", "--rewrite=SIGHUP:28"}, {"signals"})});
  run.wait_for_line("signals ready");
  run.signal_tend(SIGUSR1);
  run.wait_for_line(signal_line(SIGUSR2));
  run.signal_tend(SIGUSR2);
  run.wait_for_line(signal_line(SIGUSR1));
  run.signal_tend(SIGHUP);
  run.wait_for_line(signal_line(SIGWINCH));
}

INSTANTIATE_TEST_SUITE_P(Modes, ForwardTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
