// SPDX-License-Identifier: MIT
// What the hostile tests add to the harness: strangers (processes that are not tend's, also
// with a chosen pid, as a recycled pid would be), and tend's CPU time.
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

/// A process of the test's, not tend's: it dies of any signal tend might forward, and is killed
/// and reaped when this goes away. With `wanted_pid` it is created with that pid (clone3's
/// set_tid), in the test's PID namespace: what a pid recycled by the kernel looks like.
class Stranger {
 public:
  struct Options {
    pid_t wanted_pid = 0;        ///< 0: any pid.
    bool own_group = false;      ///< Leads a process group of its own (group id = pid).
    std::string notify_address;  ///< When set, sends `notify_text` there first.
    std::string notify_text = "READY=1";
  };
  explicit Stranger(const Options& options);
  ~Stranger();
  Stranger(const Stranger&) = delete;
  Stranger& operator=(const Stranger&) = delete;

  pid_t pid() const { return pid_; }
  /// Still alive: no signal reached it.
  bool is_untouched() const;

 private:
  pid_t pid_ = -1;
};

/// User plus system CPU time `pid` has used, in seconds (clock ticks of /proc/PID/stat).
double cpu_seconds(pid_t pid);

}  // namespace tend::e2e
