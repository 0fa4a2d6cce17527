// SPDX-License-Identifier: MIT
// tend never dies of a signal and never forwards its own: glibc's reserved 32 and 33, and the
// SIGPIPE tend raises itself by logging to a stderr nobody reads.
#include <gtest/gtest.h>
#include <signal.h>

#include "hostile_util.h"
#include "sup_util.h"

namespace tend::e2e {
namespace {

class SignalsTest : public testing::TestWithParam<Mode> {};

// glibc's sigfillset leaves 32 and 33 out: unblocked, their default action ended tend (as
// subreaper) or they were silently lost (as PID 1). Now both reach COMMAND like any other.
TEST_P(SignalsTest, GlibcsReservedSignalsAreForwardedNotFatal) {
  TendRun run(GetParam(), {.args = helper({"signals-until", "TERM", "exit", "0"})});
  run.wait_for_line("signals ready");
  run.signal_tend(32);
  run.wait_for_line("signal 32");
  run.signal_tend(33);
  run.wait_for_line("signal 33");
  EXPECT_EQ(run.stop(), exit_with(0)) << run.transcript();
}

// With stderr a pipe nobody reads, every log line raises SIGPIPE in tend. Forwarded, it killed
// COMMAND, and with -v each forward logged again: tend spun and never took SIGTERM.
TEST_P(SignalsTest, ItsOwnSigpipeFromABrokenStderrIsNeverForwarded) {
  TendRun run(GetParam(), {.args = {"-vv", kHelper, "signals-until", "TERM", "exit", "0"},
                           .broken_stderr = true});
  run.wait_for_line("signals ready");
  run.signal_tend(SIGUSR1);
  run.wait_for_line("signal 10");
  run.signal_tend(SIGUSR2);
  run.wait_for_line("signal 12");
  run.signal_tend(SIGTERM);
  run.wait_for_line("signal 15");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0)) << run.transcript();
  EXPECT_FALSE(has_line(run.lines(), "signal 13")) << run.transcript();
}

// The whole class: every signal kill(2) can send tend, but KILL and STOP, is either its own to
// handle (CHLD; TERM, INT and QUIT begin a stop) or forwarded; none ends or stalls tend.
TEST_P(SignalsTest, EverySignalIsForwardedOrHandled) {
  TendRun run(GetParam(), {.args = helper({"signals-until", "TERM", "exit", "0"})});
  run.wait_for_line("signals ready");
  for (int signo = 1; signo <= 64; ++signo) {
    if (signo == SIGKILL || signo == SIGSTOP || signo == SIGCHLD || signo == SIGTERM ||
        signo == SIGINT || signo == SIGQUIT) {
      continue;
    }
    SCOPED_TRACE("signal " + std::to_string(signo));
    run.signal_tend(signo);
    run.wait_for_line("signal " + std::to_string(signo) + " ");
  }
  run.signal_tend(SIGCHLD);  // tend's own: it reaps, finds nothing, and goes on.
  run.signal_tend(SIGTERM);
  run.wait_for_line("signal 15 ");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0)) << run.transcript();
}

INSTANTIATE_TEST_SUITE_P(Modes, SignalsTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
