// SPDX-License-Identifier: MIT
// Subtree: the processes below tend (as PID 1, its whole namespace), which tend signals when a
// run ends or a stop escalates, and the only senders whose notifications it accepts.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>

#include "cli/duration.h"
#include "service/notify.h"
#include "sys/accounts.h"
#include "sys/unique_fd.h"

namespace tend {

/// What Init and ProcfileInit both know of tend's subtree; neither waits nor reaps through it.
class Subtree {
 public:
  /// signal_leftovers' count when kill(-1) reached an unknown number of processes.
  static constexpr int kSomeProcesses = -1;
  /// signal_leftovers' count when tend has no usable /proc to see what is left.
  static constexpr int kUnseenProcesses = -2;
  /// After SIGKILL, how long tend waits for processes to go: SIGKILLed processes end within
  /// milliseconds, and one that tend cannot see (no /proc) or that hangs in the kernel must not
  /// keep tend from ending.
  static constexpr Millis kGiveUpMargin{2000};
  /// How long tend stops reading its notify sockets after strangers flooded them.
  static constexpr Millis kNotifyPause{100};

  Subtree();

  pid_t self() const { return self_; }
  bool is_pid1() const { return is_pid1_; }

  /// Setup: keeps the descriptors the walk through /proc needs, so that a tend short of
  /// descriptors can still signal its leftovers. False (errno set) when it cannot.
  bool reserve_proc_walk();

  /// Whether tend has any child left, ended or not (a query: nothing is reaped).
  static bool has_children();

  /// Sends `signo` to every process left in tend's subtree and returns how many it reached, or
  /// kSomeProcesses, or kUnseenProcesses after `signal_known` has signalled what the caller
  /// knows of them without /proc.
  int signal_leftovers(int signo, const std::function<void()>& signal_known);

  /// At the give-up deadline: true, with a warning, when children are still there, which tend
  /// then stops waiting for; false when none is left and the reap loop ends the wait itself.
  static bool give_up_waiting();

  /// Whether a datagram comes from inside tend's subtree (see SECURITY.md for what is trusted).
  /// `sender_is_held`: the caller holds the sender (an unreaped child, a live pidfd), which then
  /// needs no /proc to be trusted. `account`: the user COMMAND runs as, if not tend's.
  bool is_from_own_subtree(const Notification& notification, bool sender_is_held,
                           const std::optional<Account>& account) const;

  /// Reads one bounded batch of datagrams from `socket` and hands those from tend's subtree to
  /// `handle`; `holds` tells a sender the caller holds. True when strangers sent some: the caller
  /// then stops reading for kNotifyPause, so that a flood costs tend a small, fixed share of a
  /// CPU, and signals and reaping are never starved.
  bool receive_notifications(const NotifySocket& socket, const std::optional<Account>& account,
                             const std::function<bool(pid_t)>& holds,
                             const std::function<void(const Notification&)>& handle) const;

 private:
  /// The subreaper's part of signal_leftovers: the processes below tend found through /proc.
  int signal_descendants(int signo, const std::function<void()>& signal_known);

  /// Descriptors the walk through /proc needs (the directory and one stat file at a time).
  static constexpr int kProcWalkDescriptors = 2;

  pid_t self_;
  bool is_pid1_;
  DescriptorReserve proc_walk_reserve_;
};

}  // namespace tend
