// SPDX-License-Identifier: MIT
// What the hostile tests add to the harness: the sanitizer-build switch and tend's CPU time.
#pragma once

#include <sys/types.h>

#include <string>

namespace tend::e2e {

/// Whether the tend under test is the ASan+UBSan build. Its runtime needs what some fault tests
/// take away (a /proc to read, descriptors, threads for the leak check) and keeps freed memory in
/// quarantine, so those tests are skipped there, saying so; the release build runs them.
#if defined(TEND_SANITIZED)
inline constexpr bool kSanitizedTend = true;
#else
inline constexpr bool kSanitizedTend = false;
#endif
#define SKIP_FOR_SANITIZED_TEND(why)                                             \
  do {                                                                           \
    if (kSanitizedTend) GTEST_SKIP() << "not in the sanitizer build: " << (why); \
  } while (false)

/// User plus system CPU time `pid` has used, in seconds (clock ticks of /proc/PID/stat).
double cpu_seconds(pid_t pid);

}  // namespace tend::e2e
