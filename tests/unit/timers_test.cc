// SPDX-License-Identifier: MIT
// Unit tests of deadline bookkeeping: armed timers, the earliest deadline, and deadlines that
// never wrap into the past.
#include "loop/timers.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

using std::chrono::milliseconds;
using Millis = std::chrono::milliseconds;

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

TEST(DeadlineAfter, AddsWhatTheClockCanHold) {
  TimePoint now{milliseconds(7)};
  EXPECT_EQ(deadline_after(now, milliseconds(0)), now);
  EXPECT_EQ(deadline_after(now, milliseconds(1500)), now + milliseconds(1500));
  EXPECT_EQ(deadline_after(now, -milliseconds(5)), now);
}

// 10000000000s is about 317 years, and the clock holds 292 years of nanoseconds: the plain sum
// would wrap into the past, and --grace 10000000000s would send SIGKILL at once.
TEST(DeadlineAfter, NeverWrapsIntoThePast) {
  for (TimePoint now : {TimePoint{}, TimePoint{std::chrono::hours(24 * 365 * 100)},
                        TimePoint::max() - milliseconds(1), TimePoint::max()}) {
    for (Millis after :
         {std::chrono::duration_cast<Millis>(std::chrono::seconds(10000000000)), Millis::max(),
          Millis(Millis::max().count() / 2), std::chrono::floor<Millis>(Clock::duration::max()),
          std::chrono::floor<Millis>(Clock::duration::max()) - milliseconds(1), milliseconds(2)}) {
      TimePoint deadline = deadline_after(now, after);
      EXPECT_GE(deadline, now) << after.count() << "ms after " << now.time_since_epoch().count();
      EXPECT_TRUE(deadline == TimePoint::max() || deadline - now == after) << after.count();
    }
  }
  EXPECT_EQ(deadline_after(TimePoint{}, Millis::max()), TimePoint::max());
}

}  // namespace
}  // namespace tend
