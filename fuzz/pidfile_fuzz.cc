// SPDX-License-Identifier: MIT
// Fuzzes parse_pid on pid-file contents: only a positive pid comes out, and it reads back.
#include <string>

#include "check.h"
#include "service/pidfile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto pid = tend::parse_pid(tend::fuzz::as_text(data, size));
  if (!pid) return 0;
  FUZZ_CHECK(*pid > 0);
  FUZZ_CHECK(tend::parse_pid(std::to_string(*pid) + "\n") == pid);
  return 0;
}
