// SPDX-License-Identifier: MIT
// --procfile output: lines prefixed with padded names on the stream they were written
// to, never interleaved mid-line, a partial last line flushed when its service ends, --no-prefix;
// and a stalled reader of tend's stdout neither blocks tend nor delays a stop (lines are dropped
// whole, counted, and the count said once the reader is back).
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <map>

#include <gtest/gtest.h>

#include "procfile_util.h"

namespace tend::e2e {
namespace {

class RelayTest : public testing::TestWithParam<Mode> {};

TEST_P(RelayTest, LinesArePrefixedOnTheirStreamAndNeverCutByOthers) {
  TempDir dir;
  std::string procfile = write_procfile(
      dir, {{"halves", helper_line({"write-fd", "1", "first half,", "sleep-ms", "300", "print",
                                    " second half", "write-fd", "2", "to stderr"})},
            {"chatty-worker", helper_line({"print", "one", "sleep-ms", "100", "print", "two",
                                           "signals-until", "TERM", "exit", "0"})}});
  TendRun run(GetParam(), {.args = procfile_args({}, procfile)});
  run.wait_for_line("chatty-worker | two");
  run.wait_for_line("halves        | first half, second half");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0)) << run.transcript();
  EXPECT_NE(run.stderr_text().find("halves        | to stderr\n"), std::string::npos)
      << run.transcript();
  for (const std::string& line : run.lines()) {
    EXPECT_TRUE(line.starts_with("halves        | ") || line.starts_with("chatty-worker | "))
        << line;
  }
}

TEST_P(RelayTest, PartialLastLineIsFlushedWhenItsServiceEnds) {
  TempDir dir;
  std::string procfile = write_procfile(
      dir, {{"a", helper_line({"write-fd", "1", "no newline", "write-fd", "2", "nor here"})}});
  Outcome outcome = run_to_exit(GetParam(), {.args = procfile_args({}, procfile)});
  EXPECT_EQ(describe_status(outcome.status), exit_with(0));
  EXPECT_EQ(outcome.out, "a | no newline\n");
  EXPECT_NE(outcome.err.find("a | nor here\n"), std::string::npos) << outcome.err;
}

TEST_P(RelayTest, NoPrefixWritesStraightThrough) {
  TempDir dir;
  std::string procfile =
      write_procfile(dir, {{"a", helper_line({"write-fd", "1", "raw", "write-fd", "2", "err"})}});
  Outcome outcome = run_to_exit(GetParam(), {.args = procfile_args({"--no-prefix"}, procfile)});
  EXPECT_EQ(describe_status(outcome.status), exit_with(0));
  EXPECT_EQ(outcome.out, "raw");
  EXPECT_NE(outcome.err.find("err"), std::string::npos);
}

/// A pipe the test holds but does not read, as tend's stdout: one page, full before tend starts.
class StalledPipe {
 public:
  StalledPipe() {
    if (pipe2(fds_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("pipe2");
    if (fcntl(fds_[0], F_SETPIPE_SZ, 4096) < 0) throw std::runtime_error("F_SETPIPE_SZ");
    // Filled here, so that tend's very first write finds no room (the kernel does not split a
    // write over a page that is partly filled, so a pipe filled by tend may keep some room).
    std::string page(4096, 'x');
    for (ssize_t wrote; (wrote = write(fds_[1], page.data(), page.size())) > 0;) {
      filled_ += static_cast<size_t>(wrote);
    }
    fcntl(fds_[1], F_SETFL, 0);  // tend gets it blocking, as a runtime's pipe is.
  }
  ~StalledPipe() {
    close(fds_[0]);
    if (fds_[1] >= 0) close(fds_[1]);
  }
  int write_end() const { return fds_[1]; }
  void close_write_end() {
    close(fds_[1]);
    fds_[1] = -1;
  }
  /// Reads what is there now, without waiting, past the test's own filling.
  std::string read_available() {
    std::string text;
    char buffer[65536];
    for (ssize_t got; (got = read(fds_[0], buffer, sizeof buffer)) > 0;) {
      text.append(buffer, static_cast<size_t>(got));
    }
    size_t skip = std::min(filled_, text.size());
    filled_ -= skip;
    return text.substr(skip);
  }

 private:
  int fds_[2];
  size_t filled_ = 0;
};

/// Bytes `pid` has written so far (wchar of /proc/PID/io).
long long written_by(pid_t pid) {
  FILE* file = std::fopen(("/proc/" + std::to_string(pid) + "/io").c_str(), "re");
  if (file == nullptr) return 0;
  char key[64];
  long long value = 0, wchar = 0;
  while (std::fscanf(file, "%63[^:]: %lld\n", key, &value) == 2) {
    if (std::string(key) == "wchar") wchar = value;
  }
  std::fclose(file);
  return wchar;
}

/// Waits until the service `flood` has written `bytes`: far more than its pipe to tend and
/// tend's queue hold, so tend has read it and tried to write it on meanwhile.
void wait_until_flood_wrote(TendRun& run, long long bytes) {
  run.wait_until(
      [&] {
        for (pid_t child : children_of(run.tend_pid())) {
          std::string exe = read_link("/proc/" + std::to_string(child) + "/exe");
          if (exe == kHelper && written_by(child) >= bytes) return true;
        }
        return false;
      },
      "the flood service writing while tend's stdout is full");
}

// The reader of tend's stdout stops reading (and stays stopped for the rest of the test, which may
// take 30 s): a stop signal still ends every service and tend at once.
TEST_P(RelayTest, StalledReaderDoesNotDelayAStop) {
  TempDir dir;
  std::string procfile = write_procfile(dir, {{"flood", helper_line({"flood", "line"})},
                                              {"quiet", helper_line({"print", "hello", "sleep"})}});
  StalledPipe stdout_pipe;
  TendRun run(GetParam(), {.args = procfile_args({"--grace", "10s", "-v"}, procfile),
                           .stdout_fd = stdout_pipe.write_end()});
  stdout_pipe.close_write_end();  // tend holds it now.
  wait_until_flood_wrote(run, 1 << 20);
  Clock::time_point sent = Clock::now();
  run.signal_tend(SIGTERM);
  run.wait_exit(30s);  // Its status is whichever service ended first.
  // Not the 10 s grace period, and not the reader's 30 s: the time the services take to end.
  EXPECT_LT(milliseconds(run.exit_time() - sent), 2000) << run.transcript();
}

// Lines that do not fit are dropped whole and counted; the count comes out where they were lost.
TEST_P(RelayTest, StalledReaderLosesWholeLinesAndIsToldHowMany) {
  TempDir dir;
  std::string procfile = write_procfile(dir, {{"flood", helper_line({"flood", "line"})}});
  StalledPipe stdout_pipe;
  TendRun run(GetParam(),
              {.args = procfile_args({}, procfile), .stdout_fd = stdout_pipe.write_end()});
  stdout_pipe.close_write_end();
  wait_until_flood_wrote(run, 1 << 20);
  // tend keeps reading the service while the reader sleeps: signals still work meanwhile.
  run.signal_tend(SIGWINCH);
  wait_signal_taken(run, run.tend_pid(), SIGWINCH);
  std::string text;
  run.wait_until(
      [&] {
        text += stdout_pipe.read_available();
        size_t marker = text.find("[tend: ");
        return marker != std::string::npos && text.size() > marker + 200;
      },
      "a '[tend: N lines dropped]' line once the reader is back");
  run.stop();
  // Every line is whole, and the numbers jump by exactly the count of the marker.
  long previous = 0;
  bool checked_gap = false;
  size_t start = 0;
  long dropped = -1;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) break;  // The reader's cut, not tend's.
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.starts_with("[tend: ")) {
      dropped = std::stol(line.substr(7));
      EXPECT_TRUE(line.ends_with(" lines dropped]") || line.ends_with(" line dropped]")) << line;
      continue;
    }
    ASSERT_TRUE(line.starts_with("flood | line ")) << line;
    long number = std::stol(line.substr(13));
    if (dropped >= 0 && !checked_gap) {
      EXPECT_EQ(number - previous - 1, dropped) << line;
      checked_gap = true;
    } else if (previous > 0 && dropped < 0) {
      EXPECT_EQ(number, previous + 1) << line;
    }
    previous = number;
  }
  EXPECT_TRUE(checked_gap);
  EXPECT_GT(dropped, 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, RelayTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
