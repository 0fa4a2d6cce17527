// SPDX-License-Identifier: MIT
// Subtree: the processes below tend, which tend signals when a run ends or a stop escalates, and
// the only senders whose notifications it accepts.
#include "init/subtree.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include <spdlog/spdlog.h>

#include "sys/processes.h"

namespace tend {

Subtree::Subtree() : self_(getpid()), is_pid1_(self_ == 1) {}

bool Subtree::reserve_proc_walk() {
  return is_pid1_ || proc_walk_reserve_.take(kProcWalkDescriptors);
}

bool Subtree::has_children() {
  siginfo_t child{};
  return waitid(P_ALL, 0, &child, WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT) == 0;
}

int Subtree::signal_leftovers(int signo, const std::function<void()>& signal_known) {
  // No child at all means nothing below tend: skip the walk through /proc (the common exit).
  if (!has_children() && errno == ECHILD) return 0;
  if (is_pid1_) {
    // kill(-1) reaches every process of the namespace but tend itself, atomically.
    return kill(-1, signo) == 0 ? kSomeProcesses : 0;
  }
  // The walk needs descriptors that tend, short of them, may not have: it gets the reserve.
  proc_walk_reserve_.release();
  int count = signal_descendants(signo, signal_known);
  proc_walk_reserve_.take(kProcWalkDescriptors);
  return count;
}

int Subtree::signal_descendants(int signo, const std::function<void()>& signal_known) {
  // A process may fork while we walk /proc: for SIGKILL, walk again until no new pid shows up.
  std::set<pid_t> signalled;
  for (int round = 0; round < (signo == SIGKILL ? 64 : 1); ++round) {
    auto leftovers = live_descendants(self_);
    if (!leftovers) {
      // Without a /proc of its own tend cannot see its subtree: only what the caller holds is
      // signalled; anything else is waited for until the give-up margin.
      signal_known();
      return kUnseenProcesses;
    }
    size_t before = signalled.size();
    for (const ListedProcess& process : *leftovers) {
      if (signalled.insert(process.pid).second) signal_if_same(process, signo);
    }
    if (signalled.size() == before) break;
  }
  return static_cast<int>(signalled.size());
}

bool Subtree::give_up_waiting() {
  if (!has_children()) return false;
  spdlog::warn("processes tend cannot signal are still running after SIGKILL: no longer waiting");
  return true;
}

bool Subtree::is_from_own_subtree(const Notification& notification, bool sender_is_held,
                                  const std::optional<Account>& account) const {
  pid_t sender = notification.sender;
  if (sender <= 0) return false;  // Outside tend's PID namespace: not below tend.
  // As PID 1 every process whose pid maps into tend's namespace is inside it: tend's subtree, or
  // one that root joined to the container (docker exec), which tend trusts as it trusts root.
  if (is_pid1_ || sender_is_held) return true;
  if (is_descendant(sender, self_, /*zombie_too=*/true)) return true;
  // Gone, and reaped by its own parent, before tend read its datagram (a client that sends and
  // exits at once): /proc no longer says where it was. Its credentials must then be root's or
  // COMMAND's user's, who could signal and trace COMMAND anyway; anyone else stays out.
  if (is_listed(sender)) return false;
  uid_t command_uid = account ? account->uid : geteuid();
  return notification.uid == 0 || notification.uid == command_uid;
}

bool Subtree::receive_notifications(const NotifySocket& socket,
                                    const std::optional<Account>& account,
                                    const std::function<bool(pid_t)>& holds,
                                    const std::function<void(const Notification&)>& handle) const {
  constexpr int kBatch = 64;
  int strangers = 0;
  for (int i = 0; i < kBatch; ++i) {
    std::optional<Notification> notification = socket.receive();
    if (!notification) break;
    if (!is_from_own_subtree(*notification, holds(notification->sender), account)) {
      if (strangers++ == 0) {
        spdlog::debug("ignored a notification from pid {}, which tend did not start",
                      notification->sender);
      }
      continue;
    }
    handle(*notification);
  }
  return strangers > 0;
}

}  // namespace tend
