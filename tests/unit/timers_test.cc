// SPDX-License-Identifier: MIT
// Unit tests of deadline bookkeeping and the sleep derived from it.
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
  EXPECT_TRUE(timers.any_armed());
  timers.disarm(TimerId::kGrace);
  EXPECT_EQ(timers.earliest(), std::nullopt);
  EXPECT_FALSE(timers.any_armed());
}

TEST(Timers, EarliestOfSeveralAndWhatIsLeftAfterExpiry) {
  Timers timers;
  TimePoint start{};
  timers.arm(TimerId::kWatchdog, start + milliseconds(30));
  timers.arm(TimerId::kGrace, start + milliseconds(10));
  timers.arm(TimerId::kReady, start + milliseconds(20));
  EXPECT_EQ(timers.earliest(), start + milliseconds(10));
  auto expired = timers.take_expired(start + milliseconds(25));
  ASSERT_EQ(expired.size(), 2u);
  EXPECT_EQ(expired[0], TimerId::kGrace);
  EXPECT_EQ(expired[1], TimerId::kReady);
  EXPECT_TRUE(timers.is_armed(TimerId::kWatchdog));
  EXPECT_FALSE(timers.is_armed(TimerId::kReady));
  EXPECT_EQ(timers.earliest(), start + milliseconds(30));
}

TEST(TimeLeft, ForeverWithoutDeadline) { EXPECT_EQ(time_left(std::nullopt, {}), std::nullopt); }

TEST(TimeLeft, ExactToTheNanosecond) {
  TimePoint now{milliseconds(7)};
  auto left = time_left(now + microseconds(1500), now);
  ASSERT_TRUE(left);
  EXPECT_EQ(left->tv_sec, 0);
  EXPECT_EQ(left->tv_nsec, 1500000);
  left = time_left(now + std::chrono::seconds(3) + std::chrono::nanoseconds(5), now);
  ASSERT_TRUE(left);
  EXPECT_EQ(left->tv_sec, 3);
  EXPECT_EQ(left->tv_nsec, 5);
}

TEST(TimeLeft, ZeroForAPastDeadline) {
  TimePoint now{milliseconds(50)};
  for (TimePoint deadline : {now - milliseconds(1), now}) {
    auto left = time_left(deadline, now);
    ASSERT_TRUE(left);
    EXPECT_EQ(left->tv_sec, 0);
    EXPECT_EQ(left->tv_nsec, 0);
  }
}

}  // namespace
}  // namespace tend
