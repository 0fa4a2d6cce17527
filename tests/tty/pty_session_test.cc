// SPDX-License-Identifier: MIT
// The harness checked without tend: what the terminal tests expect is what bash does on its own.
#include <gtest/gtest.h>
#include <signal.h>
#include <termios.h>

#include "pty_session.h"

namespace tend::tty {
namespace {

TEST(PtySession, BashGetsThePromptAndJobControl) {
  PtySession bash(interactive_bash());
  bash.expect_prompt();
  EXPECT_EQ(bash.foreground_group(), bash.leader());
  bash.run("echo he''llo");
  bash.send_line("$H report");
  Report report = expect_report(bash);
  EXPECT_EQ(report.fg0, "yes");
  EXPECT_EQ(report.pgrp, report.pid);
  bash.expect_prompt();
  EXPECT_FALSE(bash.seen("job control"));
  EXPECT_TRUE(bash.seen("hello"));
}

TEST(PtySession, CtrlCAtThePromptGivesANewPrompt) {
  PtySession bash(interactive_bash());
  bash.expect_prompt();
  wait_until_reading(bash, bash.leader());
  bash.send("\x03");
  bash.expect_prompt();
}

TEST(PtySession, CtrlZAndFgWorkOnTheProbeWithoutTend) {
  PtySession bash(interactive_bash());
  bash.expect_prompt();
  bash.send_line("$H catch CONT report loop");
  Report probe = expect_report(bash);
  bash.send("\x1a");
  bash.expect("Stopped");
  bash.expect_prompt();
  EXPECT_TRUE(is_stopped(probe.pid));
  bash.send_line("fg");
  bash.expect("caught CONT 1");
  bash.send_line("q-fg");
  bash.expect("fg yes");
  bash.send_line("q-exit 4");
  bash.expect_prompt();
  bash.send_line("echo status=$?");
  bash.expect("status=4");
}

TEST(PtySession, ResizeReachesTheForegroundGroup) {
  PtySession bash(interactive_bash());
  bash.expect_prompt();
  bash.send_line("$H catch WINCH report loop");
  expect_report(bash);
  bash.resize(33, 111);
  bash.expect("caught WINCH 1");
  bash.send_line("q-size");
  bash.expect("size rows=33 cols=111");
}

TEST(PtySession, ReportsTheInitialSettingsAndKillsEverything) {
  pid_t probe = -1;
  {
    PtySession session({kHelper, "report", "loop"});
    EXPECT_NE(session.initial_settings().c_lflag & ECHO, 0u);
    Report report = expect_report(session);
    EXPECT_EQ(report.fg0, "yes");
    probe = session.leader();
  }
  EXPECT_FALSE(is_alive(probe));
}

TEST(PtySession, RunsWithoutTerminal) {
  Outcome outcome = run_without_terminal({kHelper, "report", "exit", "3"});
  EXPECT_EQ(describe_status(outcome.status), exit_with(3));
  EXPECT_EQ(parse_report(outcome.out).fgtty, "none");
  EXPECT_EQ(outcome.err, "");
}

}  // namespace
}  // namespace tend::tty
