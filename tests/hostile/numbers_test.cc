// SPDX-License-Identifier: MIT
// Numbers past their range, from the command line, the environment and COMMAND's notifications:
// each is refused at start, read as "never", or ignored, and never becomes a deadline in the past.
#include <signal.h>

#include <gtest/gtest.h>

#include "sup_util.h"

namespace tend::e2e {
namespace {

constexpr char kUint64Max[] = "18446744073709551615";

class NumbersTest : public testing::TestWithParam<Mode> {};

// Guard: parse_duration's 100-year range. 10000000000s (317 years) wrapped the steady clock, and
// tend sent SIGKILL about 6 ms after SIGTERM.
TEST_P(NumbersTest, GraceBeyond100YearsIsRefusedAtStart) {
  Outcome outcome = run_to_exit(
      GetParam(), {.args = options_then_helper({"--grace", "10000000000s"},
                                               {"print", "ran", "ignore", "TERM", "sleep"})});
  EXPECT_EQ(describe_status(outcome.status), exit_with(125)) << outcome.err;
  EXPECT_NE(outcome.err.find("tend: invalid --grace '10000000000s': longer than 3153600000s (100 "
                             "years); use inf for never"),
            std::string::npos)
      << outcome.err;
  EXPECT_EQ(outcome.out.find("ran"), std::string::npos) << "COMMAND ran anyway";
}

// Guard: deadline_after. Clock::now() + inf wrapped into the past: the delayed stop signal went
// out at once.
TEST_P(NumbersTest, StopDelayInfForwardsOnlyASecondStopSignal) {
  TendRun run(GetParam(), {.args = options_then_helper({"-v", "--stop-delay", "inf"},
                                                       {"signals-until", "TERM", "exit", "0"})});
  run.wait_for_line("signals ready");
  run.signal_tend(SIGTERM);
  wait_for_stderr(run, "got SIGTERM, forwarding it in inf");
  // Absence of the forward, for a bounded time: the broken sum fired within milliseconds.
  EXPECT_EQ(run.wait_exit_within(1s), std::nullopt) << run.transcript();
  EXPECT_FALSE(has_line(run.lines(), signal_line(SIGTERM))) << run.transcript();
  EXPECT_EQ(run.stop(), exit_with(0));
}

// Guard: deadline_after. With --pidfile-timeout inf the wait for the pid file ended at once.
// The daemon writes its pid file only after tend has reaped the launcher, so that tend is
// really waiting (the test writes a line to the daemon once the launcher is gone).
TEST(PidFileNumbersTest, PidFileTimeoutInfWaits) {
  TempDir dir;
  std::string pid_file = dir.path() + "/daemon.pid";
  TendRun run(Mode::kSubreaper,
              {.args = options_then_helper({"--pidfile", pid_file, "--pidfile-timeout", "inf"},
                                           {"start", "daemonize-nowait", "read-line", "write-pid",
                                            pid_file, "signals-until", "TERM", "exit", "0"}),
               .stdin_pipe = true});
  pid_t launcher = std::stoi(field_of(run.wait_for_line("start "), "pid"));
  run.wait_until([&] { return !read_stat(launcher); }, "tend to reap the launcher");
  run.write_stdin("go\n");
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
  EXPECT_TRUE(has_line(run.lines(), signal_line(SIGTERM))) << run.transcript();
}

class WatchdogOffTest : public testing::TestWithParam<std::tuple<Mode, std::string>> {};

// Guard: watchdog_interval. systemd reads WATCHDOG_USEC=0 and =UINT64_MAX (USEC_INFINITY) as
// "watchdog off"; tend armed a watchdog of 0 ms and stopped COMMAND at once. The helper outlives
// the original --watchdog by far before it says it is alive.
TEST_P(WatchdogOffTest, CommandIsNotStopped) {
  auto [mode, usec] = GetParam();
  TendRun run(mode, {.args = options_then_helper({"--watchdog", "400ms", "-t", "200ms"},
                                                 {"notify", "WATCHDOG_USEC=" + usec, "sleep-ms",
                                                  "1000", "print", "alive", "exit", "0"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0)) << run.transcript();
  EXPECT_TRUE(has_line(run.lines(), "alive")) << run.transcript();
}

INSTANTIATE_TEST_SUITE_P(Values, WatchdogOffTest,
                         testing::Combine(testing::ValuesIn(kAllModes),
                                          testing::Values("0", kUint64Max)),
                         [](const auto& param_info) {
                           return mode_name(std::get<0>(param_info.param)) +
                                  (std::get<1>(param_info.param) == "0" ? "Zero" : "Infinity");
                         });

class HugeExtendTest : public testing::TestWithParam<std::tuple<Mode, std::string>> {};

// Guard: millis_from_usec and deadline_after. UINT64_MAX rounded up wrapped to 0 ms; 1.5e16 and
// 9.3e15 us overflowed the clock's nanoseconds into the past. Either way the extension was lost
// and the ready timeout fired on time; now it is extended for good.
TEST_P(HugeExtendTest, ReadyTimeoutDoesNotFire) {
  auto [mode, usec] = GetParam();
  TendRun run(mode, {.args = options_then_helper(
                         {"--ready-timeout", "300ms", "-t", "200ms"},
                         {"notify", "EXTEND_TIMEOUT_USEC=" + usec, "sleep-ms", "800", "notify",
                          "READY=1", "print", "alive", "exit", "0"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0)) << run.transcript();
  EXPECT_TRUE(has_line(run.lines(), "alive")) << run.transcript();
}

INSTANTIATE_TEST_SUITE_P(Values, HugeExtendTest,
                         testing::Combine(testing::ValuesIn(kAllModes),
                                          testing::Values(kUint64Max, "15000000000000000",
                                                          "9300000000000000")),
                         [](const auto& param_info) {
                           return mode_name(std::get<0>(param_info.param)) + "Usec" +
                                  std::get<1>(param_info.param).substr(0, 4);
                         });

// Guard: listen_fds_for. atoi wrapped LISTEN_FDS=99999999999 to 1215752191, and COMMAND was told
// it had that many sockets.
TEST_P(NumbersTest, ListenFdsBeyondTheLimitIsIgnoredWithAWarning) {
  std::string script = "LISTEN_FDS=99999999999 LISTEN_PID=$$ exec " + kTend + " -- " + kHelper +
                       " env LISTEN_FDS exit 0";
  TendRun run(GetParam(), {.args = {"-c", script}, .program = "/bin/sh"});
  EXPECT_EQ(run.wait_for_line("env LISTEN_FDS"), "env LISTEN_FDS unset");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
  EXPECT_FALSE(stderr_lines_with(run,
                                 "tend: warning: ignored LISTEN_FDS='99999999999': expected "
                                 "a count from 1 to ")
                   .empty())
      << run.transcript();
}

// Guard: tend counts -v itself. CLI11's count went through std::stoll, whose out_of_range
// nobody caught: tend aborted.
TEST_P(NumbersTest, VerboseBeyond64BitsIsTheMostVerbose) {
  Outcome outcome = run_to_exit(GetParam(), {.args = helper({"print", "ran", "exit", "0"}),
                                             .env = {"TEND_VERBOSE=99999999999999999999999"}});
  EXPECT_EQ(describe_status(outcome.status), exit_with(0)) << outcome.err;
  EXPECT_NE(outcome.out.find("ran"), std::string::npos);
  EXPECT_NE(outcome.err.find("tend: debug: "), std::string::npos) << outcome.err;
}

INSTANTIATE_TEST_SUITE_P(Modes, NumbersTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
