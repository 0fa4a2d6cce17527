// SPDX-License-Identifier: MIT
// Pidfds: a process held by identity rather than by a pid number that the kernel may reuse.
#include "sys/pidfd.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace tend {
namespace {

// Not in Debian 12's headers; the kernel's numbers (include/uapi/linux/pidfd.h, wait.h).
constexpr unsigned kSignalProcessGroup = 1u << 2;        // PIDFD_SIGNAL_PROCESS_GROUP, Linux 6.9
constexpr idtype_t kPidfdId = static_cast<idtype_t>(3);  // P_PIDFD, Linux 5.4

}  // namespace

UniqueFd open_pidfd(pid_t pid) {
  // pidfds are close-on-exec from birth.
  return UniqueFd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
}

bool has_exited(int pidfd) {
  pollfd fd{pidfd, POLLIN, 0};
  return poll(&fd, 1, 0) != 0;
}

bool signal_by_pidfd(int pidfd, pid_t pid, int signo, bool whole_group) {
  if (!whole_group) return syscall(SYS_pidfd_send_signal, pidfd, signo, nullptr, 0) == 0;
  if (syscall(SYS_pidfd_send_signal, pidfd, signo, nullptr, kSignalProcessGroup) == 0) return true;
  if (errno != EINVAL) return false;
  // An older kernel: the group is the leader's while the leader lives. Between this check and the
  // kill the leader would have to end, be reaped, and its id go to a new group leader.
  if (has_exited(pidfd)) {
    errno = ESRCH;
    return false;
  }
  return kill(-pid, signo) == 0;
}

std::optional<int> reap_by_pidfd(int pidfd) {
  siginfo_t info{};
  if (waitid(kPidfdId, static_cast<id_t>(pidfd), &info, WEXITED | WNOHANG) != 0 ||
      info.si_pid == 0) {
    return std::nullopt;
  }
  if (info.si_code == CLD_EXITED) return W_EXITCODE(info.si_status, 0);
  return info.si_status;  // Killed or dumped: the signal in the low bits, as waitpid says it.
}

}  // namespace tend
