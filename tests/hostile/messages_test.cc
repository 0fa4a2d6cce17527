// SPDX-License-Identifier: MIT
// What tend says about input it did not expect: it names the real culprit (the option, the
// script's interpreter, the misspelt variable), and COMMAND's text cannot write to the terminal.
#include <sys/resource.h>

#include <gtest/gtest.h>

#include "sup_util.h"

namespace tend::e2e {
namespace {

class MessagesTest : public testing::TestWithParam<Mode> {};

// Guard: describe_exec_error. exec's ENOENT was reported as the script's own absence.
TEST_P(MessagesTest, ScriptWithAMissingInterpreterNamesTheInterpreter) {
  TempDir dir;
  std::string script = dir.file("script", "#!/no/such/sh\necho hi\n", 0755);
  Outcome outcome = run_to_exit(GetParam(), {.args = {script}});
  EXPECT_EQ(describe_status(outcome.status), exit_with(127));
  EXPECT_NE(outcome.err.find("tend: cannot run '" + script +
                             "': interpreter '/no/such/sh' not "
                             "found"),
            std::string::npos)
      << outcome.err;
}

// A script saved with Windows line ends names "/bin/sh\r": shown so that it can be seen.
TEST_P(MessagesTest, InterpreterWithACarriageReturnShowsIt) {
  TempDir dir;
  std::string script = dir.file("script", "#!/bin/sh\r\necho hi\r\n", 0755);
  Outcome outcome = run_to_exit(GetParam(), {.args = {"--", script}});
  EXPECT_EQ(describe_status(outcome.status), exit_with(127));
  EXPECT_NE(outcome.err.find("interpreter '/bin/sh\\x0d' not found"), std::string::npos)
      << outcome.err;
}

// Guard: unknown_variables. TEND_GRAEC=5s did nothing, silently.
TEST_P(MessagesTest, MisspeltVariableIsWarnedAboutAndIgnored) {
  Outcome outcome = run_to_exit(
      GetParam(), {.args = helper({"print", "ran", "exit", "0"}), .env = {"TEND_GRAEC=5s"}});
  EXPECT_EQ(describe_status(outcome.status), exit_with(0)) << outcome.err;
  EXPECT_NE(outcome.out.find("ran"), std::string::npos);
  EXPECT_NE(outcome.err.find("tend: warning: unknown variable TEND_GRAEC (ignored)\n"),
            std::string::npos)
      << outcome.err;
}

// Guard: convert_ready_fd. A descriptor at or above RLIMIT_NOFILE failed in the child's dup2, as
// "cannot start COMMAND: Bad file descriptor", naming no option.
TEST_P(MessagesTest, ReadyFdBeyondTheDescriptorLimitNamesTheOption) {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  for (std::string fd : {std::to_string(limit.rlim_cur), std::string("99999999")}) {
    Outcome outcome = run_to_exit(
        GetParam(), {.args = options_then_helper({"--ready-fd", fd}, {"print", "ran"})});
    EXPECT_EQ(describe_status(outcome.status), exit_with(125)) << outcome.err;
    EXPECT_NE(outcome.err.find("tend: invalid --ready-fd '" + fd +
                               "': expected a descriptor number from 3 to " +
                               std::to_string(limit.rlim_cur - 1) + " (the descriptor limit is " +
                               std::to_string(limit.rlim_cur) + ")"),
              std::string::npos)
        << outcome.err;
    EXPECT_EQ(outcome.out.find("ran"), std::string::npos);
  }
}

// Guard: Printable. STATUS= went to the log as it came: a carriage return and escape sequences
// could rewrite the terminal and forge tend's own lines. notify-fd waits until tend has read it.
TEST_P(MessagesTest, StatusTextIsEscapedInTheLog) {
  TendRun run(GetParam(),
              {.args = options_then_helper(
                   {"-vv"}, {"notify-fd", "STATUS=ok\r\x1b[2Ktend: error: forged\x1b]0;t\x07",
                             "exit", "0"})});
  EXPECT_TRUE(run.wait_for_line("fd ").starts_with("fd closed ")) << run.transcript();
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
  std::string err = run.stderr_text();
  EXPECT_NE(
      err.find("tend: info: COMMAND status: ok\\x0d\\x1b[2Ktend: error: forged\\x1b]0;t\\x07\n"),
      std::string::npos)
      << err;
  EXPECT_NE(err.find("notification from pid "), std::string::npos) << err;
  EXPECT_EQ(err.find('\x1b'), std::string::npos) << "a raw ESC reached the log";
  EXPECT_EQ(err.find('\r'), std::string::npos) << "a raw CR reached the log";
  EXPECT_EQ(err.find('\x07'), std::string::npos) << "a raw BEL reached the log";
}

INSTANTIATE_TEST_SUITE_P(Modes, MessagesTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
