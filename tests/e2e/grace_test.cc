// SPDX-License-Identifier: MIT
// Grace period: a stop signal is forwarded, followed by SIGCONT, and SIGKILL follows after
// the grace period unless it is `inf`.
#include <signal.h>

#include <thread>
#include <tuple>

#include <gtest/gtest.h>

#include "tend_run.h"

namespace tend::e2e {
namespace {

/// Slack for a loaded machine between the grace deadline and seeing tend's exit.
constexpr Duration kSlack = 2s;

/// COMMAND that ignores SIGTERM, so only SIGKILL ends it.
std::vector<std::string> stubborn_helper(std::initializer_list<std::string> options) {
  return options_then_helper(options, {"ignore", "TERM", "ready", "sleep"});
}

class GraceTest : public testing::TestWithParam<Mode> {};

TEST_P(GraceTest, KillsCommandIgnoringTermAfterGrace) {
  TendRun run(GetParam(), {.args = stubborn_helper({"-t", "300ms"})});
  run.wait_for_line("ready");
  Clock::time_point sent = Clock::now();
  run.signal_tend(SIGTERM);
  int status = run.wait_exit(5s);
  Duration took = run.exit_time() - sent;
  EXPECT_EQ(describe_status(status), command_died_of(GetParam(), SIGKILL));
  EXPECT_GE(milliseconds(took), 300) << "SIGKILL before the grace period was over";
  EXPECT_LT(took, 300ms + kSlack);
}

TEST_P(GraceTest, SecondTermDoesNotExtendGrace) {
  TendRun run(GetParam(), {.args = options_then_helper({"--grace", "2s"}, {"signals"})});
  run.wait_for_line("signals ready");
  Clock::time_point sent = Clock::now();
  run.signal_tend(SIGTERM);
  run.wait_for_line(signal_line(SIGTERM));
  // Halfway through the grace period: a restarted timer would fire 1 s late.
  std::this_thread::sleep_until(sent + 1s);
  run.signal_tend(SIGTERM);
  run.wait_for_line(signal_line(SIGTERM));  // Forwarded again.
  int status = run.wait_exit(5s);
  Duration took = run.exit_time() - sent;
  EXPECT_EQ(describe_status(status), command_died_of(GetParam(), SIGKILL));
  EXPECT_GE(milliseconds(took), 2000);
  EXPECT_LT(milliseconds(took), 2700) << "the second SIGTERM restarted the grace period";
}

TEST_P(GraceTest, GraceZeroKillsAtOnce) {
  TendRun run(GetParam(), {.args = stubborn_helper({"-t", "0"})});
  run.wait_for_line("ready");
  Clock::time_point sent = Clock::now();
  run.signal_tend(SIGTERM);
  int status = run.wait_exit(5s);
  EXPECT_EQ(describe_status(status), command_died_of(GetParam(), SIGKILL));
  EXPECT_LT(run.exit_time() - sent, kSlack);
}

// With TEND_GRACE=200ms in the environment, a `-t inf` that did not win would show in time.
TEST_P(GraceTest, GraceInfNeverEscalates) {
  TendRun run(GetParam(), {.args = stubborn_helper({"-t", "inf"}), .env = {"TEND_GRACE=200ms"}});
  run.wait_for_line("ready");
  run.signal_tend(SIGTERM);
  // The one wait for the absence of an event: bounded, well past the 200 ms.
  EXPECT_EQ(run.wait_exit_within(1500ms), std::nullopt) << run.transcript();
  EXPECT_TRUE(is_alive(run.command_pid()));
}

TEST_P(GraceTest, StoppedCommandStillActsOnTerm) {
  TendRun run(GetParam(),
              {.args = options_then_helper({"-t", "3s"}, {"signals-until", "TERM", "exit", "0"})});
  run.wait_for_line("signals ready");
  pid_t command = run.command_pid();
  ASSERT_EQ(kill(command, SIGSTOP), 0);
  run.wait_until([&] { return read_stat(command)->state == 'T'; }, "COMMAND to stop");
  run.signal_tend(SIGTERM);
  // Only a SIGCONT lets it see the SIGTERM; without one, SIGKILL would end it after 3 s.
  EXPECT_EQ(describe_status(run.wait_exit(2500ms)), exit_with(0));
  EXPECT_TRUE(has_line(run.lines(), signal_line(SIGTERM)));
}

INSTANTIATE_TEST_SUITE_P(Modes, GraceTest, testing::ValuesIn(kAllModes), ModeName());

using ModeAndSignal = std::tuple<Mode, int>;

std::string mode_and_signal_name(const testing::TestParamInfo<ModeAndSignal>& info) {
  return mode_name(std::get<0>(info.param)) + "_" + signal_label(std::get<1>(info.param));
}

class StopSignalTest : public testing::TestWithParam<ModeAndSignal> {};

// TERM, INT and QUIT each begin a stop: forwarded, followed by SIGCONT, SIGKILL after grace.
TEST_P(StopSignalTest, ForwardsThenContinuesThenKills) {
  auto [mode, signo] = GetParam();
  TendRun run(mode, {.args = options_then_helper({"-t", "300ms"}, {"signals"})});
  run.wait_for_line("signals ready");
  Clock::time_point sent = Clock::now();
  run.signal_tend(signo);
  size_t stop = run.wait_for_line_index(signal_line(signo));
  size_t cont = run.wait_for_line_index(signal_line(SIGCONT));
  EXPECT_LT(stop, cont) << "SIGCONT must follow the stop signal";
  int status = run.wait_exit(5s);
  EXPECT_EQ(describe_status(status), command_died_of(mode, SIGKILL));
  EXPECT_GE(milliseconds(run.exit_time() - sent), 300);
}

INSTANTIATE_TEST_SUITE_P(StopSignals, StopSignalTest,
                         testing::Combine(testing::ValuesIn(kAllModes),
                                          testing::Values(SIGTERM, SIGINT, SIGQUIT)),
                         mode_and_signal_name);

}  // namespace
}  // namespace tend::e2e
