// SPDX-License-Identifier: MIT
// Fuzzes parse_restart_policy: a cap is never negative and only comes with on-failure.
#include <string>

#include "check.h"
#include "cli/options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto policy = tend::parse_restart_policy(tend::fuzz::as_text(data, size));
  if (!policy || !policy->max_restarts) return 0;
  FUZZ_CHECK(*policy->max_restarts >= 0);
  FUZZ_CHECK(policy->mode == tend::RestartPolicy::Mode::kOnFailure);
  std::string again = "on-failure:" + std::to_string(*policy->max_restarts);
  FUZZ_CHECK(tend::parse_restart_policy(again) == policy);
  return 0;
}
