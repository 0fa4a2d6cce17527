// SPDX-License-Identifier: MIT
// Forking daemons: with --pidfile, the pid the daemon writes becomes the main process —
// signals go to it (and its group), its exit is tend's — and every bad pid file is an error (125)
// that never makes tend signal a process it does not own.
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "sup_util.h"

namespace tend::e2e {
namespace {

constexpr int kTendFailed = 125;

class PidfileTest : public testing::TestWithParam<Mode> {};

TEST_P(PidfileTest, ForwardsSignalsToTheDaemonAndExitsWithItsStatus) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(),
              {.args = options_then_helper({"--pidfile", pidfile},
                                           {"daemonize", "tag", "D", "write-pid", pidfile,
                                            "signals-until", "TERM", "exit", "7"})});
  run.wait_for_line("launcher exit 0");
  run.wait_for_line("D signals ready");
  signal_until_line(run, SIGUSR1, signal_line(SIGUSR1, "D"));
  EXPECT_FALSE(run.wait_exit_within(Duration::zero())) << "tend ended with the launcher";
  EXPECT_EQ(stop_through(run, "D"), exit_with(7));
}

TEST_P(PidfileTest, DaemonsExitStatusIsTendsExitStatus) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(), {.args = options_then_helper({"--pidfile", pidfile},
                                                       {"daemonize", "tag", "D", "write-pid",
                                                        pidfile, "sleep-ms", "300", "exit", "4"})});
  run.wait_for_line("launcher exit 0");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(4));
  EXPECT_TRUE(has_line(run.lines(), "D exit 4")) << run.transcript();
}

TEST_P(PidfileTest, DaemonsDeathBySignalIsTendsStatus) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(),
              {.args = options_then_helper({"--pidfile", pidfile},
                                           {"daemonize", "tag", "D", "write-pid", pidfile,
                                            "sleep-ms", "300", "kill-self", "USR2"})});
  EXPECT_EQ(describe_status(run.wait_exit()), command_died_of(GetParam(), SIGUSR2));
}

TEST_P(PidfileTest, PidfileFromEnvironment) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(), {.args = helper({"daemonize", "tag", "D", "write-pid", pidfile,
                                           "sleep-ms", "300", "exit", "4"}),
                           .env = {"TEND_PIDFILE=" + pidfile}});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(4));
}

// The daemon leads its own process group (it called setsid): its child gets the signal too.
TEST_P(PidfileTest, ForwardsToTheDaemonsProcessGroup) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"--pidfile", pidfile},
                               {"daemonize", "setsid", "child", "tag", "K", "signals-until", "TERM",
                                "exit", "0", ";;", "tag", "D", "write-pid", pidfile,
                                "signals-until", "TERM", "exit", "0"})});
  run.wait_for_line("K signals ready");
  run.wait_for_line("D signals ready");
  signal_until_line(run, SIGUSR1, signal_line(SIGUSR1, "D"));
  run.wait_for_line(signal_line(SIGUSR1, "K"));
  run.signal_tend(SIGTERM);
  run.wait_for_line(signal_line(SIGTERM, "D"));
  run.wait_for_line(signal_line(SIGTERM, "K"));
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

// After the classic double fork the daemon is in its parent's group, which it does not lead:
// the signal goes to the daemon alone, not to the group.
TEST_P(PidfileTest, SignalsOnlyTheDaemonWhenItLeadsNoGroup) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(),
              {.args = options_then_helper(
                   {"--pidfile", pidfile},
                   {"daemonize", "child", "tag", "K", "signals-until", "TERM", "exit", "0", ";;",
                    "tag", "D", "write-pid", pidfile, "signals-until", "TERM", "exit", "0"})});
  run.wait_for_line("K signals ready");
  run.wait_for_line("D signals ready");
  signal_until_line(run, SIGUSR1, signal_line(SIGUSR1, "D"));
  Clock::time_point quiet_until = Clock::now() + 300ms;
  run.wait_until([&] { return Clock::now() >= quiet_until; }, "the quiet period");
  EXPECT_FALSE(has_line(run.lines(), signal_line(SIGUSR1, "K")))
      << "the signal went to a group the daemon does not lead";
  EXPECT_EQ(stop_through(run, "D"), exit_with(0));
}

// A daemon that ignores SIGTERM is killed once the grace period is over, like COMMAND would be.
TEST_P(PidfileTest, StopEscalatesToKillOnTheDaemon) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(),
              {.args = options_then_helper({"--pidfile", pidfile, "-t", "200ms"},
                                           {"daemonize", "tag", "D", "ignore", "TERM", "write-pid",
                                            pidfile, "signals-until", "USR1", "sleep"})});
  run.wait_for_line("D signals ready");
  signal_until_line(run, SIGUSR1, signal_line(SIGUSR1, "D"));
  Clock::time_point sent = Clock::now();
  EXPECT_EQ(run.stop(), command_died_of(GetParam(), SIGKILL));
  EXPECT_GE(milliseconds(run.exit_time() - sent), 200);
}

// The launcher exits 0 first; the daemon writes its pid file 300 ms later.
TEST_P(PidfileTest, WaitsForAPidfileWrittenAfterTheLauncherExits) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"--pidfile", pidfile},
                               {"daemonize-nowait", "tag", "D", "sleep-ms", "300", "write-pid",
                                pidfile, "sleep-ms", "300", "exit", "5"})});
  run.wait_for_line("launcher exit 0");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(5));
}

TEST_P(PidfileTest, LauncherFailingBeforeThePidfileIsAnError) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(),
              {.args = options_then_helper({"--pidfile", pidfile}, {"start", "exit", "3"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(kTendFailed));
  EXPECT_NE(run.stderr_text().find("tend: "), std::string::npos) << run.transcript();
}

TEST_P(PidfileTest, PidfileThatNeverAppearsIsAnErrorAfterTheTimeout) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  Clock::time_point launched = Clock::now();
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"--pidfile", pidfile, "--pidfile-timeout", "300ms", "-t", "200ms"},
                               {"daemonize", "tag", "D", "release", "sleep"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(kTendFailed));
  EXPECT_GE(milliseconds(run.exit_time() - launched), 300);
  EXPECT_NE(run.stderr_text().find("tend: "), std::string::npos) << run.transcript();
  EXPECT_TRUE(descendants_of(getpid()).empty()) << "tend left the daemon behind";
}

TEST_P(PidfileTest, PidfileThatHoldsNoPidIsAnError) {
  std::vector<std::string> contents = {"garbage\n", "12abc\n", "0\n", "99999999999\n"};
  // -1 would mean "every process" to kill(2): only where that is a throwaway namespace.
  if (GetParam() == Mode::kPid1) contents.push_back("-1\n");
  for (const auto& content : contents) {
    SCOPED_TRACE("pid file holds '" + content + "'");
    TempDir dir;
    std::string pidfile = dir.path() + "/daemon.pid";
    TendRun run(GetParam(), {.args = options_then_helper(
                                 {"--pidfile", pidfile, "--pidfile-timeout", "2s", "-t", "200ms"},
                                 {"daemonize", "write-file", pidfile, content, "sleep"})});
    EXPECT_EQ(describe_status(run.wait_exit()), exit_with(kTendFailed));
    EXPECT_NE(run.stderr_text().find("tend: "), std::string::npos) << run.transcript();
  }
}

// The pid of a process outside tend's subtree: an error, and that process is left alone.
TEST_P(PidfileTest, PidThatIsNotADescendantIsAnError) {
  Stranger bystander({});
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(),
              {.args = options_then_helper(
                   {"--pidfile", pidfile, "-t", "200ms"},
                   {"write-file", pidfile, std::to_string(bystander.pid()) + "\n", "exit", "0"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(kTendFailed));
  EXPECT_NE(run.stderr_text().find("tend: "), std::string::npos) << run.transcript();
  EXPECT_TRUE(bystander.is_untouched()) << "tend signalled a process it does not own";
}

// As PID 1, "1" is tend itself; elsewhere it would be the machine's init, so only there.
TEST(PidfileAsPid1Test, PidOneIsAnError) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(Mode::kPid1,
              {.args = options_then_helper({"--pidfile", pidfile},
                                           {"write-file", pidfile, "1\n", "exit", "0"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(kTendFailed));
  EXPECT_NE(run.stderr_text().find("tend: "), std::string::npos) << run.transcript();
}

TEST_P(PidfileTest, RestartPolicyStartsTheLauncherAgain) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(),
              {.args = options_then_helper(
                   {"--pidfile", pidfile, "--restart", "on-failure:1", "--restart-delay", "50ms"},
                   {"start", "daemonize", "tag", "D", "write-pid", pidfile, "sleep-ms", "200",
                    "exit", "3"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(3));
  EXPECT_EQ(lines_starting(run.lines(), "start ").size(), 2u) << run.transcript();
  EXPECT_EQ(lines_starting(run.lines(), "D exit 3").size(), 2u) << run.transcript();
}

// With a restart policy, a launcher that fails is just a failed run: it is started again.
TEST_P(PidfileTest, RestartPolicyAppliesToAFailingLauncher) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(), {.args = options_then_helper({"--pidfile", pidfile, "--restart",
                                                        "on-failure:1", "--restart-delay", "50ms"},
                                                       {"start", "exit", "3"})});
  int status = run.wait_exit();
  EXPECT_NE(describe_status(status), exit_with(0));
  EXPECT_EQ(lines_starting(run.lines(), "start ").size(), 2u) << run.transcript();
}

INSTANTIATE_TEST_SUITE_P(Modes, PidfileTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
