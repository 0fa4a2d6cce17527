// SPDX-License-Identifier: MIT
// --procfile at a terminal: `tend --procfile F` typed at an interactive bash keeps the
// terminal's foreground (no service is in the foreground group), so Ctrl-C reaches tend alone and
// each service gets SIGINT once, from tend; tend ends after them and bash gets the terminal back.
//
// Run under the pty harness of ../tty rather than the e2e one (whose tend has no terminal), and
// as PID 1 by typing the harness's own `unshare --pid --fork --mount-proc` before tend: unshare
// waits in the foreground group with tend, ignoring SIGINT.
#include <signal.h>

#include <gtest/gtest.h>

#include "procfile_util.h"
#include "pty_session.h"

namespace tend::tty {
namespace {

using e2e::Mode;

class TerminalTest : public testing::TestWithParam<Mode> {
 protected:
  void SetUp() override { bash_.expect_prompt(); }

  /// The command line typed at bash to run tend on `procfile` in this test's mode.
  std::string tend_line(const std::string& procfile) const {
    std::string prefix = GetParam() == Mode::kPid1 ? "unshare --pid --fork --mount-proc " : "";
    return prefix + "$T -v --procfile " + procfile;
  }

  /// tend, as the test sees it: bash's child, or unshare's.
  pid_t find_tend() {
    if (GetParam() == Mode::kSubreaper) return wait_for_child(bash_, bash_.leader(), kTend);
    pid_t unshare = wait_for_child(bash_, bash_.leader(), "/usr/bin/unshare");
    return wait_for_child(bash_, unshare, kTend);
  }

  /// Types tend at bash with a Procfile (in `dir`) of two services, a and b, both the helper
  /// with `words`, and waits until both wait for signals; returns tend's pid.
  pid_t start_services_a_and_b(const e2e::TempDir& dir, std::initializer_list<std::string> words) {
    std::string line = e2e::helper_line(words);
    std::string procfile = e2e::write_procfile(dir, {{"a", line}, {"b", line}});
    size_t before = bash_.mark();
    bash_.send_line(tend_line(procfile));
    bash_.wait_for("a | signals ready", before);
    bash_.wait_for("b | signals ready", before);
    return find_tend();
  }

  /// The line of the screen, after `from`, that starts with `prefix`.
  std::string screen_line(const std::string& prefix, size_t from) const {
    const std::string& screen = bash_.screen();
    size_t at = screen.find("\n" + prefix, from == 0 ? 0 : from - 1);
    if (at == std::string::npos) bash_.fail("no line '" + prefix + "'");
    size_t end = screen.find('\n', at + 1);
    return screen.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
  }

  size_t count_lines(const std::string& prefix) const {
    size_t count = 0;
    const std::string& screen = bash_.screen();
    for (size_t at = screen.find("\n" + prefix); at != std::string::npos;
         at = screen.find("\n" + prefix, at + 1)) {
      ++count;
    }
    return count;
  }

  PtySession bash_{interactive_bash()};
};

// Each service waits for SIGTERM and prints every signal it gets with its sender. After Ctrl-C
// the test sends SIGTERM to tend, which forwards it: anything a single Ctrl-C caused has
// reached the services before that, so one "signal 2" line each means one SIGINT each.
TEST_P(TerminalTest, CtrlCReachesEachServiceOnceFromTendWhichKeepsTheForeground) {
  e2e::TempDir dir;
  pid_t tend = start_services_a_and_b(dir, {"start", "signals-until", "TERM", "exit", "0"});
  std::optional<ProcStat> tend_stat = read_stat(tend);
  ASSERT_TRUE(tend_stat);
  EXPECT_EQ(bash_.foreground_group(), tend_stat->pgrp) << "tend's group lost the foreground";
  std::vector<pid_t> services = children_of(tend);
  ASSERT_EQ(services.size(), 2u);
  for (pid_t service : services) {
    std::optional<ProcStat> stat = read_stat(service);
    ASSERT_TRUE(stat);
    EXPECT_NE(stat->pgrp, bash_.foreground_group()) << "a service is in the foreground group";
    EXPECT_EQ(stat->session, tend_stat->session) << "a service left the terminal's session";
  }

  size_t typed = bash_.mark();
  bash_.send("\x03");
  bash_.wait_for("a | signal 2 INT", typed);
  bash_.wait_for("b | signal 2 INT", typed);
  // Sent by tend (as the services see it: PID 1 in its namespace), not by the terminal (0).
  std::string tend_seen_as = GetParam() == Mode::kPid1 ? "1" : std::to_string(tend);
  for (const std::string prefix : {"a | ", "b | "}) {
    EXPECT_EQ(e2e::field_of(screen_line(prefix + "signal 2 INT", typed), "from"), tend_seen_as);
  }
  send_signal(tend, SIGTERM);
  bash_.wait_for("a | signal 15 TERM", typed);
  bash_.wait_for("b | signal 15 TERM", typed);
  bash_.expect_prompt();
  EXPECT_EQ(count_lines("a | signal 2 INT"), 1u) << bash_.screen();
  EXPECT_EQ(count_lines("b | signal 2 INT"), 1u) << bash_.screen();
  EXPECT_EQ(bash_.foreground_group(), bash_.leader()) << "bash did not get the terminal back";
  bash_.send_line("echo status=$?");
  bash_.expect("status=0\n");
}

// Services that end on SIGINT: one Ctrl-C, and tend ends after them with their status.
TEST_P(TerminalTest, CtrlCStopsAllServicesAndTendEndsAfterThem) {
  e2e::TempDir dir;
  pid_t tend = start_services_a_and_b(dir, {"signals-until", "INT", "exit", "0"});
  size_t typed = bash_.mark();
  bash_.send("\x03");
  bash_.wait_for("a | signal 2 INT", typed);
  bash_.wait_for("b | signal 2 INT", typed);
  bash_.expect_prompt();
  EXPECT_FALSE(is_alive(tend));
  EXPECT_FALSE(bash_.seen("grace period over", typed)) << bash_.screen();
  bash_.send_line("echo status=$?");
  bash_.expect("status=0\n");
}

INSTANTIATE_TEST_SUITE_P(Modes, TerminalTest, testing::ValuesIn(e2e::kAllModes), e2e::ModeName());

}  // namespace
}  // namespace tend::tty
