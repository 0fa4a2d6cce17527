// SPDX-License-Identifier: MIT
// A background job: `tend -- PROGRAM &` never takes the terminal from the shell.
#include <gtest/gtest.h>
#include <signal.h>

#include "pty_session.h"

namespace tend::tty {
namespace {

class BackgroundJob : public ::testing::Test {
 protected:
  // POSIX mode: `jobs` says which signal stopped a job, "Stopped(SIGTTIN)", not just "Stopped".
  void SetUp() override {
    bash_.expect_prompt();
    bash_.run("set -o posix");
  }

  /// Types a line that starts a background job; returns its pid as bash prints it ("[1] PID").
  pid_t start(std::string_view line) {
    bash_.send_line(line);
    auto groups = bash_.expect_regex(R"(\[1\] (\d+)\n)");
    return std::stoi(groups[1]);
  }

  PtySession bash_{interactive_bash()};
};

TEST_F(BackgroundJob, LogLinesDoNotGetTendStoppedWithTostop) {
  bash_.run("stty tostop; set -b");
  size_t before = bash_.mark();
  pid_t tend = start("$T -v -- sleep 100 &");
  bash_.expect_prompt();
  bash_.wait_until([&] { return bash_.seen("tend: info: ", before) || is_stopped(tend); },
                   "tend's first log line (or tend stopped by SIGTTOU)");
  EXPECT_FALSE(is_stopped(tend)) << "tend was stopped writing its log line";
  EXPECT_EQ(bash_.foreground_group(), bash_.leader()) << "tend took the terminal";

  EXPECT_NE(bash_.run("echo re''ady").find("ready"), std::string::npos);
  bash_.send_line("jobs");
  bash_.expect_regex(R"(\[1\]\+ +Running +\$T -v -- sleep 100 &)");
  bash_.expect_prompt();

  size_t before_kill = bash_.mark();
  bash_.run("kill %1");
  bash_.wait_until([&] { return !is_alive(tend) || is_stopped(tend); },
                   "tend to end after kill %1");
  EXPECT_FALSE(is_stopped(tend)) << "tend was stopped writing its log lines";
  // `set -b`: bash reports the end of the job at once, not at its next prompt.
  bash_.wait_for("Terminated", before_kill);
  bash_.wait_until([&] { return !is_alive(tend); }, "tend to end after kill %1");
  EXPECT_TRUE(bash_.seen("tend: info: ", before_kill))
      << "expected tend's -v log lines while it stops, written from the background";
}

TEST_F(BackgroundJob, ProgramIsNotGivenTheTerminal) {
  bash_.send_line("$T -- $H report exit 4 & wait $!; echo status=$?");
  Report probe = expect_report(bash_);
  EXPECT_EQ(probe.fg0, "no");
  EXPECT_EQ(probe.pgrp, probe.pid);
  bash_.expect("status=4\n");
  bash_.expect_prompt();
  EXPECT_EQ(bash_.foreground_group(), bash_.leader());
  EXPECT_FALSE(bash_.seen("tend:")) << "tend printed something";
}

TEST_F(BackgroundJob, ReadingTheTerminalStopsTheJobAndFgBringsItBack) {
  pid_t tend = start("$T -- $H loop &");
  bash_.expect_prompt();
  bash_.wait_until([&] { return is_stopped(tend); }, "the job to stop on SIGTTIN");
  EXPECT_EQ(bash_.foreground_group(), bash_.leader()) << "tend took the terminal";
  bash_.send_line("jobs");
  bash_.expect_regex(R"(\[1\]\+ +Stopped\(SIGTTIN\) +\$T -- \$H loop)");
  bash_.expect_prompt();
  bash_.send_line("fg");
  bash_.expect("$T -- $H loop\n");
  bash_.send_line("q-fg");
  bash_.expect("fg yes");
  bash_.send_line("q-exit 6");
  bash_.expect_prompt();
  bash_.send_line("echo status=$?");
  bash_.expect("status=6\n");
}

}  // namespace
}  // namespace tend::tty
