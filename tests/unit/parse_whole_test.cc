// SPDX-License-Identifier: MIT
// Unit tests of parse_whole, the one parser of whole decimal numbers.
#include "sys/parse_whole.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace tend {
namespace {

TEST(ParseWhole, DigitsAreTheirNumber) {
  EXPECT_EQ(parse_whole<int>("0"), 0);
  EXPECT_EQ(parse_whole<int>("42"), 42);
  EXPECT_EQ(parse_whole<int>("007"), 7);
  EXPECT_EQ(parse_whole<unsigned>("4294967294"), 4294967294U);
  EXPECT_EQ(parse_whole<uint64_t>("18446744073709551615"), UINT64_MAX);
}

TEST(ParseWhole, MinusOnlyForSignedTypes) {
  EXPECT_EQ(parse_whole<int>("-5"), -5);
  EXPECT_EQ(parse_whole<int>("-0"), 0);
  EXPECT_EQ(parse_whole<int>("-2147483648"), INT32_MIN);
  EXPECT_EQ(parse_whole<unsigned>("-5"), std::nullopt);
  EXPECT_EQ(parse_whole<uint64_t>("-0"), std::nullopt);
}

TEST(ParseWhole, NothingAroundTheDigits) {
  for (const char* text : {"", "+5", " 5", "5 ", "5\n", "5x", "x5", "--5", "-", "5.0", "0x10"}) {
    EXPECT_EQ(parse_whole<int>(text), std::nullopt) << '"' << text << '"';
  }
  EXPECT_EQ(parse_whole<int>(std::string_view()), std::nullopt);
  EXPECT_EQ(parse_whole<int>(std::string_view("12", 1)), 1);  // The view's end, not a NUL.
}

TEST(ParseWhole, BeyondTheTypeIsRefusedNotWrapped) {
  EXPECT_EQ(parse_whole<int>("2147483648"), std::nullopt);
  EXPECT_EQ(parse_whole<int>("-2147483649"), std::nullopt);
  EXPECT_EQ(parse_whole<unsigned>("4294967296"), std::nullopt);
  EXPECT_EQ(parse_whole<uint64_t>("18446744073709551616"), std::nullopt);
}

TEST(ParseWhole, SaysWhyWhenAsked) {
  WholeNumberError error = WholeNumberError::kMalformed;
  EXPECT_EQ(parse_whole<uint64_t>("99999999999999999999999", &error), std::nullopt);
  EXPECT_EQ(error, WholeNumberError::kOutOfRange);
  for (const char* text : {"", "12a", "99999999999999999999999x", "+1"}) {
    error = WholeNumberError::kOutOfRange;
    EXPECT_EQ(parse_whole<uint64_t>(text, &error), std::nullopt) << text;
    EXPECT_EQ(error, WholeNumberError::kMalformed) << text;
  }
  error = WholeNumberError::kOutOfRange;
  EXPECT_EQ(parse_whole<uint64_t>("12", &error), 12U);
  EXPECT_EQ(error, WholeNumberError::kOutOfRange);  // Untouched on success.
}

}  // namespace
}  // namespace tend
