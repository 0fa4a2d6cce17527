// SPDX-License-Identifier: MIT
// Pidfds: a process held by identity rather than by a pid number that the kernel may reuse.
#pragma once

#include <sys/types.h>

#include <optional>

#include "sys/unique_fd.h"

namespace tend {

/// pidfd_open(2): a close-on-exec descriptor for `pid`, closed (errno set: ESRCH when gone,
/// ENOSYS before Linux 5.3) on failure.
[[nodiscard]] UniqueFd open_pidfd(pid_t pid);

/// Whether the process the pidfd holds has ended (its pidfd is readable); also true when the
/// descriptor is unusable, so that a caller never acts on a process it cannot vouch for.
bool has_exited(int pidfd);

/// Sends `signo` to the process the pidfd holds, or with `whole_group` to the process group it
/// leads (Linux 6.9's PIDFD_SIGNAL_PROCESS_GROUP; before that kill(-pid) once the pidfd says the
/// leader still runs, since a group id cannot be reused while its leader lives). Returns false,
/// errno set, when nothing was signalled (ESRCH: the process or group is gone).
[[nodiscard]] bool signal_by_pidfd(int pidfd, pid_t pid, int signo, bool whole_group);

/// The exit of a child held by `pidfd`, reaped now (waitid P_PIDFD); nullopt when the process is
/// not tend's child or has not ended. The wait status is in the form waitpid gives it.
[[nodiscard]] std::optional<int> reap_by_pidfd(int pidfd);

}  // namespace tend
