// SPDX-License-Identifier: MIT
// Fuzzes parse_duration and format_duration: never negative, and what is printed reads back.
#include <cstring>

#include "check.h"
#include "cli/duration.h"

namespace {

using tend::Millis;

/// Whatever parses is not negative, and its printed form parses to the same duration.
void check_parsed(std::string_view text) {
  auto duration = tend::parse_duration(text);
  if (!duration) return;
  FUZZ_CHECK(duration->count() >= 0);
  auto again = tend::parse_duration(tend::format_duration(*duration));
  FUZZ_CHECK(again == duration);
}

/// A duration from the input's first bytes, printed, reads back as itself when it reads back at
/// all (a duration too long for parse_duration's range may be refused).
void check_formatted(const uint8_t* data, size_t size) {
  if (size < sizeof(int64_t)) return;
  int64_t count;
  std::memcpy(&count, data, sizeof count);
  Millis duration(count < 0 ? -(count + 1) : count);
  auto again = tend::parse_duration(tend::format_duration(duration));
  FUZZ_CHECK(!again || *again == duration);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check_parsed(tend::fuzz::as_text(data, size));
  check_formatted(data, size);
  return 0;
}
