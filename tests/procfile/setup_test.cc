// SPDX-License-Identifier: MIT
// --procfile setup: a malformed Procfile, a duplicate name, a COMMAND as well, or an
// option for one COMMAND is exit 125 naming file and line before anything starts; command lines
// are split with quotes and $NAME from tend's environment; readiness is every service's.
#include <signal.h>

#include <gtest/gtest.h>

#include "procfile_util.h"

namespace tend::e2e {
namespace {

class SetupTest : public testing::TestWithParam<Mode> {};

/// Runs tend on a Procfile with `text`, expects exit 125 and `message` on stderr, and nothing
/// of the (valid) first service started.
void expect_refused(Mode mode, const std::string& text, const std::string& message,
                    std::initializer_list<std::string> options = {}) {
  TempDir dir;
  std::string marker = dir.path() + "/started";
  std::string path = dir.file(
      "Procfile", "first: " + helper_line({"write-file", marker, "x", "exit", "0"}) + "\n" + text);
  std::vector<std::string> args = procfile_args(options, path);
  Outcome outcome = run_to_exit(mode, {.args = args});
  EXPECT_EQ(describe_status(outcome.status), exit_with(125)) << outcome.err;
  std::string expected = "tend: " + message;
  size_t at = expected.find("PATH");
  if (at != std::string::npos) expected.replace(at, 4, path);
  EXPECT_NE(outcome.err.find(expected), std::string::npos) << outcome.err;
  EXPECT_FALSE(file_exists(marker));
}

TEST_P(SetupTest, MalformedLineIsRefusedWithFileAndLine) {
  expect_refused(GetParam(), "\nworker no colon\n",
                 "invalid Procfile 'PATH', line 3: expected 'name: command'");
}

TEST_P(SetupTest, DuplicateNameIsRefused) {
  expect_refused(GetParam(), "first: true\n",
                 "invalid Procfile 'PATH', line 2: duplicate service name 'first' (first on "
                 "line 1)");
}

TEST_P(SetupTest, BadQuotingIsRefusedWithItsLine) {
  expect_refused(GetParam(), "# c\nweb: nginx -g 'daemon off;\n",
                 "invalid Procfile 'PATH', line 3: unterminated single quote");
}

TEST_P(SetupTest, ShellSyntaxIsRefusedWithAdvice) {
  expect_refused(GetParam(), "web: nginx | tee log\n",
                 "invalid Procfile 'PATH', line 2: '|' needs a shell: write the command as sh -c "
                 "'...'");
}

TEST_P(SetupTest, CommandAsWellIsRefused) {
  TempDir dir;
  std::string path = write_procfile(dir, {{"a", helper_line({"exit", "0"})}});
  Outcome outcome =
      run_to_exit(GetParam(), {.args = {"--procfile", path, "--", kHelper, "exit", "0"}});
  EXPECT_EQ(describe_status(outcome.status), exit_with(125));
  EXPECT_NE(outcome.err.find("--procfile '" + path + "' and COMMAND"), std::string::npos)
      << outcome.err;
}

TEST_P(SetupTest, OptionsForOneCommandAreRefused) {
  TempDir dir;
  std::string path = write_procfile(dir, {{"a", helper_line({"exit", "0"})}});
  for (std::vector<std::string> option :
       {std::vector<std::string>{"--pidfile", "/tmp/x"}, {"--ready-fd", "3"}, {"-c"}}) {
    std::vector<std::string> args = option;
    args.insert(args.end(), {"--procfile", path});
    Outcome outcome = run_to_exit(GetParam(), {.args = args});
    EXPECT_EQ(describe_status(outcome.status), exit_with(125)) << option[0];
    EXPECT_NE(outcome.err.find("cannot be used with --procfile"), std::string::npos) << outcome.err;
  }
}

TEST_P(SetupTest, MissingFileIsRefused) {
  Outcome outcome = run_to_exit(GetParam(), {.args = {"--procfile", "/nonexistent/Procfile"}});
  EXPECT_EQ(describe_status(outcome.status), exit_with(125));
  EXPECT_NE(outcome.err.find("cannot read Procfile '/nonexistent/Procfile'"), std::string::npos)
      << outcome.err;
}

TEST_P(SetupTest, VariableFromTheEnvironmentAlsoNamesTheFile) {
  TempDir dir;
  std::string path = write_procfile(dir, {{"a", helper_line({"print", "from env"})}});
  Outcome outcome = run_to_exit(GetParam(), {.args = {}, .env = {"TEND_PROCFILE=" + path}});
  EXPECT_EQ(describe_status(outcome.status), exit_with(0)) << outcome.err;
  EXPECT_EQ(outcome.out, "a | from env\n");
}

TEST_P(SetupTest, CommandLinesAreSplitWithQuotesAndExpansion) {
  TempDir dir;
  std::string path = write_procfile(
      dir, {{"a", "'" + kHelper + "' print \"$GREETING, ${WHO}!\" print 'a  $b' print x\\ y " +
                      "print $UNSET_VARIABLE end"}});
  Outcome outcome = run_to_exit(
      GetParam(), {.args = procfile_args({}, path), .env = {"GREETING=hello", "WHO=world"}});
  EXPECT_EQ(describe_status(outcome.status), exit_with(0)) << outcome.err;
  EXPECT_EQ(outcome.out, "a | hello, world!\na | a  $b\na | x y\na | end\n");
}

TEST_P(SetupTest, UnknownProgramIsTheContainersExit127) {
  TempDir dir;
  std::string path = write_procfile(
      dir,
      {{"a", helper_line({"signals-until", "TERM", "exit", "0"})}, {"b", "/nonexistent/program"}});
  Outcome outcome = run_to_exit(GetParam(), {.args = procfile_args({}, path)});
  EXPECT_EQ(describe_status(outcome.status), exit_with(127)) << outcome.err;
  EXPECT_NE(outcome.err.find("cannot run '/nonexistent/program' for b"), std::string::npos)
      << outcome.err;
}

TEST_P(SetupTest, ReadyOnceEveryServiceIsReady) {
  TempDir dir;
  std::string ready_file = dir.path() + "/ready";
  UpwardSocket upward(dir.path() + "/upward");
  std::string path = write_procfile(
      dir, {{"fast", helper_line({"notify", "READY=1", "signals-until", "TERM", "exit", "0"})},
            {"slow", helper_line({"notify", "STATUS=warming up", "read-line", "notify", "READY=1",
                                  "signals-until", "TERM", "exit", "0"})}});
  TendRun run(GetParam(), {.args = procfile_args(
                               {"-v", "--ready-timeout", "20s", "--ready-file", ready_file}, path),
                           .env = {upward.env()},
                           .stdin_pipe = true});
  wait_for_stderr(run, "fast is ready");
  wait_for_stderr(run, "slow status: warming up");
  EXPECT_TRUE(upward.wait_for(run, "STATUS=slow: warming up", 10s)) << upward.describe();
  EXPECT_FALSE(file_exists(ready_file));
  EXPECT_FALSE(upward.has("READY=1"));
  run.write_stdin("\n");
  EXPECT_TRUE(upward.wait_for(run, "READY=1", 10s)) << upward.describe() << run.transcript();
  EXPECT_TRUE(file_exists(ready_file));
  run.wait_for_line("slow | signals ready");
  EXPECT_EQ(run.stop(), exit_with(0)) << run.transcript();
  EXPECT_FALSE(file_exists(ready_file));
}

// A service's STATUS= text reaches tend's log escaped, as COMMAND's does: a carriage return and
// escape sequences could otherwise rewrite the terminal and forge tend's own lines.
TEST_P(SetupTest, StatusTextIsEscapedInTheLog) {
  TempDir dir;
  std::string path = write_procfile(
      dir,
      {{"a", helper_line({"notify-fd", "STATUS=ok\r\x1b[2Ktend: error: forged", "exit", "0"})}});
  Outcome outcome = run_to_exit(GetParam(), {.args = procfile_args({"-vv"}, path)});
  EXPECT_EQ(describe_status(outcome.status), exit_with(0)) << outcome.err;
  EXPECT_NE(outcome.err.find("a status: ok\\x0d\\x1b[2Ktend: error: forged"), std::string::npos)
      << outcome.err;
  EXPECT_NE(outcome.err.find("notification for a from pid "), std::string::npos) << outcome.err;
  EXPECT_EQ(outcome.err.find('\x1b'), std::string::npos) << "a raw ESC reached the log";
  EXPECT_EQ(outcome.err.find('\r'), std::string::npos) << "a raw CR reached the log";
}

TEST_P(SetupTest, ServiceNotReadyInTimeIsStoppedAndTakesTheContainerDown) {
  TempDir dir;
  std::string path = write_procfile(
      dir, {{"ok", helper_line({"notify", "READY=1", "signals-until", "TERM", "exit", "0"})},
            {"mute", helper_line({"signals-until", "TERM", "exit", "0"})}});
  TendRun run(GetParam(), {.args = procfile_args({"-v", "--ready-timeout", "300ms"}, path)});
  wait_for_stderr(run, "mute not ready after 300ms: stopping it");
  // It exited 0 on SIGTERM, but a run that missed readiness failed: exit 1.
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(1)) << run.transcript();
}

INSTANTIATE_TEST_SUITE_P(Modes, SetupTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
