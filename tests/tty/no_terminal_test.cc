// SPDX-License-Identifier: MIT
// No terminal (or --no-tty): tend leaves terminals alone and says nothing about them.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "pty_session.h"

namespace tend::tty {
namespace {

/// tend's log lines that speak of terminals; the helper's path (build-tty/tests/tty/...) aside.
std::vector<std::string> terminal_mentions(std::string log) {
  for (size_t at; (at = log.find(kHelper)) != std::string::npos;) log.erase(at, kHelper.size());
  static const std::regex terminal_words(R"(terminal|\btty\b|foreground|tcsetpgrp|termios)",
                                         std::regex::icase);
  std::vector<std::string> found;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("tend:") && std::regex_search(line, terminal_words)) {
      found.push_back(line);
    }
  }
  return found;
}

TEST(NoTerminal, QuietWithTheRightStatus) {
  Outcome outcome = run_without_terminal({kTend, "--", kHelper, "report", "exit", "3"});
  EXPECT_EQ(describe_status(outcome.status), exit_with(3)) << outcome.err;
  EXPECT_EQ(outcome.err, "");
  Report probe = parse_report(outcome.out);
  EXPECT_EQ(probe.fgtty, "none");
  EXPECT_EQ(probe.pgrp, probe.pid) << "COMMAND runs in its own process group";
}

TEST(NoTerminal, VerboseLogSaysNothingAboutTerminals) {
  Outcome outcome = run_without_terminal({kTend, "-vv", "--", kHelper, "report", "exit", "0"});
  EXPECT_EQ(describe_status(outcome.status), exit_with(0)) << outcome.err;
  EXPECT_NE(outcome.err.find("tend: info: "), std::string::npos) << outcome.err;
  EXPECT_EQ(terminal_mentions(outcome.err), std::vector<std::string>{}) << outcome.err;
}

TEST(NoTerminal, ControllingTerminalButNoTerminalOnFds0To2) {
  // sh runs tend in the terminal's foreground group, with stdin /dev/null and output a pipe.
  PtySession sh(
      {"/bin/sh", "-c", R"("$T" -v -- "$H" report </dev/null 2>&1 | cat; echo end-of-run)"});
  Report probe = expect_report(sh);
  EXPECT_EQ(probe.fg0, "none");
  EXPECT_EQ(probe.fgtty, "no") << "tend handed the terminal over without a terminal on fds 0-2";
  sh.expect("end-of-run");
  EXPECT_EQ(describe_status(sh.wait_exit()), exit_with(0));
  EXPECT_EQ(terminal_mentions(sh.screen()), std::vector<std::string>{}) << sh.screen();
}

/// --no-tty, or TEND_NO_TTY=1: tend on a terminal, told to leave it alone.
class NoTtyOption : public ::testing::TestWithParam<bool> {
 protected:
  std::vector<std::string> args(std::vector<std::string> command) const {
    std::vector<std::string> all{kTend};
    if (!GetParam()) all.push_back("--no-tty");
    all.push_back("--");
    all.insert(all.end(), command.begin(), command.end());
    return all;
  }
  std::vector<std::string> env() const {
    return GetParam() ? std::vector<std::string>{"TEND_NO_TTY=1"} : std::vector<std::string>{};
  }
};

TEST_P(NoTtyOption, CommandIsNotTheForegroundGroup) {
  PtySession session(args({kHelper, "report", "exit", "0"}), env());
  Report probe = expect_report(session);
  EXPECT_EQ(probe.fg0, "no");
  EXPECT_EQ(probe.pgrp, probe.pid);
  EXPECT_EQ(describe_status(session.wait_exit()), exit_with(0)) << session.screen();
}

TEST_P(NoTtyOption, CommandIsNotTheForegroundGroupInAShellJob) {
  PtySession bash(interactive_bash(), env());
  bash.expect_prompt();
  bash.send_line(GetParam() ? "$T -- $H report" : "$T --no-tty -- $H report");
  Report probe = expect_report(bash);
  EXPECT_EQ(probe.fg0, "no");
  bash.expect_prompt();
  bash.send_line("echo status=$?");
  bash.expect("status=0\n");
}

struct OptionOrEnvName {
  std::string operator()(const ::testing::TestParamInfo<bool>& param_info) const {
    return param_info.param ? "Env" : "Option";
  }
};

INSTANTIATE_TEST_SUITE_P(Ways, NoTtyOption, ::testing::Values(false, true), OptionOrEnvName());

}  // namespace
}  // namespace tend::tty
