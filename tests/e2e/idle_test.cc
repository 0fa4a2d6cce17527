// SPDX-License-Identifier: MIT
// Idle: while COMMAND runs and nothing happens, tend does not wake up.
#include <thread>

#include <gtest/gtest.h>

#include "tend_run.h"

namespace tend::e2e {
namespace {

long context_switches(pid_t pid) {
  return status_number(pid, "voluntary_ctxt_switches") +
         status_number(pid, "nonvoluntary_ctxt_switches");
}

class IdleTest : public testing::TestWithParam<Mode> {};

TEST_P(IdleTest, NoWakeUpsWhileNothingHappens) {
  TendRun run(GetParam(), {.args = helper({"ready", "sleep"})});
  run.wait_for_line("ready");
  pid_t tend = run.tend_pid();
  // Let tend finish what follows the start (it may still be dropping inherited state).
  std::this_thread::sleep_for(200ms);
  long before = context_switches(tend);
  // Measuring an absence: 2 s here (the benchmark measures 10 s).
  std::this_thread::sleep_for(2s);
  long after = context_switches(tend);
  EXPECT_EQ(after, before) << "tend woke up " << after - before << " times in 2 s";
}

INSTANTIATE_TEST_SUITE_P(Modes, IdleTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
