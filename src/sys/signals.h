// SPDX-License-Identifier: MIT
// Signal state: what tend inherited (handed on to COMMAND), tend's own blocking, and sending.
#pragma once

#include <signal.h>
#include <sys/types.h>

namespace tend {

/// The signal mask and the set of ignored signals tend was started with.
struct InheritedSignals {
  sigset_t mask;
  sigset_t ignored;

  /// Reads the calling process's current state; call first thing in main.
  static InheritedSignals capture();

  /// Puts this state back; for the child between fork and exec (async-signal-safe).
  void restore() const;
};

/// Blocks every signal and puts the inherited ignored ones back to their default action, so that
/// all of them (SIGCHLD included, even if inherited as ignored) queue up for the EventLoop's
/// signalfd. "Every" means all 64 the kernel knows: glibc's sigfillset leaves out 32 and 33,
/// which it keeps for threads tend does not have, and which would otherwise kill tend.
void take_over_signals(const InheritedSignals& inherited);

/// A non-blocking, close-on-exec signalfd for all 64 signals; -1 (errno set) on failure.
[[nodiscard]] int open_signalfd_for_every_signal();

/// Stops tend with `signo` (SIGTSTP, SIGTTIN or SIGTTOU) the way an unblocked signal would,
/// and returns once tend is continued. Returns false when the kernel discarded the stop (an
/// orphaned process group cannot be stopped this way), true when tend was stopped and continued.
[[nodiscard]] bool stop_self(int signo);

/// kill(2) where a vanished target (ESRCH) is an expected outcome: false, and logged only when
/// the error is another (a warning).
bool send_signal(pid_t target, int signo);

/// Ends tend by signal `signo` as if it had not been caught, without a core dump; falls back to
/// _exit(128 + signo) for a signal whose default action does not end the process.
[[noreturn]] void die_by_signal(int signo);

}  // namespace tend
