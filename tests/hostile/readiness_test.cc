// SPDX-License-Identifier: MIT
// Readiness is passed on, never invented, and never lost because it came early: a forking
// daemon that says READY=1 before its launcher exits is ready once tend reads its pid file.
#include <gtest/gtest.h>
#include <signal.h>

#include "sup_util.h"

namespace tend::e2e {
namespace {

class EarlyReadinessTest : public testing::TestWithParam<Mode> {};

TEST_P(EarlyReadinessTest, ReadyBeforeThePidFileIsKept) {
  TempDir dir;
  std::string ready = dir.path() + "/ready";
  std::string pidfile = dir.path() + "/daemon.pid";
  UpwardSocket upward(dir.path() + "/upward.sock");
  TendRun run(GetParam(),
              {.args = options_then_helper(
                   {"--pidfile", pidfile, "--ready-file", ready, "--ready-timeout", "5s"},
                   {"daemonize", "tag", "D", "notify", "READY=1", "write-pid", pidfile,
                    "signals-until", "TERM", "exit", "0"}),
               .env = {upward.env()}});
  run.wait_for_line("D signals ready");
  run.wait_until([&] { return file_exists(ready); }, "the ready file (READY=1 was lost)");
  EXPECT_TRUE(upward.wait_for(run, "READY=1", kEventTimeout)) << upward.describe();
  EXPECT_EQ(run.stop(), exit_with(0)) << run.transcript();
}

INSTANTIATE_TEST_SUITE_P(Modes, EarlyReadinessTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
