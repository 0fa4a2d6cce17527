// SPDX-License-Identifier: MIT
// A foreground job of an interactive shell: `tend -- PROGRAM` typed at a bash prompt.
#include <gtest/gtest.h>
#include <signal.h>

#include "pty_session.h"

namespace tend::tty {
namespace {

class ForegroundJob : public ::testing::Test {
 protected:
  // POSIX mode: `jobs` says which signal stopped a job, "Stopped(SIGTSTP)", not just "Stopped".
  void SetUp() override {
    bash_.expect_prompt();
    bash_.run("set -o posix");
  }

  /// Types `line` at the prompt and waits for the helper's first report.
  Report start(std::string_view line) {
    bash_.send_line(line);
    return expect_report(bash_);
  }

  /// `$?` of the last command, as bash prints it.
  void expect_status(int code) {
    bash_.send_line("echo status=$?");
    bash_.expect("status=" + std::to_string(code) + "\n");
    bash_.expect_prompt();
  }

  /// Ctrl-C reaches the program (running `catch INT ... loop`) once, and its death of SIGINT
  /// is the shell's status 130.
  void expect_one_ctrl_c_then_death_by_sigint() {
    bash_.send("\x03");
    bash_.expect("caught INT 1\n");
    bash_.send_line("q-count");
    bash_.expect("counts int=1 ");
    bash_.send_line("q-die-int");
    bash_.expect_prompt();
    EXPECT_FALSE(bash_.seen("caught INT 2")) << "SIGINT reached the program twice";
    expect_status(130);
  }

  PtySession bash_{interactive_bash()};
};

TEST_F(ForegroundJob, ProgramOwnsTheTerminalInItsOwnGroup) {
  Report probe = start("$T -- $H report loop");
  EXPECT_EQ(probe.fg0, "yes");
  EXPECT_EQ(probe.fgtty, "yes");
  EXPECT_EQ(probe.pgrp, probe.pid);
  auto tend = read_stat(probe.ppid);
  ASSERT_TRUE(tend);
  EXPECT_NE(probe.pgrp, tend->pgrp) << "COMMAND shares tend's group";
  bash_.send_line("q-exit 0");
  bash_.expect_prompt();
  expect_status(0);
  EXPECT_EQ(bash_.foreground_group(), bash_.leader());
  EXPECT_FALSE(bash_.seen("tend:")) << "tend printed something";
}

TEST_F(ForegroundJob, CtrlCReachesProgramExactlyOnce) {
  start("$T -- $H catch INT report loop");
  expect_one_ctrl_c_then_death_by_sigint();
}

TEST_F(ForegroundJob, CtrlCEndsProgramAndShellSees130) {
  Report probe = start("$T -- $H report loop");
  pid_t tend = probe.ppid;
  bash_.send("\x03");
  bash_.expect_prompt();
  expect_status(130);
  EXPECT_FALSE(is_alive(tend));
}

TEST_F(ForegroundJob, CtrlZStopsTheJobAndFgResumesItInTheForeground) {
  Report probe = start("$T -- $H catch CONT report loop");
  pid_t tend = probe.ppid;
  bash_.send("\x1a");
  bash_.expect("Stopped");
  bash_.expect_prompt();
  EXPECT_TRUE(is_stopped(tend)) << "tend is not stopped";
  EXPECT_TRUE(is_stopped(probe.pid)) << "the program is not stopped";
  EXPECT_EQ(bash_.foreground_group(), bash_.leader()) << "the shell did not get the terminal";

  bash_.send_line("jobs");
  bash_.expect_regex(R"(\[1\]\+ +Stopped\(SIGTSTP\) +\$T -- \$H catch CONT report loop)");
  bash_.expect_prompt();

  bash_.send_line("fg");
  bash_.expect("$T -- $H catch CONT report loop\n");
  bash_.expect("caught CONT 1\n");
  bash_.send_line("q-fg");
  bash_.expect("fg yes");
  EXPECT_EQ(bash_.foreground_group(), probe.pgrp);
  bash_.send_line("q-exit 3");
  bash_.expect_prompt();
  expect_status(3);
}

TEST_F(ForegroundJob, BgRunsItInTheBackgroundWhereReadingTheTerminalStopsItAgain) {
  Report probe = start("$T -- $H catch CONT report loop");
  pid_t tend = probe.ppid;
  bash_.send("\x1a");
  bash_.expect("Stopped");
  bash_.expect_prompt();

  // Continued in the background, the helper is back in read(2) on the terminal: SIGTTIN.
  size_t before_bg = bash_.mark();
  bash_.send_line("bg");
  bash_.wait_for("caught CONT 1\n", before_bg);
  bash_.wait_until([&] { return is_stopped(probe.pid) && is_stopped(tend); },
                   "the program and tend to stop again on SIGTTIN");
  EXPECT_EQ(bash_.foreground_group(), bash_.leader()) << "tend took the terminal on bg";
  bash_.expect_prompt();
  bash_.send_line("jobs");
  bash_.expect_regex(R"(\[1\]\+ +Stopped\(SIGTTIN\) +\$T -- \$H)");
  bash_.expect_prompt();

  // And fg still brings it back, now with the terminal.
  bash_.send_line("fg");
  bash_.expect("caught CONT 2\n");
  bash_.send_line("q-fg");
  bash_.expect("fg yes");
  bash_.send_line("q-exit 0");
  bash_.expect_prompt();
  expect_status(0);
}

TEST_F(ForegroundJob, ResizeReachesProgramExactlyOnceWithTheNewSize) {
  start("$T -- $H catch WINCH report loop");
  bash_.resize(33, 111);
  bash_.expect("caught WINCH 1\n");
  bash_.send_line("q-size");
  bash_.expect("size rows=33 cols=111");
  bash_.send_line("q-count");
  bash_.expect_regex(R"(counts int=0 winch=1 )");
  bash_.send_line("q-exit 0");
  bash_.expect_prompt();
  EXPECT_FALSE(bash_.seen("caught WINCH 2")) << "SIGWINCH reached the program twice";
}

TEST_F(ForegroundJob, SingleChildSharesTendsGroupAndGetsCtrlCOnce) {
  Report probe = start("$T -c -- $H catch INT report loop");
  EXPECT_EQ(probe.fg0, "yes");
  auto tend = read_stat(probe.ppid);
  ASSERT_TRUE(tend);
  EXPECT_EQ(probe.pgrp, tend->pgrp) << "-c: COMMAND runs in tend's process group";
  expect_one_ctrl_c_then_death_by_sigint();
}

TEST_F(ForegroundJob, SigtermStopsProgramGracefully) {
  Report probe = start("$T -- $H exit-on TERM report loop");
  send_signal(probe.ppid, SIGTERM);
  bash_.expect("caught TERM 1");
  bash_.expect_prompt();
  expect_status(0);
}

TEST_F(ForegroundJob, SigtermEscalatesToSigkillAfterGrace) {
  Report probe = start("$T -t 200ms -- $H ignore TERM report loop");
  auto sent = Clock::now();
  send_signal(probe.ppid, SIGTERM);
  bash_.expect_prompt();
  auto took = Clock::now() - sent;
  expect_status(128 + SIGKILL);
  EXPECT_GE(milliseconds(took), 200);
  EXPECT_LT(milliseconds(took), 5000);
}

}  // namespace
}  // namespace tend::tty
