// SPDX-License-Identifier: MIT
// Hostile files: root never follows a stranger's path. A symlink or someone else's file at
// --ready-file is not written through, truncated or removed (guard: ReadyFile); a FIFO at
// --pidfile does not block tend (guard: read_pid_file_text refuses what is not a regular file);
// a half-written pid file, or one left over from before the run, is not taken for a pid (guards:
// PidFile::read's completeness and left-over checks); a pid file in a directory made later or
// behind a symlink is seen (guard: PathWatch); relative paths keep naming the directory tend
// started in (guard: absolute_path).
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include <gtest/gtest.h>

#include "sup_util.h"

namespace tend::e2e {
namespace {

constexpr int kTendFailed = 125;
constexpr uid_t kNobody = 65534;

class FilesTest : public testing::TestWithParam<Mode> {};

/// Waits until tend either warned that it leaves `path` alone, or changed `file` after all.
void wait_for_warning_or_change(TendRun& run, const std::string& file, const std::string& was) {
  run.wait_until(
      [&] {
        return read_file(file) != was || !file_exists(file) ||
               run.stderr_text().find("not creating ready file") != std::string::npos;
      },
      "a warning about the ready file, or a change to what is at its path");
}

/// The daemon tagged D was adopted: a signal to tend reaches it, SIGTERM ends it with exit 0.
void expect_daemon_adopted_then_stop(TendRun& run) {
  run.wait_for_line("D signals ready");
  signal_until_line(run, SIGUSR1, signal_line(SIGUSR1, "D"));
  EXPECT_EQ(stop_through(run, "D"), exit_with(0)) << run.transcript();
  EXPECT_TRUE(stderr_lines_with(run, "tend: ").empty()) << run.transcript();
}

// --- --ready-file ---------------------------------------------------------------------------

TEST_P(FilesTest, SymlinkAtTheReadyFileToARootOnlyFileIsNotFollowed) {
  ReadyFileTarget target;
  target.plant_symlink();
  const std::string& ready = target.ready;
  TendRun run(GetParam(), {.args = options_then_helper({"--ready-file", ready},
                                                       {"notify", "READY=1", "stamp", "notified",
                                                        "signals-until", "TERM", "exit", "0"})});
  run.wait_for_line("notified");
  wait_for_warning_or_change(run, target.secret, ReadyFileTarget::kSecret);
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
  EXPECT_TRUE(target.secret_is_intact()) << "tend wrote through the symlink";
  EXPECT_TRUE(is_symlink(ready)) << "tend removed a symlink it did not make";
}

// The attack as found: COMMAND runs as nobody, may write to the ready file's directory, and
// plants the symlink just before it says it is ready.
TEST_P(FilesTest, SymlinkPlantedByCommandAsNobodyIsNotFollowed) {
  ReadyFileTarget target;
  // Not sticky: the kernel's guard is off.
  ASSERT_EQ(chmod(target.dir.path().c_str(), 0777), 0);
  const std::string& secret = target.secret;
  const std::string& ready = target.ready;
  TendRun run(GetParam(),
              {.args = options_then_helper({"--user", "nobody", "--ready-file", ready},
                                           {"symlink", secret, ready, "notify", "READY=1", "stamp",
                                            "notified", "signals-until", "TERM", "exit", "0"})});
  run.wait_for_line("notified");
  wait_for_warning_or_change(run, target.secret, ReadyFileTarget::kSecret);
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
  EXPECT_TRUE(target.secret_is_intact()) << "tend emptied a root-only file for nobody";
}

TEST_P(FilesTest, FileAtTheReadyFileThatTendDidNotMakeIsKept) {
  struct Case {
    const char* what;
    const char* content;
    uid_t owner;
  };
  for (const Case& kind : {Case{"root's file with content", "keep me\n", 0},
                           Case{"nobody's empty file", "", kNobody}}) {
    SCOPED_TRACE(kind.what);
    TempDir dir;
    std::string ready = dir.file("ready", kind.content);
    ASSERT_EQ(chown(ready.c_str(), kind.owner, kind.owner), 0);
    TendRun run(GetParam(), {.args = options_then_helper({"--ready-file", ready},
                                                         {"notify", "READY=1", "stamp", "notified",
                                                          "signals-until", "TERM", "exit", "0"})});
    run.wait_for_line("notified");
    wait_for_warning_or_change(run, ready, kind.content);
    run.wait_for_line("signals ready");
    EXPECT_EQ(run.stop(), exit_with(0));
    ASSERT_TRUE(file_exists(ready)) << "tend removed a file it did not make";
    EXPECT_EQ(read_file(ready), kind.content) << "tend truncated a file it did not make";
  }
}

// A tend killed by SIGKILL leaves its empty ready file behind: the next tend removes it at once,
// so that it does not say "ready" before COMMAND is.
TEST_P(FilesTest, StaleReadyFileOfAKilledTendIsRemovedAtStartUp) {
  TempDir dir;
  std::string ready = dir.file("ready", "");
  TendRun run(GetParam(),
              {.args = options_then_helper({"--ready-file", ready},
                                           {"start", "read-line", "notify", "READY=1", "stamp",
                                            "notified", "signals-until", "TERM", "exit", "0"}),
               .stdin_pipe = true});
  run.wait_for_line("start ");
  EXPECT_FALSE(file_exists(ready)) << "a stale ready file says ready before COMMAND is";
  run.write_stdin("\n");
  run.wait_for_line("notified");
  expect_ready_then_clean_stop(run, ready);
  EXPECT_FALSE(file_exists(ready));
}

TEST_P(FilesTest, ReadyFileReplacedByCommandIsNotRemovedAtExit) {
  TempDir dir;
  std::string ready = dir.path() + "/ready";
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"--ready-file", ready},
                               {"notify", "READY=1", "stamp", "notified", "read-line", "write-file",
                                ready, "mine\n", "stamp", "replaced", "exit", "0"}),
                           .stdin_pipe = true});
  run.wait_for_line("notified");
  run.wait_until([&] { return file_exists(ready); }, "the ready file");
  run.write_stdin("\n");
  run.wait_for_line("replaced");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
  EXPECT_EQ(read_file(ready), "mine\n") << "tend removed a file it did not make";
}

// tend leaves its working directory once COMMAND runs: a relative path must not follow it to /.
TEST_P(FilesTest, RelativeReadyFileIsInTheDirectoryTendStartedIn) {
  TempDir dir;
  TendRun run(GetParam(), {.args = options_then_helper({"--ready-file", "ready"},
                                                       {"notify", "READY=1", "stamp", "notified",
                                                        "signals-until", "TERM", "exit", "0"}),
                           .cwd = dir.path()});
  run.wait_for_line("notified");
  expect_ready_then_clean_stop(run, dir.path() + "/ready");
  EXPECT_FALSE(file_exists(dir.path() + "/ready"));
}

// --- --pidfile ------------------------------------------------------------------------------

// open(2) of a FIFO for reading waits for a writer: tend would hang there, deaf to signals.
TEST_P(FilesTest, FifoAtThePidfileIsAnErrorNotAHang) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  ASSERT_EQ(mkfifo(pidfile.c_str(), 0644), 0);
  TendRun run(GetParam(),
              {.args = options_then_helper({"--pidfile", pidfile, "-t", "200ms"},
                                           {"daemonize", "tag", "D", "release", "sleep"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(kTendFailed));
  EXPECT_NE(run.stderr_text().find("pid file '" + pidfile + "' is not a regular file"),
            std::string::npos)
      << run.transcript();
}

// With a restart policy the error repeats, and between runs tend still takes SIGTERM.
TEST_P(FilesTest, FifoAtThePidfileWithRestartsStillAnswersSigterm) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  ASSERT_EQ(mkfifo(pidfile.c_str(), 0644), 0);
  TendRun run(GetParam(),
              {.args = options_then_helper({"--pidfile", pidfile, "-t", "200ms", "--restart",
                                            "always", "--restart-delay", "100ms"},
                                           {"daemonize", "release", "sleep"})});
  wait_for_stderr(run, "is not a regular file");
  run.signal_tend(SIGTERM);
  EXPECT_TRUE(run.wait_exit_within(kEventTimeout)) << run.transcript();
}

// The launcher exits once the daemon wrote "12" of "123\n"; the rest comes 300 ms later.
TEST_P(FilesTest, HalfWrittenPidIsNotTakenForAPid) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  // burn-pids: as PID 1 the daemon's pid would have one digit, and no prefix to misread.
  TendRun run(GetParam(), {.args = options_then_helper({"--pidfile", pidfile}, {"burn-pids",
                                                                                "20",
                                                                                "daemonize",
                                                                                "tag",
                                                                                "D",
                                                                                "part-open",
                                                                                pidfile,
                                                                                "part-write",
                                                                                "{pid-head}",
                                                                                "stamp",
                                                                                "partial",
                                                                                "sleep-ms",
                                                                                "300",
                                                                                "part-write",
                                                                                "{pid-last}\n",
                                                                                "part-close",
                                                                                "signals-until",
                                                                                "TERM",
                                                                                "exit",
                                                                                "0"})});
  run.wait_for_line("D partial");
  expect_daemon_adopted_then_stop(run);
}

// One write of "123" and a close, no newline: complete.
TEST_P(FilesTest, PidWithoutNewlineCountsOnceTheWriterClosedIt) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"--pidfile", pidfile},
                               {"daemonize", "tag", "D", "part-open", pidfile, "part-write",
                                "{pid}", "part-close", "signals-until", "TERM", "exit", "0"})});
  expect_daemon_adopted_then_stop(run);
}

// BSD's pidfile(3): the daemon writes its own pid, no newline, and keeps the file open.
TEST_P(FilesTest, PidWithoutNewlineHeldOpenByTheDaemonItNamesCounts) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"--pidfile", pidfile},
                               {"daemonize", "tag", "D", "part-open", pidfile, "part-write",
                                "{pid}", "signals-until", "TERM", "exit", "0"})});
  expect_daemon_adopted_then_stop(run);
}

// "12" of "123", and the writer never finishes: after the timeout, an error that says so.
TEST_P(FilesTest, PidFileNeverCompletedIsAnErrorAfterTheTimeout) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"--pidfile", pidfile, "--pidfile-timeout", "500ms", "-t", "200ms"},
                               {"burn-pids", "20", "daemonize", "part-open", pidfile, "part-write",
                                "{pid-head}", "sleep"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(kTendFailed));
  EXPECT_NE(run.stderr_text().find("was not complete within 500ms"), std::string::npos)
      << run.transcript();
}

// Run 2's launcher exits at once; the old pid file (run 1's daemon, dead) is there until run 2's
// daemon writes its own 200 ms later.
TEST_P(FilesTest, PidFileOfThePreviousRunIsIgnoredUntilRewritten) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(),
              {.args = options_then_helper(
                   {"--pidfile", pidfile, "--restart", "on-failure:1", "--restart-delay", "50ms"},
                   {"start", "daemonize-nowait", "tag", "D", "sleep-ms", "200", "write-pid",
                    pidfile, "sleep-ms", "200", "exit", "3"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(3)) << run.transcript();
  EXPECT_EQ(lines_starting(run.lines(), "start ").size(), 2u) << run.transcript();
  EXPECT_EQ(lines_starting(run.lines(), "D exit 3").size(), 2u) << run.transcript();
}

// Left by a tend before this one (a container restarted after SIGKILL).
TEST_P(FilesTest, PidFileFromBeforeTendStartedIsIgnoredUntilRewritten) {
  TempDir dir;
  std::string pidfile = dir.file("daemon.pid", "4194304\n");
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"--pidfile", pidfile},
                               {"daemonize-nowait", "tag", "D", "sleep-ms", "200", "write-pid",
                                pidfile, "signals-until", "TERM", "exit", "0"})});
  expect_daemon_adopted_then_stop(run);
}

/// tend's arguments for --pidfile `pidfile` and a daemon, tagged D, that runs `setup` 100 ms
/// after its launcher exited, then writes its pid to `written` and waits for SIGTERM.
std::vector<std::string> late_daemon(const std::string& pidfile,
                                     const std::vector<std::string>& setup,
                                     const std::string& written) {
  std::vector<std::string> args = {
      "--pidfile", pidfile, "--pidfile-timeout", "3s", kHelper, "daemonize-nowait",
      "tag",       "D",     "sleep-ms",          "100"};
  args.insert(args.end(), setup.begin(), setup.end());
  args.insert(args.end(), {"write-pid", written, "signals-until", "TERM", "exit", "0"});
  return args;
}

// The daemon makes its run directory, then writes its pid file in it.
TEST_P(FilesTest, PidFileInADirectoryMadeLater) {
  TempDir dir;
  std::string pidfile = dir.path() + "/run/food/daemon.pid";
  TendRun run(
      GetParam(),
      {.args = late_daemon(
           pidfile, {"mkdir", dir.path() + "/run", "mkdir", dir.path() + "/run/food"}, pidfile)});
  expect_daemon_adopted_then_stop(run);
}

TEST_P(FilesTest, PidFileBehindASymlinkedDirectoryMadeLater) {
  TempDir dir;
  std::string pidfile = dir.path() + "/link/daemon.pid";
  TendRun run(
      GetParam(),
      {.args = late_daemon(pidfile,
                           {"mkdir", dir.path() + "/real", "symlink", "real", dir.path() + "/link"},
                           pidfile)});
  expect_daemon_adopted_then_stop(run);
}

// The pid file is a symlink into another directory, where the daemon writes.
TEST_P(FilesTest, PidFileThatIsASymlinkIntoAnotherDirectory) {
  TempDir dir;
  ASSERT_EQ(mkdir((dir.path() + "/elsewhere").c_str(), 0755), 0);
  std::string pidfile = dir.path() + "/daemon.pid";
  ASSERT_EQ(symlink("elsewhere/daemon.pid", pidfile.c_str()), 0);
  TendRun run(GetParam(), {.args = late_daemon(pidfile, {}, dir.path() + "/elsewhere/daemon.pid")});
  expect_daemon_adopted_then_stop(run);
}

// The daemon writes the relative path in the directory tend started in (its own working
// directory), after tend has left that directory for /.
TEST_P(FilesTest, RelativePidFileIsInTheDirectoryTendStartedIn) {
  TempDir dir;
  TendRun run(GetParam(), {.args = late_daemon("daemon.pid", {}, "daemon.pid"), .cwd = dir.path()});
  expect_daemon_adopted_then_stop(run);
}

INSTANTIATE_TEST_SUITE_P(Modes, FilesTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
