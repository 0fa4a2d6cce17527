// SPDX-License-Identifier: MIT
// Unit tests of duration parsing and formatting.
#include "cli/duration.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tend {
namespace {

TEST(ParseDuration, AcceptsUnitsAndBareSeconds) {
  EXPECT_EQ(parse_duration("500ms"), Millis(500));
  EXPECT_EQ(parse_duration("2s"), Millis(2000));
  EXPECT_EQ(parse_duration("1.5s"), Millis(1500));
  EXPECT_EQ(parse_duration("1m"), Millis(60'000));
  EXPECT_EQ(parse_duration("1h"), Millis(3'600'000));
  EXPECT_EQ(parse_duration("10"), Millis(10'000));
  EXPECT_EQ(parse_duration("0.25"), Millis(250));
  EXPECT_EQ(parse_duration("0"), Millis(0));
}

TEST(ParseDuration, RoundsSubMillisecondUp) { EXPECT_EQ(parse_duration("1500us"), Millis(2)); }

// 2.023 has no exact double, and 2.023 * 1000 in doubles is 2023.0000000000002, which rounding
// up would make 2024: decimals are read as exact digits.
TEST(ParseDuration, DecimalsAreExact) {
  EXPECT_EQ(parse_duration("2.023s"), Millis(2023));
  EXPECT_EQ(parse_duration("4.025"), Millis(4025));
  EXPECT_EQ(parse_duration("0.1h"), Millis(360'000));
  EXPECT_EQ(parse_duration("3153599999.999s"), Millis(3'153'599'999'999));
  EXPECT_EQ(parse_duration("2.0230000000000000000001s"), Millis(2024));
  EXPECT_EQ(parse_duration("0.0000000001us"), Millis(1));
}

// Rounded up, never down to 0: a grace of 0 would mean SIGKILL at once.
TEST(ParseDuration, TinyValuesAreOneMillisecond) {
  EXPECT_EQ(parse_duration("1us"), Millis(1));
  EXPECT_EQ(parse_duration("0.001us"), Millis(1));
  EXPECT_EQ(parse_duration("0.000001ms"), Millis(1));
  EXPECT_EQ(parse_duration("0us"), Millis(0));
  EXPECT_EQ(parse_duration("0.000"), Millis(0));
}

TEST(ParseDuration, UpTo100Years) {
  EXPECT_EQ(kLongestDuration, std::chrono::hours(876'000));
  EXPECT_EQ(parse_duration("876000h"), kLongestDuration);
  EXPECT_EQ(parse_duration("52560000m"), kLongestDuration);
  EXPECT_EQ(parse_duration("3153600000"), kLongestDuration);
  EXPECT_EQ(parse_duration("3153600000000ms"), kLongestDuration);
}

// Longer is refused: a deadline 10000000000s away would wrap the clock into the past.
TEST(ParseDuration, LongerIsTooLong) {
  for (const std::string& bad :
       std::vector<std::string>{"876000.001h", "876001h", "3153600000.001", "10000000000s",
                                "99999999999999999999h", "1" + std::string(400, '0') + "s"}) {
    DurationError error = DurationError::kMalformed;
    EXPECT_EQ(parse_duration(bad, &error), std::nullopt) << bad;
    EXPECT_EQ(error, DurationError::kTooLong) << bad;
  }
}

TEST(ParseDuration, MalformedSaysSo) {
  DurationError error = DurationError::kTooLong;
  EXPECT_EQ(parse_duration("5x", &error), std::nullopt);
  EXPECT_EQ(error, DurationError::kMalformed);
}

TEST(ParseDuration, InfMeansForever) {
  EXPECT_EQ(parse_duration("inf"), kForever);
  EXPECT_EQ(parse_duration("infinity"), kForever);
}

TEST(ParseDuration, RejectsMalformed) {
  for (const char* bad : {"", "10x", "-1s", "-1", "s", "ms", "1.2.3s", ".5s", "5.s", "1 s", "+1s",
                          "1e3", "nan", "1sms", "INF", "inf5", "1us5", "1..5s"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(FormatDuration, ReadsBackAsItWasWritten) {
  EXPECT_EQ(format_duration(Millis(10'000)), "10s");
  EXPECT_EQ(format_duration(Millis(1500)), "1.5s");
  EXPECT_EQ(format_duration(Millis(250)), "250ms");
  EXPECT_EQ(format_duration(kForever), "inf");
  for (Millis m : {Millis(1), Millis(999), Millis(1000), Millis(1001), Millis(2023), Millis(61'000),
                   kLongestDuration, kLongestDuration - Millis(1)}) {
    EXPECT_EQ(parse_duration(format_duration(m)), m);
  }
}

}  // namespace
}  // namespace tend
