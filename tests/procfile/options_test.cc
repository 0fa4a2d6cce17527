// SPDX-License-Identifier: MIT
// --procfile with the options of one COMMAND, each applying to every service on its
// own: --watchdog counted per service (the one that stops pinging fails and takes all down, the
// one that pings runs on), --stop-delay holding the stop back from all, --user and
// --no-new-privs for each, and --restart always bringing back one that exits 0.
#include <signal.h>

#include <sstream>

#include <gtest/gtest.h>

#include "procfile_util.h"

namespace tend::e2e {
namespace {

class OptionsTest : public testing::TestWithParam<Mode> {};

/// Margin for "soon after" a deadline on a loaded machine.
constexpr Duration kSlack = 1500ms;

/// The helper waiting for SIGTERM after `words`, then exiting 0.
std::string then_waits_for_term(std::initializer_list<std::string> words) {
  return helper_line(words) + " 'signals-until' 'TERM' 'exit' '0'";
}

/// The numbers after `prefix` + `name` in the next such line ("a | uid 0 0 0 0").
std::vector<long> numbers_after(TendRun& run, const std::string& prefix, const std::string& name) {
  std::string line = run.wait_for_line(prefix + name + " ");
  std::istringstream words(line.substr(prefix.size() + name.size() + 1));
  std::vector<long> numbers;
  for (long number; words >> number;) numbers.push_back(number);
  return numbers;
}

std::vector<long> four(long id) { return {id, id, id, id}; }

TEST_P(OptionsTest, EachServiceGetsItsOwnWatchdogVariables) {
  TempDir dir;
  std::string line = then_waits_for_term({"start", "env", "WATCHDOG_USEC", "env", "WATCHDOG_PID"});
  std::string procfile = write_procfile(dir, {{"a", line}, {"b", line}});
  TendRun run(GetParam(), {.args = procfile_args({"--watchdog", "5s"}, procfile)});
  for (const std::string prefix : {"a | ", "b | "}) {
    std::string pid = field_of(run.wait_for_line(prefix + "start "), "pid");
    EXPECT_EQ(run.wait_for_line(prefix + "env WATCHDOG_USEC"),
              prefix + "env WATCHDOG_USEC=5000000");
    EXPECT_EQ(run.wait_for_line(prefix + "env WATCHDOG_PID"), prefix + "env WATCHDOG_PID=" + pid);
    run.wait_for_line(prefix + "signals ready");
  }
  EXPECT_EQ(run.stop(), exit_with(0)) << run.transcript();
}

// "quiet" pings eight times and falls silent; "steady" pings on. Each service's watchdog runs
// on its own pings: quiet is stopped as failed one period after its last ping (and its exit 0 on
// SIGTERM makes tend's status 1), while steady has lived through several periods by then.
TEST_P(OptionsTest, WatchdogIsCountedPerServiceAndASilentOneTakesAllDown) {
  TempDir dir;
  std::string procfile =
      write_procfile(dir, {{"steady", helper_line({"pings", "100", "1000", "exit", "0"})},
                           {"quiet", then_waits_for_term({"pings", "100", "8"})}});
  TendRun run(GetParam(), {.args = procfile_args({"-v", "--watchdog", "400ms"}, procfile)});
  Clock::time_point last_ping = stamp_of(run.wait_for_line("quiet  | ping 8 "));
  Clock::time_point stopped = stamp_of(run.wait_for_line("quiet  | signal 15 TERM"));
  EXPECT_GE(milliseconds(stopped - last_ping), 400) << run.transcript();
  EXPECT_LT(stopped - last_ping, 400ms + kSlack) << run.transcript();
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(1)) << run.transcript();
  EXPECT_EQ(stderr_lines_with(run, "quiet: watchdog timeout, no WATCHDOG=1 for 400ms").size(), 1u)
      << run.transcript();
  EXPECT_TRUE(stderr_lines_with(run, "steady: watchdog timeout").empty()) << run.transcript();
  // steady ran through more than two of its periods, and was stopped only when quiet failed.
  std::vector<std::string> pings = lines_starting(run.lines(), "steady | ping ");
  ASSERT_FALSE(pings.empty()) << run.transcript();
  EXPECT_GE(milliseconds(stamp_of(pings.back()) - stamp_of(pings.front())), 800)
      << run.transcript();
  EXPECT_FALSE(stderr_lines_with(run, "quiet ended with exit code 0 and is not restarted").empty())
      << run.transcript();
}

// systemd's meaning: WATCHDOG_USEC=0 or infinity from a service turns its watchdog off. The
// Procfile mode had kept a copy of the old rounding, which wrapped infinity to 0 ms: the service
// was stopped at once.
TEST_P(OptionsTest, WatchdogUsecZeroOrInfinityTurnsAServicesWatchdogOff) {
  TempDir dir;
  std::string procfile = write_procfile(
      dir, {{"zero", then_waits_for_term({"notify", "WATCHDOG_USEC=0", "stamp", "off"})},
            {"inf",
             then_waits_for_term({"notify", "WATCHDOG_USEC=18446744073709551615", "stamp", "off"})},
            {"clock", helper_line({"pings", "100", "10", "exit", "0"})}});
  TendRun run(GetParam(), {.args = procfile_args({"-v", "--watchdog", "300ms"}, procfile)});
  run.wait_for_line("zero  | off");
  run.wait_for_line("inf   | off");
  // clock pings for a second, more than three of the silent services' periods, then ends.
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0)) << run.transcript();
  EXPECT_TRUE(stderr_lines_with(run, "watchdog timeout").empty()) << run.transcript();
}

TEST_P(OptionsTest, StopDelayHoldsTheStopBackFromEveryService) {
  TempDir dir;
  std::string line = then_waits_for_term({});
  std::string procfile = write_procfile(dir, {{"a", line}, {"b", line}});
  TendRun run(GetParam(), {.args = procfile_args({"-v", "--stop-delay", "600ms"}, procfile)});
  run.wait_for_line("a | signals ready");
  run.wait_for_line("b | signals ready");
  Clock::time_point sent = Clock::now();
  run.signal_tend(SIGTERM);
  for (const std::string prefix : {"a | ", "b | "}) {
    Clock::time_point got = stamp_of(run.wait_for_line(prefix + "signal 15 TERM"));
    EXPECT_GE(milliseconds(got - sent), 600) << prefix << run.transcript();
    EXPECT_LT(got - sent, 600ms + kSlack) << prefix << run.transcript();
  }
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0)) << run.transcript();
  EXPECT_FALSE(stderr_lines_with(run, "got SIGTERM, forwarding it in 600ms").empty())
      << run.transcript();
  EXPECT_FALSE(stderr_lines_with(run, "sent SIGTERM to 2 services").empty()) << run.transcript();
}

// Each service runs as nobody, with nobody's groups and HOME, and can still reach its own
// notify socket: tend sees both ready.
TEST_P(OptionsTest, EveryServiceRunsAsTheUserAndCanNotify) {
  TempDir dir;
  std::string line = then_waits_for_term({"ids", "notify", "READY=1"});
  std::string procfile = write_procfile(dir, {{"a", line}, {"b", line}});
  TendRun run(GetParam(), {.args = procfile_args(
                               {"-v", "--user", "nobody", "--ready-timeout", "5s"}, procfile)});
  for (const std::string prefix : {"a | ", "b | "}) {
    EXPECT_EQ(numbers_after(run, prefix, "uid"), four(65534)) << prefix;
    EXPECT_EQ(numbers_after(run, prefix, "gid"), four(65534)) << prefix;
    for (long group : numbers_after(run, prefix, "groups")) {
      EXPECT_EQ(group, 65534) << prefix << "root's groups kept";
    }
    EXPECT_EQ(run.wait_for_line(prefix + "nonewprivs "), prefix + "nonewprivs 0");
    EXPECT_EQ(run.wait_for_line(prefix + "home "), prefix + "home /nonexistent");
    run.wait_for_line(prefix + "signals ready");
  }
  wait_for_stderr(run, "all 2 services are ready");
  EXPECT_EQ(run.stop(), exit_with(0)) << run.transcript();
}

TEST_P(OptionsTest, NoNewPrivsIsSetForEveryService) {
  TempDir dir;
  std::string line = then_waits_for_term({"ids"});
  std::string procfile = write_procfile(dir, {{"a", line}, {"b", line}});
  TendRun run(GetParam(), {.args = procfile_args({"--no-new-privs"}, procfile)});
  EXPECT_EQ(run.wait_for_line("a | nonewprivs "), "a | nonewprivs 1");
  EXPECT_EQ(run.wait_for_line("b | nonewprivs "), "b | nonewprivs 1");
  // Still root: --no-new-privs alone changes no identity.
  EXPECT_EQ(numbers_after(run, "a | ", "uid"), four(0));
  run.wait_for_line("a | signals ready");
  run.wait_for_line("b | signals ready");
  EXPECT_EQ(run.stop(), exit_with(0)) << run.transcript();
}

// "blink" exits 0 at once and, under --restart always, comes back each time (it ignores SIGTERM
// so that the final stop cannot catch it mid-run and make tend's status a death); "web" runs on.
TEST_P(OptionsTest, RestartAlwaysBringsBackAServiceThatExitsZeroWhileOthersRun) {
  TempDir dir;
  std::string procfile =
      write_procfile(dir, {{"web", then_waits_for_term({"print", "serving"})},
                           {"blink", helper_line({"ignore", "TERM", "start", "exit", "0"})}});
  TendRun run(
      GetParam(),
      {.args = procfile_args({"-v", "--restart", "always", "--restart-delay", "50ms"}, procfile)});
  run.wait_for_line("web   | signals ready");
  for (int i = 0; i < 4; ++i) run.wait_for_line("blink | start ");
  EXPECT_EQ(run.stop(), exit_with(0)) << run.transcript();
  EXPECT_GE(stderr_lines_with(run, "restarting blink in ").size(), 3u) << run.transcript();
  EXPECT_TRUE(stderr_lines_with(run, "and is not restarted").empty()) << run.transcript();
  EXPECT_EQ(lines_starting(run.lines(), "web   | serving").size(), 1u) << run.transcript();
  EXPECT_EQ(lines_starting(run.lines(), "web   | signal 15 TERM").size(), 1u) << run.transcript();
}

INSTANTIATE_TEST_SUITE_P(Modes, OptionsTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
