// SPDX-License-Identifier: MIT
// Unit tests of restart decisions and back-off arithmetic.
#include "service/restart.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Options with_policy(const char* policy) {
  Options options;
  options.restart = *parse_restart_policy(policy);
  options.restart_delay = milliseconds(100);
  options.restart_delay_max = milliseconds(1000);
  options.restart_reset = seconds(10);
  return options;
}

constexpr Millis kShortRun = milliseconds(5);

TEST(RestartTracker, NoNeverRestarts) {
  RestartTracker tracker(with_policy("no"));
  EXPECT_EQ(tracker.after_run(true, kShortRun), std::nullopt);
}

TEST(RestartTracker, OnFailureRestartsOnlyFailures) {
  RestartTracker tracker(with_policy("on-failure"));
  EXPECT_EQ(tracker.after_run(false, kShortRun), std::nullopt);
  EXPECT_EQ(tracker.after_run(true, kShortRun), milliseconds(100));
}

TEST(RestartTracker, AlwaysRestartsSuccessToo) {
  RestartTracker tracker(with_policy("always"));
  EXPECT_EQ(tracker.after_run(false, kShortRun), milliseconds(100));
}

TEST(RestartTracker, DelayDoublesUpToTheMaximum) {
  RestartTracker tracker(with_policy("always"));
  std::vector<Millis> delays;
  for (int i = 0; i < 7; ++i) delays.push_back(*tracker.after_run(true, kShortRun));
  EXPECT_EQ(delays, (std::vector<Millis>{milliseconds(100), milliseconds(200), milliseconds(400),
                                         milliseconds(800), milliseconds(1000), milliseconds(1000),
                                         milliseconds(1000)}));
  EXPECT_EQ(tracker.restarts(), 7);
}

TEST(RestartTracker, MaxCapsRestarts) {
  RestartTracker tracker(with_policy("on-failure:2"));
  EXPECT_TRUE(tracker.after_run(true, kShortRun));
  EXPECT_TRUE(tracker.after_run(true, kShortRun));
  EXPECT_EQ(tracker.after_run(true, kShortRun), std::nullopt);
}

TEST(RestartTracker, AHealthyRunResetsDelayAndCount) {
  RestartTracker tracker(with_policy("on-failure:2"));
  tracker.after_run(true, kShortRun);
  tracker.after_run(true, kShortRun);
  EXPECT_EQ(tracker.after_run(true, seconds(10)), milliseconds(100));
  EXPECT_EQ(tracker.restarts(), 1);
}

}  // namespace
}  // namespace tend
