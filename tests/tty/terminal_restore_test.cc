// SPDX-License-Identifier: MIT
// The terminal left usable: foreground group given back, settings restored after a kill.
//
// tend runs under `sh -c` (dash: no job control), which, unlike an interactive bash, neither
// takes the terminal back nor restores its settings after a job: what the test sees is tend's.
#include <gtest/gtest.h>
#include <signal.h>
#include <termios.h>

#include <cstring>

#include "pty_session.h"

namespace tend::tty {
namespace {

std::string describe_settings(const termios& settings) {
  char text[128];
  std::snprintf(text, sizeof text, "iflag %#o oflag %#o cflag %#o lflag %#o", settings.c_iflag,
                settings.c_oflag, settings.c_cflag, settings.c_lflag);
  return text;
}

::testing::AssertionResult same_settings(const termios& expected, const termios& actual) {
  bool same = expected.c_iflag == actual.c_iflag && expected.c_oflag == actual.c_oflag &&
              expected.c_cflag == actual.c_cflag && expected.c_lflag == actual.c_lflag &&
              std::memcmp(expected.c_cc, actual.c_cc, sizeof expected.c_cc) == 0;
  if (same) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "terminal settings are " << describe_settings(actual)
                                       << ", expected " << describe_settings(expected);
}

/// `sh -c 'SCRIPT; echo status=$?; read x'`: the shell waits, so the terminal stays as tend
/// left it until the test has looked at it.
PtySession shell_running(const std::string& tend_command) {
  return PtySession({"/bin/sh", "-c", tend_command + "; echo status=$?; read line"});
}

void finish(PtySession& sh) {
  sh.send("\n");
  EXPECT_EQ(describe_status(sh.wait_exit()), exit_with(0)) << sh.screen();
}

/// The helper has put the terminal in raw mode and reported (into `report`).
void expect_raw_mode(PtySession& sh, Report& report) {
  sh.expect("terminal raw");
  report = expect_report(sh);
  ASSERT_EQ(sh.settings().c_lflag & (ECHO | ICANON), 0u) << "the helper did not set raw mode";
}

/// The program died of SIGKILL (the shell's status 137), and the terminal has its settings and
/// its foreground group back.
void expect_restored_after_kill(PtySession& sh) {
  sh.expect("status=" + std::to_string(128 + SIGKILL) + "\n");
  EXPECT_TRUE(same_settings(sh.initial_settings(), sh.settings()));
  EXPECT_EQ(sh.foreground_group(), sh.leader()) << "the terminal was not given back";
  finish(sh);
}

TEST(TerminalRestore, SettingsAndForegroundAfterEscalationKill) {
  PtySession sh = shell_running(R"("$T" -t 200ms -- "$H" ignore TERM raw report loop)");
  Report probe;
  ASSERT_NO_FATAL_FAILURE(expect_raw_mode(sh, probe));
  ASSERT_EQ(sh.foreground_group(), probe.pgrp);
  send_signal(probe.ppid, SIGTERM);
  expect_restored_after_kill(sh);
}

TEST(TerminalRestore, SettingsAndForegroundAfterProgramIsKilled) {
  PtySession sh = shell_running(R"("$T" -- "$H" raw report loop)");
  Report probe;
  ASSERT_NO_FATAL_FAILURE(expect_raw_mode(sh, probe));
  send_signal(probe.pid, SIGKILL);
  expect_restored_after_kill(sh);
}

TEST(TerminalRestore, ForegroundGivenBackAfterNormalExit) {
  PtySession sh = shell_running(R"("$T" -- "$H" report exit 5)");
  Report probe = expect_report(sh);
  EXPECT_EQ(probe.fg0, "yes");
  sh.expect("status=5\n");
  EXPECT_EQ(sh.foreground_group(), sh.leader()) << "the terminal was not given back";
  EXPECT_TRUE(same_settings(sh.initial_settings(), sh.settings()));
  finish(sh);
}

TEST(TerminalRestore, SettingsOfAProgramThatExitsNormallyAreKept) {
  // Like `tend -- stty -echo`: only a program killed by a signal has its settings undone.
  PtySession sh = shell_running(R"("$T" -- "$H" noecho exit 0)");
  sh.expect("terminal noecho");
  sh.expect("status=0\n");
  EXPECT_EQ(sh.settings().c_lflag & ECHO, 0u) << "tend undid the settings of a normal exit";
  EXPECT_EQ(sh.foreground_group(), sh.leader()) << "the terminal was not given back";
  finish(sh);
}

}  // namespace
}  // namespace tend::tty
