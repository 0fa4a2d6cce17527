// SPDX-License-Identifier: MIT
// Exit status: tend ends the way COMMAND ended, with env/timeout's codes for its own cases.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tend_run.h"

namespace tend::e2e {
namespace {

class ExitStatusTest : public testing::TestWithParam<Mode> {};

TEST_P(ExitStatusTest, ExitsWithCommandsExitCode) {
  for (int code : {0, 1, 7, 255}) {
    Outcome outcome = run_to_exit(GetParam(), {.args = helper({"exit", std::to_string(code)})});
    EXPECT_EQ(describe_status(outcome.status), exit_with(code));
  }
}

// As PID 1: 128+N. Elsewhere: the same signal, so a parent sees what it would without tend.
TEST_P(ExitStatusTest, EndsLikeCommandKilledBySignal) {
  for (int signo : {SIGTERM, SIGUSR1, SIGINT, SIGKILL}) {
    Outcome outcome =
        run_to_exit(GetParam(), {.args = helper({"kill-self", std::to_string(signo)})});
    EXPECT_EQ(describe_status(outcome.status), command_died_of(GetParam(), signo))
        << signal_label(signo) << outcome.err;
  }
}

// COMMAND died of SIGSEGV: tend passes it on without dumping a core of its own.
TEST_P(ExitStatusTest, DumpsNoCoreOfItsOwn) {
  struct stat before {};
  bool had_core = stat("/core", &before) == 0;
  Launch launch{.args = helper({"kill-self", "SEGV"})};
  launch.core_dumps = true;  // Room for a core, so that dumping one would show.
  Outcome outcome = run_to_exit(GetParam(), launch);
  EXPECT_EQ(describe_status(outcome.status), command_died_of(GetParam(), SIGSEGV));
  // core_pattern "core" in the cwd, which is / for tend by then: do not leave one behind.
  if (!had_core && access("/core", F_OK) == 0) {
    ADD_FAILURE() << "a core file appeared in /";
    unlink("/core");
  }
}

TEST_P(ExitStatusTest, CommandNotFound) {
  Outcome outcome = run_to_exit(GetParam(), {.args = {"nonexistent"}});
  EXPECT_EQ(describe_status(outcome.status), exit_with(127));
  EXPECT_NE(outcome.err.find("tend: cannot run 'nonexistent': No such file or directory\n"),
            std::string::npos)
      << outcome.err;
}

TEST_P(ExitStatusTest, CommandNotExecutable) {
  TempDir dir;
  std::string script = dir.file("not-executable", "#!/bin/sh\nexit 0\n", 0644);
  Outcome outcome = run_to_exit(GetParam(), {.args = {script}});
  EXPECT_EQ(describe_status(outcome.status), exit_with(126));
  EXPECT_NE(outcome.err.find("tend: cannot run '" + script + "': Permission denied\n"),
            std::string::npos)
      << outcome.err;
}

TEST_P(ExitStatusTest, DirectoryIsNotExecutable) {
  TempDir dir;
  Outcome outcome = run_to_exit(GetParam(), {.args = {dir.path()}});
  EXPECT_EQ(describe_status(outcome.status), exit_with(126));
  EXPECT_NE(outcome.err.find("tend: cannot run '" + dir.path() + "'"), std::string::npos)
      << outcome.err;
}

TEST_P(ExitStatusTest, SuccessExitMapsSignalDeathToZero) {
  Outcome outcome =
      run_to_exit(GetParam(), {.args = options_then_helper({"-e", "143"}, {"kill-self", "TERM"})});
  EXPECT_EQ(describe_status(outcome.status), exit_with(0));
}

TEST_P(ExitStatusTest, SuccessExitMapsExitCodeToZero) {
  Outcome mapped = run_to_exit(
      GetParam(), {.args = options_then_helper({"--success-exit", "3"}, {"exit", "3"})});
  EXPECT_EQ(describe_status(mapped.status), exit_with(0));
  Outcome other =
      run_to_exit(GetParam(), {.args = options_then_helper({"-e", "3", "-e", "5"}, {"exit", "4"})});
  EXPECT_EQ(describe_status(other.status), exit_with(4));
  Outcome second =
      run_to_exit(GetParam(), {.args = options_then_helper({"-e", "3", "-e", "5"}, {"exit", "5"})});
  EXPECT_EQ(describe_status(second.status), exit_with(0));
}

INSTANTIATE_TEST_SUITE_P(Modes, ExitStatusTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
