// SPDX-License-Identifier: MIT
// Unit tests of the exit-status mapping: wait statuses, tend's own exit, and exec failures.
#include "init/exit_status.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>

namespace tend {
namespace {

constexpr int exited(int code) { return code << 8; }

TEST(ChildStatus, DecodesWaitStatus) {
  ChildStatus status = ChildStatus::from_wait_status(exited(3));
  EXPECT_FALSE(status.signaled);
  EXPECT_EQ(status.value, 3);
  EXPECT_EQ(status.describe(), "exit code 3");
  status = ChildStatus::from_wait_status(SIGTERM);
  EXPECT_TRUE(status.signaled);
  EXPECT_EQ(status.shell_code(), 143);
  EXPECT_EQ(status.describe(), "signal SIGTERM");
  EXPECT_EQ(ChildStatus::from_wait_status(SIGSEGV | 0x80).value, SIGSEGV);  // core dumped
}

TEST(ChildStatus, FormatsAsItsDescription) {
  EXPECT_EQ(fmt::format("({})", ChildStatus{false, 3}), "(exit code 3)");
  EXPECT_EQ(fmt::format("({})", ChildStatus{true, SIGKILL}), "(signal SIGKILL)");
}

TEST(DecideExit, ExitCodePassesThrough) {
  TendExit exit = decide_exit({false, 42}, false, {});
  EXPECT_EQ(exit.code, 42);
  EXPECT_EQ(exit.signal, 0);
}

TEST(DecideExit, SignalDeathAsPid1Is128PlusN) {
  TendExit exit = decide_exit({true, SIGKILL}, true, {});
  EXPECT_EQ(exit.code, 137);
  EXPECT_EQ(exit.signal, 0);
}

TEST(DecideExit, SignalDeathElsewhereDiesOfTheSameSignal) {
  TendExit exit = decide_exit({true, SIGINT}, false, {});
  EXPECT_EQ(exit.signal, SIGINT);
  EXPECT_EQ(exit.code, 130);
}

TEST(DecideExit, SuccessCodesMapToZero) {
  EXPECT_EQ(decide_exit({true, SIGTERM}, false, {143}).code, 0);
  EXPECT_EQ(decide_exit({true, SIGTERM}, false, {143}).signal, 0);
  EXPECT_EQ(decide_exit({false, 3}, true, {3, 4}).code, 0);
  EXPECT_EQ(decide_exit({false, 5}, true, {3, 4}).code, 5);
}

TEST(ExecError, NotFoundIs127OtherwiseIs126) {
  EXPECT_EQ(exit_code_for_exec_error(ENOENT), kExitNotFound);
  EXPECT_EQ(exit_code_for_exec_error(EACCES), kExitCannotExecute);
  EXPECT_EQ(exit_code_for_exec_error(ENOEXEC), kExitCannotExecute);
  EXPECT_EQ(kExitTendFailure, 125);
}

}  // namespace
}  // namespace tend
