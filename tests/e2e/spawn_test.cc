// SPDX-License-Identifier: MIT
// Spawning: how COMMAND starts (process group, signal state, fds) and what tend keeps.
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tend_run.h"

namespace tend::e2e {
namespace {

class SpawnTest : public testing::TestWithParam<Mode> {};

TEST_P(SpawnTest, CommandRunsInItsOwnProcessGroup) {
  TendRun run(GetParam(), {.args = helper({"report", "sleep"})});
  Report report = run.wait_for_report();
  EXPECT_EQ(report["pgrp"], report["pid"]) << "COMMAND as it sees itself";
  pid_t command = run.command_pid();
  EXPECT_EQ(read_stat(command)->pgrp, command);
  EXPECT_NE(read_stat(command)->pgrp, read_stat(run.tend_pid())->pgrp);
}

TEST_P(SpawnTest, SingleChildKeepsTendsProcessGroup) {
  for (const char* option : {"-c", "--single-child"}) {
    TendRun run(GetParam(), {.args = options_then_helper({option}, {"report", "sleep"})});
    run.wait_for_report();
    EXPECT_EQ(read_stat(run.command_pid())->pgrp, read_stat(run.tend_pid())->pgrp) << option;
  }
}

// Nothing tend blocks or ignores for its own work leaks into COMMAND.
TEST_P(SpawnTest, CommandStartsWithCleanSignalStateWhenTendDid) {
  TendRun run(GetParam(), {.args = helper({"report"})});
  Report report = run.wait_for_report();
  EXPECT_EQ(report["sigblk"], mask_of({}));
  EXPECT_EQ(report["sigign"], mask_of({}));
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

TEST_P(SpawnTest, CommandInheritsTendsSignalMaskAndIgnoredSignalsExactly) {
  Launch launch{.args = helper({"report"})};
  launch.blocked = {SIGUSR1, SIGWINCH, SIGTERM, SIGRTMIN + 2};
  launch.ignored = {SIGUSR2, SIGPIPE, SIGINT, SIGRTMIN + 4};
  TendRun run(GetParam(), launch);
  Report report = run.wait_for_report();
  EXPECT_EQ(report["sigblk"], mask_of(launch.blocked));
  EXPECT_EQ(report["sigign"], mask_of(launch.ignored));
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

// `nohup tend -- cmd`: cmd still ignores SIGHUP.
TEST_P(SpawnTest, IgnoredHangupReachesCommandAsIgnored) {
  Launch launch{.args = helper({"report"})};
  launch.ignored = {SIGHUP};
  TendRun run(GetParam(), launch);
  Report report = run.wait_for_report();
  EXPECT_EQ(report["sigign"], mask_of({SIGHUP}));
  EXPECT_EQ(report["sigblk"], mask_of({}));
}

TEST_P(SpawnTest, IgnoredChildSignalReachesCommandAsIgnored) {
  Launch launch{.args = helper({"report"})};
  launch.ignored = {SIGCHLD};
  TendRun run(GetParam(), launch);
  Report report = run.wait_for_report();
  EXPECT_EQ(report["sigign"], mask_of({SIGCHLD}));
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

TEST_P(SpawnTest, CommandGetsNoDescriptorOfTends) {
  TendRun run(GetParam(), {.args = helper({"report"})});
  EXPECT_EQ(run.wait_for_report()["fds"], "0,1,2");
}

TEST_P(SpawnTest, CommandGetsTheDescriptorsTendInherited) {
  TempDir dir;
  Launch launch{.args = helper({"report"})};
  launch.files = {{5, dir.file("five", "5")}, {7, dir.file("seven", "7")}};
  TendRun run(GetParam(), launch);
  EXPECT_EQ(run.wait_for_report()["fds"], "0,1,2,5,7");
}

TEST_P(SpawnTest, CommandStartsInTendsWorkingDirectory) {
  TempDir dir;
  TendRun run(GetParam(), {.args = helper({"report"}), .cwd = dir.path()});
  EXPECT_EQ(run.wait_for_report()["cwd"], dir.path());
}

// Once COMMAND runs, tend holds no mount busy and pins no inherited file.
TEST_P(SpawnTest, TendMovesToRootAndDropsInheritedDescriptors) {
  TempDir dir;
  std::string inherited = dir.file("inherited", "x");
  Launch launch{.args = helper({"report", "sleep"}), .cwd = dir.path()};
  launch.files = {{5, inherited}, {9, inherited}};
  TendRun run(GetParam(), launch);
  EXPECT_EQ(run.wait_for_report()["fds"], "0,1,2,5,9");
  pid_t tend = run.tend_pid();
  std::string tend_dir = "/proc/" + std::to_string(tend);
  run.wait_until([&] { return read_link(tend_dir + "/cwd") == "/"; }, "tend's cwd to become /", 3s);
  run.wait_until(
      [&] {
        for (const auto& [fd, target] : fd_targets(tend)) {
          if (target == inherited) return false;
        }
        return true;
      },
      "tend to close its inherited fds 5 and 9", 3s);
  // What it holds beyond 0-2 is its own, and nothing of the test's directory.
  for (const auto& [fd, target] : fd_targets(tend)) {
    EXPECT_FALSE(target.starts_with(dir.path())) << "fd " << fd << " -> " << target;
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, SpawnTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
