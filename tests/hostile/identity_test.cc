// SPDX-License-Identifier: MIT
// A pid is not an identity: tend never signals, nor listens to, a process it cannot prove is its
// own — an adopted main process reaped by its own parent, or a launcher tend has reaped, whose
// pid (and group id) a stranger then gets.
#include <gtest/gtest.h>
#include <signal.h>

#include "hostile_util.h"
#include "sup_util.h"

namespace tend::e2e {
namespace {

using namespace std::chrono_literals;

class IdentityTest : public testing::TestWithParam<Mode> {};
class IdentityAsSubreaper : public testing::Test {};

pid_t pid_in(const std::string& line) { return std::stoi(field_of(line, "pid")); }

std::vector<std::string> with_options(std::vector<std::string> options,
                                      const std::vector<std::string>& command) {
  options.insert(options.end(), command.begin(), command.end());
  return options;
}

/// COMMAND forks the main process (which waits for a line on stdin, then exits), names it with
/// MAINPID=, and waits to reap it itself: tend's child is not the main process.
std::vector<std::string> main_process_reaped_by_its_parent() {
  return helper({"child", "ready", "read-line", "exit", "0", ";;", "notify", "MAINPID={child}",
                 "reap", "signals-until", "TERM", "exit", "0"});
}

/// Starts that COMMAND and waits until tend has adopted the main process; returns its pid.
pid_t start_with_adopted_main(TendRun& run) {
  pid_t main = pid_in(run.wait_for_line("child pid="));
  wait_for_stderr(run, "(MAINPID)");
  return main;
}

// Before pidfds, tend waited for a SIGCHLD that never came: the run never ended, and as PID 1
// the container never stopped.
TEST_P(IdentityTest, AnAdoptedMainProcessReapedByItsParentEndsTheRun) {
  TendRun run(GetParam(), {.args = with_options({"-v"}, main_process_reaped_by_its_parent()),
                           .stdin_pipe = true});
  start_with_adopted_main(run);
  run.write_stdin("\n");
  // The run is over: what is left of it (COMMAND) gets SIGTERM, and tend ends.
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0)) << run.transcript();
  EXPECT_NE(run.stderr_text().find("status is unknown"), std::string::npos) << run.transcript();
}

// The main process's pid, once its parent has reaped it, goes to a stranger: a stop must not
// forward SIGTERM (nor, after grace, SIGKILL) to it.
TEST_F(IdentityAsSubreaper, AStrangerWithTheMainProcessesRecycledPidIsNeverSignalled) {
  TendRun run(Mode::kSubreaper, {.args = with_options({"-v", "--grace", "200ms"},
                                                      main_process_reaped_by_its_parent()),
                                 .stdin_pipe = true});
  pid_t tend = run.tend_pid();  // Now: once tend has ended it can no longer be found.
  pid_t main = start_with_adopted_main(run);
  run.write_stdin("\n");
  wait_until_reaped(main);  // By its parent, or by tend once that parent is gone.
  Stranger stranger({.wanted_pid = main, .own_group = true});
  // tend may have ended already (unreaped, it is still the harness's child): nothing to do then.
  kill(tend, SIGTERM);
  run.wait_exit();
  EXPECT_TRUE(stranger.is_untouched()) << run.transcript();
}

/// tend with a daemon's launcher that prints its NOTIFY_SOCKET, waits for a line on stdin, then
/// exits 0 without writing the pid file.
Launch launcher_without_pid_file(const TempDir& dir) {
  return {.args = with_options({"-vv", "--pidfile", dir.path() + "/never.pid"},
                               helper({"env", "NOTIFY_SOCKET", "read-line", "exit", "0"})),
          .stdin_pipe = true};
}

/// Lets that launcher exit; tend reaps it and waits for the pid file. Returns the launcher's pid.
pid_t start_waiting_for_a_pid_file(TendRun& run) {
  run.wait_for_line("env NOTIFY_SOCKET");
  pid_t launcher = run.command_pid();
  run.write_stdin("\n");
  wait_until_reaped(launcher);
  return launcher;
}

// While tend waits for the pid file, the reaped launcher's pid and group id may be anyone's:
// a forwarded signal must not reach a stranger's group that reused the id.
TEST_F(IdentityAsSubreaper, SignalsWhileWaitingForAPidFileSkipTheLaunchersRecycledGroup) {
  TempDir dir;
  TendRun run(Mode::kSubreaper, launcher_without_pid_file(dir));
  pid_t launcher = start_waiting_for_a_pid_file(run);
  Stranger stranger({.wanted_pid = launcher, .own_group = true});
  run.signal_tend(SIGHUP);
  wait_for_stderr(run, "received SIGHUP");
  run.stop();  // Ends the wait; after it any forward has long been sent.
  EXPECT_TRUE(stranger.is_untouched()) << run.transcript();
}

// A READY=1 from a stranger that got the reaped launcher's pid is not COMMAND's.
TEST_F(IdentityAsSubreaper, ANotificationFromTheLaunchersRecycledPidIsIgnored) {
  TempDir dir;
  TendRun run(Mode::kSubreaper, launcher_without_pid_file(dir));
  pid_t launcher = start_waiting_for_a_pid_file(run);
  std::string address = run.lines().front().substr(std::string("env NOTIFY_SOCKET=").size());
  Stranger stranger({.wanted_pid = launcher, .notify_address = address});
  std::string pid = std::to_string(launcher);
  run.wait_until(
      [&] {
        std::string err = run.stderr_text();
        return err.find("notification from pid " + pid) != std::string::npos;
      },
      "tend to read the stranger's notification");
  EXPECT_NE(run.stderr_text().find("ignored a notification from pid " + pid), std::string::npos)
      << run.transcript();
  run.stop();
}

// A daemon may lead a process group of its own only after writing its pid file (nginx's master
// calls setsid() while its launcher writes the file): whether its group is signalled is decided
// when a signal is sent, not once at adoption.
TEST_P(IdentityTest, ADaemonThatLeadsAGroupLaterGetsSignalsToItsGroup) {
  TempDir dir;
  std::string pidfile = dir.path() + "/daemon.pid";
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"-v", "--pidfile", pidfile},
                               {"daemonize", "tag", "D", "write-pid", pidfile, "read-line",
                                "setsid", "child", "tag", "K", "signals-until", "HUP", "exit", "0",
                                ";;", "signals-until", "TERM", "exit", "0"}),
                           .stdin_pipe = true});
  wait_for_stderr(run, "(read from the pid file)");
  run.write_stdin("\n");
  run.wait_for_line("K signals ready");
  run.wait_for_line("D signals ready");
  run.signal_tend(SIGHUP);
  run.wait_for_line("K signal 1 ");
  run.signal_tend(SIGTERM);
  run.wait_for_line("D signal 15 ");
  run.wait_exit();
}

INSTANTIATE_TEST_SUITE_P(Modes, IdentityTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
