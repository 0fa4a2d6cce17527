// SPDX-License-Identifier: MIT
// Unit tests of deadline bookkeeping and the epoll timeout derived from it.
#include "loop/timers.h"

#include <gtest/gtest.h>

#include "loop/event_loop.h"

namespace tend {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(Timers, NothingArmedMeansNoDeadline) {
  Timers timers;
  EXPECT_EQ(timers.earliest(), std::nullopt);
  EXPECT_TRUE(timers.take_expired(Clock::now()).empty());
}

TEST(Timers, ArmedTimerExpiresOnceAtItsDeadline) {
  Timers timers;
  TimePoint start{};
  timers.arm(TimerId::kGrace, start + milliseconds(100));
  EXPECT_EQ(timers.earliest(), start + milliseconds(100));
  EXPECT_TRUE(timers.take_expired(start + milliseconds(99)).empty());
  auto expired = timers.take_expired(start + milliseconds(100));
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0], TimerId::kGrace);
  EXPECT_FALSE(timers.is_armed(TimerId::kGrace));
  EXPECT_TRUE(timers.take_expired(start + milliseconds(200)).empty());
}

TEST(Timers, DisarmCancels) {
  Timers timers;
  timers.arm(TimerId::kGrace, TimePoint{});
  timers.disarm(TimerId::kGrace);
  EXPECT_EQ(timers.earliest(), std::nullopt);
}

TEST(TimeoutMillis, ForeverWithoutDeadline) { EXPECT_EQ(timeout_millis(std::nullopt, {}), -1); }

TEST(TimeoutMillis, RoundsUpSoTheDeadlineHasPassedOnWakeUp) {
  TimePoint now{};
  EXPECT_EQ(timeout_millis(now + microseconds(1), now), 1);
  EXPECT_EQ(timeout_millis(now + microseconds(1500), now), 2);
  EXPECT_EQ(timeout_millis(now + milliseconds(10), now), 10);
}

TEST(TimeoutMillis, ZeroForAPastDeadline) {
  TimePoint now{milliseconds(50)};
  EXPECT_EQ(timeout_millis(now - milliseconds(1), now), 0);
  EXPECT_EQ(timeout_millis(now, now), 0);
}

}  // namespace
}  // namespace tend
