// SPDX-License-Identifier: MIT
// Fuzzes parse_rewrite: FROM is a signal and TO a signal or 0, so SignalRewrites can hold them.
#include "check.h"
#include "cli/options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto rewrite = tend::parse_rewrite(tend::fuzz::as_text(data, size));
  if (!rewrite) return 0;
  auto [from, to] = *rewrite;
  FUZZ_CHECK(from >= 1 && from <= tend::kMaxSignal);
  FUZZ_CHECK(to >= 0 && to <= tend::kMaxSignal);
  tend::SignalRewrites rewrites;
  rewrites.set(from, to);
  FUZZ_CHECK(rewrites.apply(from) == to);
  return 0;
}
