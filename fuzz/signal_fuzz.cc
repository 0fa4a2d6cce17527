// SPDX-License-Identifier: MIT
// Fuzzes parse_signal and signal_name: a parsed signal is a real one, and its name reads back.
#include <csignal>
#include <cstring>
#include <string>

#include "check.h"
#include "cli/options.h"
#include "sys/signal_name.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (auto signo = tend::parse_signal(tend::fuzz::as_text(data, size))) {
    FUZZ_CHECK(*signo >= 1 && *signo <= SIGRTMAX && *signo <= tend::kMaxSignal);
    std::string name = tend::signal_name(*signo);
    if (!name.starts_with("signal ")) FUZZ_CHECK(tend::parse_signal(name) == signo);
  }
  if (size >= sizeof(int)) {
    int any;
    std::memcpy(&any, data, sizeof any);
    FUZZ_CHECK(!tend::signal_name(any).empty());
  }
  return 0;
}
