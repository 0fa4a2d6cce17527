// SPDX-License-Identifier: MIT
// The notify socket is no lever for strangers, and no client of tend's own is lost: a flood of
// strangers' datagrams costs tend little and does not hold up signals or a stop; a client that
// sends and exits at once is still heard.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "hostile_util.h"
#include "sup_util.h"

namespace tend::e2e {
namespace {

using namespace std::chrono_literals;

class NotifyFloodTest : public testing::TestWithParam<Mode> {};
class ShortLivedClientTest : public testing::TestWithParam<Mode> {};

std::string notify_address(TendRun& run) {
  std::string line = run.wait_for_line("env NOTIFY_SOCKET=");
  return line.substr(std::string("env NOTIFY_SOCKET=").size());
}

/// A stranger that sends `text` to `address` as fast as the socket takes it until killed.
class Flooder {
 public:
  Flooder(const std::string& address, const std::string& text) {
    pid_ = fork();
    if (pid_ != 0) return;
    sockaddr_un target{};
    target.sun_family = AF_UNIX;
    std::memcpy(target.sun_path, address.data(), address.size());
    target.sun_path[0] = '\0';  // tend's socket is abstract: "@name".
    auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    for (;;) {
      sendto(fd, text.data(), text.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&target),
             length);
    }
  }
  ~Flooder() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }

 private:
  pid_t pid_;
};

// Strangers flooded the socket: tend spent ~97% of a CPU and queued ~20,000 real-time signals.
// Now their datagrams cost at most a small share of a CPU (the bound is 25%), a signal is still
// forwarded and a stop still ends at once.
TEST_P(NotifyFloodTest, StrangersCostLittleAndHoldNothingUp) {
  TendRun run(GetParam(),
              {.args = helper({"env", "NOTIFY_SOCKET", "signals-until", "TERM", "exit", "0"})});
  std::string address = notify_address(run);
  run.wait_for_line("signals ready");
  pid_t tend = run.tend_pid();
  Flooder flooder(address, "READY=1\nSTATUS=flood");
  auto start = Clock::now();
  double cpu_before = cpu_seconds(tend);
  run.signal_tend(SIGUSR1);
  run.wait_for_line("signal 10");
  // Over a second and a half of flood: tend's share of one CPU.
  run.wait_until([&] { return Clock::now() - start > 1500ms; }, "the flood to go on");
  double share = (cpu_seconds(tend) - cpu_before) /
                 std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_LT(share, 0.25) << "tend used " << share * 100 << "% of a CPU";
  run.signal_tend(SIGTERM);
  run.wait_for_line("signal 15");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0)) << run.transcript();
}

// A client that sends READY=1 and exits at once, reaped by its own parent before tend reads the
// datagram: as subreaper /proc no longer shows where it was. It was lost in 15 of 20 runs.
TEST_P(ShortLivedClientTest, ReadyIsNeverLostInFiftyRuns) {
  for (int i = 0; i < 50; ++i) {
    SCOPED_TRACE("run " + std::to_string(i));
    TempDir dir;
    std::string ready = dir.path() + "/ready";
    TendRun run(GetParam(),
                {.args = options_then_helper({"--ready-file", ready, "--ready-timeout", "10s"},
                                             {"child", "notify", "READY=1", "exit", "0", ";;",
                                              "reap", "signals-until", "TERM", "exit", "0"})});
    run.wait_until([&] { return file_exists(ready); }, "the ready file");
    run.wait_for_line("signals ready");
    ASSERT_EQ(run.stop(), exit_with(0)) << run.transcript();
  }
}

// The same client naming the main process and a status: both are taken.
TEST_P(ShortLivedClientTest, MainpidAndStatusAreTaken) {
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"-v"}, {"child", "ready", "sleep", ";;", "child", "notify",
                                        "MAINPID={child}", "notify", "STATUS=serving", "exit", "0",
                                        ";;", "reap", "signals-until", "TERM", "exit", "0"})});
  pid_t main = std::stoi(field_of(run.wait_for_line("child pid="), "pid"));
  run.wait_for_line("signals ready");
  wait_for_stderr(run, "COMMAND status: serving");
  wait_for_stderr(run, "is pid " + std::to_string(main) + " (MAINPID)");
  run.stop();
}

// A stranger outside tend's subtree that is alive when tend reads its datagram stays out.
TEST_P(ShortLivedClientTest, ALiveStrangerIsStillIgnored) {
  TempDir dir;
  std::string ready = dir.path() + "/ready";
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"-vv", "--ready-file", ready},
                               {"env", "NOTIFY_SOCKET", "signals-until", "TERM", "exit", "0"})});
  std::string address = notify_address(run);
  Stranger stranger({.notify_address = address});
  wait_for_stderr(run, "ignored a notification");
  EXPECT_FALSE(file_exists(ready));
  run.stop();
}

INSTANTIATE_TEST_SUITE_P(Modes, NotifyFloodTest, testing::ValuesIn(kAllModes), ModeName());
INSTANTIATE_TEST_SUITE_P(Modes, ShortLivedClientTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
