// SPDX-License-Identifier: MIT
// --procfile lifecycle: the first service to end for good takes the others down with its status;
// --restart brings a crashing one back with back-off while the rest serve on; one stop signal
// stops all services within one grace period, and SIGKILL ends what ignores it.
#include <signal.h>

#include <gtest/gtest.h>

#include "procfile_util.h"

namespace tend::e2e {
namespace {

class LifecycleTest : public testing::TestWithParam<Mode> {};

/// "s00" ... "s19": names of one width.
std::string fmt_name(int i) { return (i < 10 ? "s0" : "s") + std::to_string(i); }

/// The helper waiting for SIGTERM, then exiting 0; "signals ready" once it waits.
std::string waits_for_term(const std::string& greeting) {
  return helper_line({"print", greeting, "signals-until", "TERM", "exit", "0"});
}

TEST_P(LifecycleTest, FirstServiceToEndTakesTheOthersDownWithItsStatus) {
  TempDir dir;
  std::string procfile = write_procfile(
      dir, {{"web", waits_for_term("serving")},
            {"worker", helper_line({"print", "working", "read-line", "exit", "3"})}});
  TendRun run(GetParam(), {.args = procfile_args({"-v"}, procfile), .stdin_pipe = true});
  run.wait_for_line("web    | serving");
  run.wait_for_line("worker | working");
  run.wait_for_line("web    | signals ready");
  run.close_stdin();  // The worker reads its end of file and exits 3.
  run.wait_for_line("web    | signal 15 TERM");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(3)) << run.transcript();
  EXPECT_FALSE(stderr_lines_with(run, "worker ended with exit code 3 and is not restarted").empty())
      << run.transcript();
  EXPECT_FALSE(stderr_lines_with(run, "web (pid ").empty()) << run.transcript();
}

TEST_P(LifecycleTest, DeathBySignalIsTheContainersStatus) {
  TempDir dir;
  std::string procfile = write_procfile(
      dir, {{"a", waits_for_term("up")}, {"b", helper_line({"read-line", "kill-self", "USR1"})}});
  TendRun run(GetParam(), {.args = procfile_args({}, procfile), .stdin_pipe = true});
  run.wait_for_line("a | signals ready");
  run.close_stdin();
  EXPECT_EQ(describe_status(run.wait_exit()), command_died_of(GetParam(), SIGUSR1))
      << run.transcript();
}

TEST_P(LifecycleTest, CrashingServiceIsRestartedWithBackOffWhileOthersServe) {
  TempDir dir;
  std::string procfile = write_procfile(
      dir, {{"web", waits_for_term("serving")}, {"crash", helper_line({"start", "exit", "1"})}});
  TendRun run(GetParam(),
              {.args = procfile_args(
                   {"-v", "--restart", "on-failure:3", "--restart-delay", "100ms"}, procfile)});
  run.wait_for_line("web   | signals ready");
  // Four runs: the first and three restarts, 100, 200 and 400 ms apart.
  for (int i = 0; i < 4; ++i) run.wait_for_line("crash | start ");
  std::vector<long long> gaps;
  std::vector<std::string> starts = lines_starting(run.lines(), "crash | start ");
  std::vector<std::string> exits = lines_starting(run.lines(), "crash | exit ");
  ASSERT_EQ(starts.size(), 4u) << run.transcript();
  for (size_t i = 1; i < starts.size(); ++i) {
    gaps.push_back(milliseconds(stamp_of(starts[i]) - stamp_of(exits[i - 1])));
  }
  EXPECT_GE(gaps[0], 100);
  EXPECT_GE(gaps[1], 200);
  EXPECT_GE(gaps[2], 400);
  EXPECT_LT(gaps[2], 400 + 1000);
  // Its restarts used up, the crashing service takes the container down with its status.
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(1)) << run.transcript();
  // The web service ran all along: one start, stopped once at the end.
  EXPECT_EQ(lines_starting(run.lines(), "web   | serving").size(), 1u) << run.transcript();
  EXPECT_EQ(lines_starting(run.lines(), "web   | signal 15 TERM").size(), 1u) << run.transcript();
  EXPECT_EQ(stderr_lines_with(run, "restarting crash in ").size(), 3u) << run.transcript();
}

TEST_P(LifecycleTest, OneSigtermStopsTwentyServicesWithinTheGracePeriod) {
  TempDir dir;
  std::vector<ServiceLine> services;
  for (int i = 0; i < 20; ++i) {
    services.emplace_back(fmt_name(i), waits_for_term("up"));
  }
  std::string procfile = write_procfile(dir, services);
  TendRun run(GetParam(), {.args = procfile_args({"--grace", "5s"}, procfile)});
  run.wait_until(
      [&] { return lines_starting(run.lines(), "s").size() >= 40; },  // "up" and "signals ready"
      "all 20 services waiting for SIGTERM");
  Clock::time_point sent = Clock::now();
  EXPECT_EQ(run.stop(), exit_with(0)) << run.transcript();
  EXPECT_LT(milliseconds(run.exit_time() - sent), 5000) << run.transcript();
  for (int i = 0; i < 20; ++i) {
    std::string prefix = fmt_name(i) + " | signal 15 TERM";
    EXPECT_EQ(lines_starting(run.lines(), prefix).size(), 1u) << prefix << run.transcript();
  }
}

TEST_P(LifecycleTest, ServiceIgnoringSigtermIsKilledWhenGraceEnds) {
  TempDir dir;
  std::string procfile = write_procfile(
      dir, {{"polite", waits_for_term("up")},
            {"stubborn", helper_line({"ignore", "TERM", "print", "ignoring", "sleep"})}});
  TendRun run(GetParam(), {.args = procfile_args({"--grace", "1s", "-v"}, procfile)});
  run.wait_for_line("polite   | signals ready");
  run.wait_for_line("stubborn | ignoring");
  Clock::time_point sent = Clock::now();
  run.signal_tend(SIGTERM);
  run.wait_for_line("polite   | signal 15 TERM");
  // The polite one ended first, after the stop began: its status is tend's.
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0)) << run.transcript();
  long long took = milliseconds(run.exit_time() - sent);
  EXPECT_GE(took, 1000) << run.transcript();
  EXPECT_LT(took, 1000 + 1500) << run.transcript();
  EXPECT_FALSE(
      stderr_lines_with(run, "grace period over after 1s, sent SIGKILL to 1 service").empty())
      << run.transcript();
}

TEST_P(LifecycleTest, ForwardsOtherSignalsToEveryServiceGroupWithRewrites) {
  TempDir dir;
  std::string line = helper_line({"signals-until", "QUIT", "exit", "0"});
  std::string procfile = write_procfile(dir, {{"a", line}, {"b", line}});
  TendRun run(GetParam(), {.args = procfile_args(
                               {"--rewrite", "TERM:QUIT", "--rewrite", "HUP:USR2"}, procfile)});
  run.wait_for_line("a | signals ready");
  run.wait_for_line("b | signals ready");
  run.signal_tend(SIGHUP);
  run.wait_for_line("a | signal 12 USR2");
  run.wait_for_line("b | signal 12 USR2");
  run.signal_tend(SIGTERM);
  run.wait_for_line("a | signal 3 QUIT");
  run.wait_for_line("b | signal 3 QUIT");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0)) << run.transcript();
}

TEST_P(LifecycleTest, EachServiceHasItsOwnProcessGroupAndIsTheProgramItself) {
  TempDir dir;
  std::string line = helper_line({"start", "signals-until", "TERM", "exit", "0"});
  std::string procfile = write_procfile(dir, {{"a", line}, {"b", line}});
  TendRun run(GetParam(), {.args = procfile_args({}, procfile)});
  pid_t a = std::stoi(field_of(run.wait_for_line("a | start "), "pid"));
  pid_t b = std::stoi(field_of(run.wait_for_line("b | start "), "pid"));
  run.wait_for_line("a | signals ready");
  run.wait_for_line("b | signals ready");
  // The pids the helpers print are in their own namespace as PID 1; compare through children.
  std::vector<pid_t> children = children_of(run.tend_pid());
  ASSERT_EQ(children.size(), 2u) << run.transcript();
  for (pid_t child : children) {
    std::optional<ProcStat> stat = read_stat(child);
    ASSERT_TRUE(stat);
    EXPECT_EQ(stat->pgrp, child);  // Leads its own group.
    EXPECT_EQ(read_link("/proc/" + std::to_string(child) + "/exe"), kHelper);  // No shell.
  }
  EXPECT_NE(a, b);
  EXPECT_EQ(run.stop(), exit_with(0)) << run.transcript();
}

INSTANTIATE_TEST_SUITE_P(Modes, LifecycleTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
