// SPDX-License-Identifier: MIT
// Unit tests of duration parsing and formatting.
#include "cli/duration.h"

#include <gtest/gtest.h>

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

// Found by fuzz/duration_fuzz: 2.023 has no exact double, and 2.023 * 1000 in doubles is
// 2023.0000000000002, which rounding up made 2024.
TEST(ParseDuration, DecimalsAreExact) {
  EXPECT_EQ(parse_duration("2.023s"), Millis(2023));
  EXPECT_EQ(parse_duration("4.025"), Millis(4025));
  EXPECT_EQ(parse_duration("0.1h"), Millis(360'000));
  EXPECT_EQ(parse_duration("999999999999.999s"), Millis(999'999'999'999'999));
  EXPECT_EQ(parse_duration("2.0230000000000000000001s"), Millis(2024));
  EXPECT_EQ(parse_duration("0.0000000001us"), Millis(1));
}

TEST(ParseDuration, InfMeansForever) {
  EXPECT_EQ(parse_duration("inf"), kForever);
  EXPECT_EQ(parse_duration("infinity"), kForever);
}

TEST(ParseDuration, RejectsMalformed) {
  for (const char* bad :
       {"", "10x", "-1s", "-1", "s", "ms", "1.2.3s", ".5s", "5.s", "1 s", "+1s", "1e3", "nan",
        "1sms", "99999999999999999999h", "1000000000000s", "1..5s"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(FormatDuration, ReadsBackAsItWasWritten) {
  EXPECT_EQ(format_duration(Millis(10'000)), "10s");
  EXPECT_EQ(format_duration(Millis(1500)), "1.5s");
  EXPECT_EQ(format_duration(Millis(250)), "250ms");
  EXPECT_EQ(format_duration(kForever), "inf");
  for (Millis m : {Millis(1), Millis(999), Millis(1000), Millis(1001), Millis(2023), Millis(61'000),
                   Millis(999'999'999'999'999)}) {
    EXPECT_EQ(parse_duration(format_duration(m)), m);
  }
}

}  // namespace
}  // namespace tend
